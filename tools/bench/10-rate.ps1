# Bench section: rate (bytes, bpp, where the bits go) against JBIG1, deflate and brotli anchors.
param($RepoRoot, $ModulePath, $DataPath, $SectionPath, $AssetPath, $Configuration = 'Release')
$ErrorActionPreference = 'Stop'
$project = Join-Path $RepoRoot 'tools/TextSketch.RateBench/TextSketch.RateBench.csproj'
$captions = Join-Path $RepoRoot 'tools/bench/captions.txt'
dotnet run --project $project -c $Configuration -- (Join-Path $DataPath 'photos') $captions $SectionPath
if ($LASTEXITCODE -ne 0) { throw "The rate benchmark failed ($LASTEXITCODE)." }
