# Bench section: model-based encoding (-SketchModel hed, -Captioner florence2-base, -Captioner clip-vit-b32).
# No real weights can be downloaded where this runs, so the packs are the tiny random-weight stand-ins from the
# TinyModels generator: the numbers are pipeline mechanics (pre/post-processing, session and decode-loop overhead,
# rate of the coded HED sketch of a random-ish map), not model quality. Real-weight rows say "not measured".
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
$tiny = Join-Path $DataPath 'tiny-models'
& dotnet run --project (Join-Path $RepoRoot 'tools/TextSketch.TinyModels/TextSketch.TinyModels.csproj') -c $Configuration -- (Join-Path $RepoRoot 'models') $tiny | Out-Null
if ($LASTEXITCODE -ne 0) { throw 'TinyModels failed.' }

$photos = @(Get-ChildItem (Join-Path $DataPath 'photos') -Filter *.png | Sort-Object Name)
if ($photos.Count -eq 0) { throw "No benchmark photos in $DataPath/photos." }

function Measure-Encode {
    param([string] $Label, [hashtable] $Arguments)
    # One warm-up image (session creation, first-run allocation), then the timed run over every photo, one thread.
    $null = ConvertTo-TextSketch -LiteralPath $photos[0].FullName -ThrottleLimit 1 -ModelRoot $tiny @Arguments
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $records = @($photos | ConvertTo-TextSketch -ThrottleLimit 1 -ModelRoot $tiny @Arguments)
    $clock.Stop()
    [pscustomobject]@{
        Label       = $Label
        MsPerImage  = $clock.Elapsed.TotalMilliseconds / $photos.Count
        SketchBytes = ($records | Measure-Object { $_.SketchBytes.Length } -Average).Average
        Bpp         = ($records | Measure-Object Bpp -Average).Average
        Captioned   = @($records | Where-Object CaptionSource -eq 'Model').Count
        Records     = $records
    }
}

$runs = @(
    Measure-Encode 'built-in detector, no captioner' @{ Caption = '' }
    Measure-Encode '-SketchModel hed (tiny)' @{ Caption = ''; SketchModel = 'hed' }
    Measure-Encode '-Captioner florence2-base (tiny), -Mode Text' @{ Captioner = 'florence2-base'; Mode = 'Text' }
    Measure-Encode '-Captioner clip-vit-b32 -PromptTokens 16 (tiny), -Mode Text' @{ Captioner = 'clip-vit-b32'; PromptTokens = 16; Mode = 'Text' }
    Measure-Encode '-Captioner florence2-base -SketchModel hed (tiny)' @{ Captioner = 'florence2-base'; SketchModel = 'hed' }
)

# CLIP score (image-text cosine under the tiny CLIP) of the inverted prompt vs the Florence-2 caption, per image.
$core = [System.Runtime.Loader.AssemblyLoadContext]::All.Where({ $_.Name -eq 'TextSketch' }).Assemblies.Where({ $_.GetName().Name -eq 'TextSketch.Core' })[0]
$clipType = $core.GetType('TextSketch.Core.Clip.ClipEncoder')
$readerType = $core.GetType('TextSketch.Core.Imaging.ImageReader')
$clip = $clipType::TryOpen($tiny, 'clip-vit-b32')
$florence = $runs[2].Records
$inverted = $runs[3].Records
$scores = for ($i = 0; $i -lt $photos.Count; $i++) {
    $image = $readerType::Read($photos[$i].FullName, $null)
    $embedding = $clip.EmbedImage($image)
    [pscustomobject]@{
        Photo     = $photos[$i].BaseName
        Florence2 = $clipType::Cosine($embedding, $clip.EmbedText([string]$florence[$i].Caption))
        Inverted  = $clipType::Cosine($embedding, $clip.EmbedText([string]$inverted[$i].Caption))
    }
}
$clip.Dispose()

$lines = @(
    '## Model-based encoding (tiny packs: mechanics only)'
    ''
    'Reproduce: `dotnet pwsh ./build.ps1 -Task Bench` (section script `tools/bench/50-models.ps1`). The packs are the'
    'tiny random-weight stand-ins written by `build.ps1 -Task TinyModels` (real file layouts and ONNX signatures, random'
    'weights): these numbers measure the pipeline around the models (image pre-processing, ONNX Runtime sessions with'
    'one intra-op thread, the Florence-2 decode loop with KV cache, the CLIP search, soft-edge thinning and coding) on'
    "$($photos.Count) photos of 768x512, one image at a time. They say nothing about caption or sketch quality."
    ''
    '| configuration | ms / image | sketch bytes | bpp | model captions |'
    '|---|---:|---:|---:|---:|'
)
foreach ($run in $runs) {
    $lines += '| {0} | {1:0.0} | {2:0.0} | {3:0.0000} | {4} of {5} |' -f $run.Label, $run.MsPerImage, $run.SketchBytes, $run.Bpp, $run.Captioned, $photos.Count
}
$lines += ''
$lines += 'CLIP score (cosine of the tiny CLIP''s image and text embeddings) of each image''s caption: the Florence-2'
$lines += 'caption against the 16-token inverted prompt. With random weights the inversion wins by construction (it'
$lines += 'maximises exactly this score); the comparison that matters needs real weights.'
$lines += ''
$lines += '| photo | Florence-2 caption | inverted prompt |'
$lines += '|---|---:|---:|'
foreach ($s in $scores) { $lines += '| {0} | {1:0.000} | {2:0.000} |' -f $s.Photo, $s.Florence2, $s.Inverted }
$lines += ''
$lines += '### Real weights: not measured'
$lines += ''
$lines += 'No model weights can be downloaded on the machine that produced this page, so these are **not measured**:'
$lines += 'HED sketch rate and EdgeF1 against the built-in detector on real photos; Florence-2 base caption time per image'
$lines += '(CPU and CUDA) and caption length in bytes; CLIP ViT-B/32 prompt-inversion time for 16 tokens and its CLIP score'
$lines += 'against Florence-2 captions. Install the packs (`Install-TextSketchModel -Name hed, florence2-base, clip-vit-b32`)'
$lines += 'and point this script''s `$tiny` at the model root to measure them.'
Set-Content -Path $SectionPath -Value $lines -Encoding utf8
Write-Host "Wrote $SectionPath"
