# Bench section 45: the built-in sketch detector against PiDiNet with its real weights. The pidinet pack is installed
# the way users install it (Install-TextSketchModel, here from a mirror folder holding the authors' checkpoint from
# ../shared/pidinet at the URL's relative path), then tools/TextSketch.Bench compares the two detectors on the bench
# photos: bytes at the default budget and at equal bytes, edge-F1 against both full-resolution maps, the Paint decoder's
# PSNR / MS-SSIM / FeatureDistance with each sketch, CPU time, and a contact sheet (docs/bench/sketch-sheet.jpg).
param(
    [Parameter(Mandatory)][string] $RepoRoot,
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $DataPath,
    [Parameter(Mandatory)][string] $SectionPath,
    [Parameter(Mandatory)][string] $AssetPath,
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force

$checkpoint = Join-Path $RepoRoot '../shared/pidinet/table5_pidinet.pth'
if (-not (Test-Path $checkpoint)) { throw "The PiDiNet checkpoint is missing: $checkpoint (../shared/pidinet next to the repository)." }
$work = Join-Path $RepoRoot 'out/bench/sketch'
if (Test-Path $work) { Remove-Item $work -Recurse -Force }
$mirror = Join-Path $work 'mirror'
New-Item -ItemType Directory -Force -Path (Join-Path $mirror 'trained_models'), $AssetPath | Out-Null
Copy-Item $checkpoint (Join-Path $mirror 'trained_models/table5_pidinet.pth')
$models = Join-Path $work 'models'
$pack = Install-TextSketchModel -Name pidinet -Mirror ([Uri]::new((Resolve-Path $mirror).Path + '/')) -ModelRoot $models
if (-not $pack.Installed) { throw 'The pidinet pack did not install.' }
# The Paint columns' FeatureDistance: the module's ResNet-18 files, where Measure-TextSketch looks first (<model root>/DnnImageModels).
Copy-Item (Join-Path $ModulePath 'dependencies/DnnImageModels') (Join-Path $models 'DnnImageModels') -Recurse

$benchProject = Join-Path $RepoRoot 'tools/TextSketch.Bench/TextSketch.Bench.csproj'
dotnet build $benchProject -c $Configuration --nologo -v quiet | Out-Host
if ($LASTEXITCODE -ne 0) { throw 'Building tools/TextSketch.Bench failed.' }
$benchDll = Join-Path $RepoRoot "tools/TextSketch.Bench/bin/$Configuration/net10.0/TextSketch.Bench.dll"
$command = "dotnet pwsh ./build.ps1 -Task Build; dotnet pwsh -File tools/bench/Get-BenchData.ps1 -DataPath ./out/bench-data; dotnet pwsh -File tools/bench/45-sketch.ps1 -RepoRoot . -ModulePath ./out/TextSketch -DataPath ./out/bench-data -SectionPath out/bench/sections/45-sketch.md -AssetPath docs/bench"
dotnet $benchDll sketch (Join-Path $DataPath 'photos') $models $SectionPath $AssetPath $command | Out-Host
if ($LASTEXITCODE -ne 0) { throw 'The sketch comparison failed.' }
