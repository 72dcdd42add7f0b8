# Bench section: bulk throughput and memory of ConvertTo-TextSketch against cwebp, on 768x512 JPEGs.
param($RepoRoot, $ModulePath, $DataPath, $SectionPath, $AssetPath, $Configuration = 'Release')
$ErrorActionPreference = 'Stop'

$work = Join-Path $DataPath 'throughput'
$source = Join-Path $work 'jpeg'
if (-not (Test-Path (Join-Path $source '999.jpg'))) {
    # 1,000 JPEGs (quality 90) made from the benchmark photos, 768x512 and 512x768.
    New-Item -ItemType Directory -Force -Path $source | Out-Null
    $photos = @(Get-ChildItem (Join-Path $DataPath 'photos') -Filter *.png | Sort-Object Name)
    $bases = foreach ($photo in $photos) {
        $jpeg = Join-Path $work ($photo.BaseName + '.jpg')
        convert $photo.FullName -quality 90 $jpeg
        $jpeg
    }
    for ($i = 0; $i -lt 1000; $i++) { Copy-Item $bases[$i % $bases.Count] (Join-Path $source ('{0:000}.jpg' -f $i)) }
}

$files = @(Get-ChildItem $source -Filter *.jpg | Sort-Object Name)
$cores = [Environment]::ProcessorCount
$pwsh = [Environment]::ProcessPath
# Under `dotnet pwsh` the process is dotnet and pwsh.dll is its first argument.
$pwshArgs = @(if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })

function Measure-Run {
    # One fresh process compresses the first $Count files into a fresh folder; returns images/s and its peak RSS.
    param([int] $Count)
    $out = Join-Path $work "out-$Count"
    if (Test-Path $out) { Remove-Item $out -Recurse -Force }
    $script = @"
`$ProgressPreference = 'SilentlyContinue'
Import-Module '$ModulePath'
`$files = Get-ChildItem '$source' -Filter *.jpg | Sort-Object Name | Select-Object -First $Count
# Warm-up (not timed): load the module, build the caption model, compile the parallel path.
`$null = Get-ChildItem '$source' -Filter *.jpg | Sort-Object Name -Descending | Select-Object -First 8 | ConvertTo-TextSketch -ThrottleLimit $cores -InformationAction Ignore
`$clock = [Diagnostics.Stopwatch]::StartNew()
`$files | ConvertTo-TextSketch -DestinationPath '$out' -ThrottleLimit $cores -InformationAction Ignore | Out-Null
`$seconds = `$clock.Elapsed.TotalSeconds
`$peak = [int]((Get-Content /proc/self/status | Select-String '^VmHWM:\s+(\d+)').Matches[0].Groups[1].Value) / 1024
'{0} {1}' -f `$seconds, `$peak
"@
    # -EncodedCommand: the script reaches the child exactly as written, quotes included.
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
    $output = & $pwsh @pwshArgs -NoProfile -NonInteractive -EncodedCommand $encoded
    $result = ($output | Select-Object -Last 1).Split(' ')
    [pscustomobject]@{ Count = $Count; Seconds = [double]$result[0]; ImagesPerSecond = $Count / [double]$result[0]; PeakMiB = [double]$result[1] }
}

$small = Measure-Run -Count 100
$large = Measure-Run -Count 1000

$webp = Join-Path $work 'webp'
New-Item -ItemType Directory -Force -Path $webp | Out-Null
$first100 = $files | Select-Object -First 100
$serial = Measure-Command { foreach ($f in $first100) { cwebp -quiet $f.FullName -o (Join-Path $webp ($f.BaseName + '.webp')) } }
$parallel = Measure-Command { $first100.FullName | xargs -P $cores -I '{}' sh -c 'cwebp -quiet "$1" -o "$2/$(basename "$1" .jpg).webp"' _ '{}' $webp }

$lines = @(
    '## Throughput and memory'
    ''
    "``ConvertTo-TextSketch -DestinationPath <dir> -ThrottleLimit $cores`` on 768x512 JPEGs (quality 90, made from the benchmark"
    'photos; embedded tier: built-in detector, no model weights), each run in a fresh pwsh process after a warm-up of 8 images'
    '(module load, caption-model build and JIT excluded). Peak RSS is the process''s VmHWM (pwsh itself included). cwebp'
    '(default settings, one process per file) ran on the same files in the same run, one at a time and'
    "$cores at a time."
    ''
    '| run | images | seconds | images/s | peak RSS |'
    '|---|---|---|---|---|'
    ('| TextSketch | {0} | {1:N1} | **{2:N1}** | {3:N0} MiB |' -f $small.Count, $small.Seconds, $small.ImagesPerSecond, $small.PeakMiB)
    ('| TextSketch | {0} | {1:N1} | **{2:N1}** | {3:N0} MiB |' -f $large.Count, $large.Seconds, $large.ImagesPerSecond, $large.PeakMiB)
    ('| cwebp, one process per file, serial | 100 | {0:N1} | {1:N1} | |' -f $serial.TotalSeconds, (100 / $serial.TotalSeconds))
    ('| cwebp, one process per file, {0} at a time | 100 | {1:N1} | {2:N1} | |' -f $cores, $parallel.TotalSeconds, (100 / $parallel.TotalSeconds))
    ''
    ('Targets: at least 20 images/s ({0}), at least cwebp''s rate ({1}), peak RSS at most 400 MB over 1,000 images ({2}) and flat' -f `
        ($(if ($large.ImagesPerSecond -ge 20) { 'met' } else { '**not met**' })),
        ($(if ($large.ImagesPerSecond -ge 100 / $parallel.TotalSeconds) { 'met' } else { '**not met**' })),
        ($(if ($large.PeakMiB -le 400) { 'met' } else { '**not met**' })))
    ('as the count grows: {0:N0} MiB at 100 images, {1:N0} MiB at 1,000.' -f $small.PeakMiB, $large.PeakMiB)
)
Set-Content -Path $SectionPath -Value $lines -Encoding utf8
$lines | Write-Host
