# Bench section: the diffusion decoder's stage times on the tiny packs (CPU), the colour-hint start measured on the
# tiny pipeline, and the command that times a real pack on a GPU. Numbers that need real weights are labelled.
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
    param([string] $Pack, [hashtable] $Options, [string] $Out)
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $verbose = $record | Expand-TextSketch -DestinationPath $Out -Decoder Diffusion -ModelPack $Pack -ModelRoot $models -Force -Verbose @Options 3>$null 4>&1 |
        Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message
    $clock.Stop()
    $line = $verbose | Where-Object { $_ -match 'steps: text encoder' } | Select-Object -Last 1
    $ms = @{}
    foreach ($stage in 'text encoder', 'controlnet', 'unet', 'scheduler', 'vae encoder', 'vae decoder') {
        if ($line -match "$stage ([0-9.]+) ms") { $ms[$stage] = [double]$Matches[1] }
    }
    $steps = if ($line -match ', (\d+) steps:') { [int]$Matches[1] } else { 0 }
    [pscustomobject]@{ Pack = $Pack; Steps = $steps; Ms = $ms; WallSeconds = $clock.Elapsed.TotalSeconds; File = Join-Path $Out ($photo.BaseName + '.png') }
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

$rows = foreach ($pack in 'sd15-canny', 'sd15-hed') {
    Measure-Decode -Pack $pack -Options @{} -Out (Join-Path $work "times-$pack")
}

# Colour-hint start: distance of the output from the Preview decoder's rendering of the colour layout (the hint
# shaped by the sketch), at several strengths, on the tiny float32 pack.
$preview = $record | Expand-TextSketch -DestinationPath (Join-Path $work 'preview') -Decoder Preview -Force
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
    'not Stable Diffusion. Reproduce with `dotnet pwsh ./build.ps1 -Task Bench` (section `tools/bench/40-diffusion.ps1`).'
    ''
    '| pack (I/O type) | text encoder ms | controlnet ms/step | unet ms/step | scheduler ms/step | vae decoder ms | wall s |'
    '|---|---|---|---|---|---|---|'
)
foreach ($row in $rows) {
    $type = if ($row.Pack -eq 'sd15-canny') { 'float16' } else { 'float32' }
    $perStep = { param($name) if ($row.Steps) { [Math]::Round($row.Ms[$name] / $row.Steps, 2) } else { '-' } }
    $lines += "| $($row.Pack) ($type) | $($row.Ms['text encoder']) | $(& $perStep 'controlnet') | $(& $perStep 'unet') | $(& $perStep 'scheduler') | $($row.Ms['vae decoder']) | $([Math]::Round($row.WallSeconds, 2)) |"
}
$lines += @(
    ''
    'Colour-hint start (`-Strength`) on the tiny float32 pack, whose VAE encoder and decoder are exact inverses on'
    '8x8 block means: mean absolute difference (0-255) between the output and the Preview decoder''s colour layout.'
    'The tiny UNet does not denoise (random weights), so whatever noise the start adds stays in the output: only'
    'strengths low enough to add little noise land near the hint. This checks the mechanics (VAE-encoded hint,'
    'noised to the start step, fewer steps run); whether real reconstructions gain colour fidelity needs real'
    'weights: not measured here. The default stays 1 (pure noise, the paper''s). The first row of the stage table'
    'includes session warm-up in the text encoder time.'
    ''
    '| strength | steps run | distance from colour layout |'
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
    '    Expand-TextSketch -DestinationPath ./out -Decoder Diffusion -Verbose 4>&1 | Select-String ''steps: text encoder'''
    '```'
    ''
    'The verbose line gives the model resolution, the execution provider (in the line before it) and the time of'
    'each stage, per step for the ControlNet and the UNet.'
)
Set-Content -Path $SectionPath -Value $lines -Encoding utf8
$lines | Out-Host
