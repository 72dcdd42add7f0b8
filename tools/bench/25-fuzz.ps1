# Bench section: the full fuzz run (100,000 mutated records, 10,000 mutated images).
param($RepoRoot, $ModulePath, $DataPath, $SectionPath, $AssetPath, $Configuration = 'Release')
$ErrorActionPreference = 'Stop'
$project = Join-Path $RepoRoot 'tools/TextSketch.Fuzz/TextSketch.Fuzz.csproj'
$output = dotnet run --project $project -c $Configuration -- 100000 10000 1
$code = $LASTEXITCODE
$output | Write-Host
$lines = @(
    '## Fuzzing'
    ''
    'Mutation fuzzing with a fixed seed (`tools/TextSketch.Fuzz`; `dotnet run --project tools/TextSketch.Fuzz -c Release -- 100000 10000 1`).'
    'Records: bit flips, byte edits, truncations, extensions, header-field edits, splices and random bodies, half of them'
    'with the CRC recomputed so the mutation reaches the decoder; seeds include the committed version-1 records; decodable ones'
    'are also rendered by the Preview decoder and, up to 65,536 pixels, by the Paint decoder.'
    'Images: PNG, JPEG, BMP, GIF, WebP, TIFF and TGA files with edited headers, flipped bits, extreme 32-bit fields and'
    'truncations, read with a 4-megapixel limit. A failure is any exception other than the documented format errors, an'
    'input slower than 2 s, or one allocating more than 256 MiB. The tests run 2,500 + 1,500 of these on every build.'
    ''
    '```'
) + @($output | Where-Object { $_ -match '^(tsk|image):|^  #' }) + @(
    '```'
    ''
    "Result: $(if ($code -eq 0) { 'no failures' } else { '**failures found** (listed above)' })."
)
Set-Content -Path $SectionPath -Value $lines -Encoding utf8
