# Bench section: the diffusion decoder's stage times on the tiny packs (CPU), from pure noise (strength 1) and from
# the colour layer (strength 0.5: the img2img start), the start's distance from the colour layout on the tiny
# pipeline, and the command that times a real pack on a GPU. Tiny-pack numbers are mechanics, not Stable Diffusion.
param(
    [Parameter(Mandatory)][string] $RepoRoot,
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $DataPath,
    [Parameter(Mandatory)][string] $SectionPath,
    [string] $AssetPath,
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force

$work = Join-Path $RepoRoot 'out/bench/diffusion'
if (Test-Path $work) { Remove-Item $work -Recurse -Force }
$models = Join-Path $work 'models'
New-Item -ItemType Directory -Force -Path $models | Out-Null
& dotnet run --project (Join-Path $RepoRoot 'tools/TextSketch.TinyModels/TextSketch.TinyModels.csproj') -c $Configuration -- (Join-Path $RepoRoot 'models') $models | Out-Host
if ($LASTEXITCODE -ne 0) { throw 'TinyModels failed.' }

# One bench photo (768x512), else a generated one; the record decodes at the real model resolution (768x512).
$photo = Get-ChildItem (Join-Path $DataPath 'photos') -Filter *.png -ErrorAction SilentlyContinue | Sort-Object Name | Select-Object -First 1
if (-not $photo) { throw "No bench photos in $DataPath/photos (run Get-BenchData.ps1)." }
$record = ConvertTo-TextSketch -LiteralPath $photo.FullName -Caption 'a photo'

function Measure-Decode {
    # One Expand-TextSketch call: its stage times (the -Verbose line), the decode's own time (the job log's
    # durationMs: decode and write, without opening the pack) and the whole call's wall time (with opening it).
    param([string] $Pack, [hashtable] $Options, [string] $Out)
    $log = Join-Path $work "log-$([IO.Path]::GetFileName($Out)).jsonl"
    if (Test-Path $log) { Remove-Item $log }
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $verbose = $record | Expand-TextSketch -DestinationPath $Out -Decoder Diffusion -ModelPack $Pack -ModelRoot $models -Force -LogPath $log -Verbose @Options 3>$null 4>&1 |
        Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message
    $clock.Stop()
    $line = $verbose | Where-Object { $_ -match 'steps.*: text encoder' } | Select-Object -Last 1
    $ms = @{}
    foreach ($stage in 'text encoder', 'controlnet', 'unet', 'scheduler', 'vae encoder', 'vae decoder') {
        if ($line -match "$stage ([0-9.]+) ms") { $ms[$stage] = [double]$Matches[1] }
    }
    $steps = if ($line -match ', (\d+) steps') { [int]$Matches[1] } else { 0 }
    $item = Get-Content $log | ForEach-Object { $_ | ConvertFrom-Json } | Where-Object { $_.status -eq 'written' } | Select-Object -First 1
    [pscustomobject]@{
        Pack = $Pack; Strength = $Options['Strength']; Steps = $steps; Ms = $ms; Started = $line -match 'started from'
        DecodeSeconds = $item.durationMs / 1000; WallSeconds = $clock.Elapsed.TotalSeconds; File = Join-Path $Out ($photo.BaseName + '.png')
    }
}

function Read-PngRgb {
    # Minimal PNG reader for the decoder's own output (8-bit RGB, non-interlaced): returns width, height, bytes.
    param([string] $Path)
    $bytes = [IO.File]::ReadAllBytes($Path)
    $width = ([int]$bytes[16] -shl 24) -bor ([int]$bytes[17] -shl 16) -bor ([int]$bytes[18] -shl 8) -bor $bytes[19]
    $height = ([int]$bytes[20] -shl 24) -bor ([int]$bytes[21] -shl 16) -bor ([int]$bytes[22] -shl 8) -bor $bytes[23]
    $idat = [IO.MemoryStream]::new()
    $offset = 8
    while ($offset -lt $bytes.Length) {
        $length = ([int]$bytes[$offset] -shl 24) -bor ([int]$bytes[$offset + 1] -shl 16) -bor ([int]$bytes[$offset + 2] -shl 8) -bor $bytes[$offset + 3]
        $type = [Text.Encoding]::ASCII.GetString($bytes, $offset + 4, 4)
        if ($type -eq 'IDAT') { $idat.Write($bytes, $offset + 8, $length) }
        $offset += 12 + $length
    }
    $idat.Position = 0
    $inflated = [IO.MemoryStream]::new()
    ([IO.Compression.ZLibStream]::new($idat, [IO.Compression.CompressionMode]::Decompress)).CopyTo($inflated)
    $raw = $inflated.ToArray()
    $stride = $width * 3
    $pixels = [byte[]]::new($stride * $height)
    for ($y = 0; $y -lt $height; $y++) {
        $filter = $raw[$y * ($stride + 1)]
        $src = $y * ($stride + 1) + 1
        $dst = $y * $stride
        for ($x = 0; $x -lt $stride; $x++) {
            $a = if ($x -ge 3) { $pixels[$dst + $x - 3] } else { 0 }
            $b = if ($y -gt 0) { $pixels[$dst - $stride + $x] } else { 0 }
            $c = if ($x -ge 3 -and $y -gt 0) { $pixels[$dst - $stride + $x - 3] } else { 0 }
            $predictor = switch ($filter) {
                0 { 0 } 1 { $a } 2 { $b } 3 { [Math]::Floor(($a + $b) / 2) }
                4 { $p = $a + $b - $c; $pa = [Math]::Abs($p - $a); $pb = [Math]::Abs($p - $b); $pc = [Math]::Abs($p - $c)
                    if ($pa -le $pb -and $pa -le $pc) { $a } elseif ($pb -le $pc) { $b } else { $c } }
            }
            $pixels[$dst + $x] = [byte](($raw[$src + $x] + $predictor) % 256)
        }
    }
    [pscustomobject]@{ Width = $width; Height = $height; Pixels = $pixels }
}

function Get-MeanAbsDiff([string] $A, [string] $B) {
    $pa = (Read-PngRgb $A).Pixels; $pb = (Read-PngRgb $B).Pixels
    $sum = 0L
    for ($i = 0; $i -lt $pa.Length; $i += 97) { $sum += [Math]::Abs([int]$pa[$i] - [int]$pb[$i]) }
    [Math]::Round($sum / [Math]::Ceiling($pa.Length / 97), 1)
}

# Pure text + sketch (strength 1, the paper's) and the start from the colour layer (0.5: 12 of 25 steps).
$rows = foreach ($pack in 'sd15-canny', 'sd15-hed') {
    foreach ($strength in 1.0, 0.5) {
        $row = Measure-Decode -Pack $pack -Options @{ Strength = $strength } -Out (Join-Path $work "times-$pack-$strength")
        if ($row.Started -ne ($strength -lt 1)) { throw "The $pack decode at strength $strength did not start as expected: $($row | Out-String)" }
        $row
    }
}

# Start from the colour layer: distance of the output from the Paint decoder's image (the weight-free decoder,
# whose reconstruction the start encodes), at several strengths, on the tiny float32 pack.
$preview = $record | Expand-TextSketch -DestinationPath (Join-Path $work 'preview') -Decoder Paint -Force
$strengthRows = foreach ($strength in 1.0, 0.6, 0.3, 0.1) {
    $result = Measure-Decode -Pack 'sd15-hed' -Options @{ Strength = $strength } -Out (Join-Path $work "strength-$strength")
    [pscustomobject]@{ Strength = $strength; Steps = $result.Steps; Distance = Get-MeanAbsDiff $result.File $preview.FullName }
}

$lines = @(
    '## Diffusion decoder (tiny packs, CPU)'
    ''
    'Stage times of one 768x512 decode (25 UniPC steps, guidance 9, batch 2) through the **tiny random-weight packs**,'
    'which have the real packs'' file layout and ONNX signatures but tiny widths: these numbers measure the pipeline''s'
    'own overhead (tokenizer, tensor conversion, scheduler, control image) and the ONNX Runtime call path on the CPU,'
    '**mechanics, not Stable Diffusion**. Strength 1 is the paper''s pure text + sketch start; strength 0.5 starts from'
    'the record''s colour layer (img2img: the weight-free reconstruction, VAE-encoded and noised, floor(25 x 0.5) = 12'
    'steps run). "s per decode" is the job log''s per-record time (decode and PNG write, sessions already open); "wall"'
    'is the whole Expand-TextSketch call, opening the pack included. Reproduce with `dotnet pwsh ./build.ps1 -Task Bench`'
    '(section `tools/bench/40-diffusion.ps1`).'
    ''
    '| pack (I/O type) | strength | steps run | text encoder ms | controlnet ms/step | unet ms/step | scheduler ms/step | vae encoder ms | vae decoder ms | s per decode | wall s |'
    '|---|---|---|---|---|---|---|---|---|---|---|'
)
foreach ($row in $rows) {
    $type = if ($row.Pack -eq 'sd15-canny') { 'float16' } else { 'float32' }
    $perStep = { param($name) if ($row.Steps) { [Math]::Round($row.Ms[$name] / $row.Steps, 2) } else { '-' } }
    $lines += "| $($row.Pack) ($type) | $($row.Strength) | $($row.Steps) | $($row.Ms['text encoder']) | $(& $perStep 'controlnet') | $(& $perStep 'unet') | $(& $perStep 'scheduler') | $($row.Ms['vae encoder']) | $($row.Ms['vae decoder']) | $([Math]::Round($row.DecodeSeconds, 2)) | $([Math]::Round($row.WallSeconds, 2)) |"
}
$lines += @(
    ''
    'Start from the colour layer (`-Strength`) on the tiny float32 pack, whose VAE encoder and decoder are exact'
    'inverses on 8x8 block means of the posterior mean: mean absolute difference (0-255) between the output and the'
    'Paint decoder''s image (the start''s source). The tiny UNet does not denoise (random weights), so whatever'
    'noise the start adds stays in the output: only strengths low enough to add little noise land near the start.'
    'This checks the mechanics (the weight-free image VAE-encoded, noised to the start step, fewer steps run);'
    'whether real reconstructions gain colour fidelity, and whether the default 0.8 is the best trade-off, needs real'
    'weights: not measured here. Each pack''s first row includes session warm-up in the text encoder time.'
    ''
    '| strength | steps run | distance from the start image |'
    '|---|---|---|'
)
foreach ($row in $strengthRows) { $lines += "| $($row.Strength) | $($row.Steps) | $($row.Distance) |" }
$lines += @(
    ''
    '**Real packs: not measured here** (no weights and no GPU on the build machines). To time a real pack on a GPU:'
    ''
    '```powershell'
    'Install-TextSketchModel -Name sd15-canny'
    'ConvertTo-TextSketch -LiteralPath photo.png -Caption ''a photo'' |'
    '    Expand-TextSketch -DestinationPath ./out -Decoder Diffusion -Verbose 4>&1 | Select-String ''text encoder'''
    '```'
    ''
    'The verbose line gives the model resolution, the execution provider (in the line before it) and the time of'
    'each stage, per step for the ControlNet and the UNet.'
)
Set-Content -Path $SectionPath -Value $lines -Encoding utf8
$lines | Out-Host
