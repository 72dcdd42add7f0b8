# Bench section 30: what a TextSketch record buys at its size, against WebP, AVIF and JPEG XL thumbnails of the same
# byte size, with every Measure-TextSketch metric; encode speed of each; rate-distortion plots and contact sheets.
param(
    [Parameter(Mandatory)][string] $RepoRoot,
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $DataPath,
    [Parameter(Mandatory)][string] $SectionPath,
    [Parameter(Mandatory)][string] $AssetPath,
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module $ModulePath -Force
$inv = [Globalization.CultureInfo]::InvariantCulture
. (Join-Path $PSScriptRoot 'Anchors.ps1')

$work = Join-Path $RepoRoot 'out/bench/quality'
if (Test-Path $work) { Remove-Item $work -Recurse -Force }
New-Item -ItemType Directory -Force -Path $work, $AssetPath | Out-Null
$photos = @(Get-ChildItem (Join-Path $DataPath 'photos') -Filter *.png | Sort-Object Name)
if ($photos.Count -eq 0) { throw "No benchmark photos in $DataPath/photos." }

# The helper tool (anchor codecs, plots, sheets).
$benchProject = Join-Path $RepoRoot 'tools/TextSketch.Bench/TextSketch.Bench.csproj'
dotnet build $benchProject -c $Configuration --nologo -v quiet | Out-Host
if ($LASTEXITCODE -ne 0) { throw 'Building tools/TextSketch.Bench failed.' }
$benchDll = Join-Path $RepoRoot "tools/TextSketch.Bench/bin/$Configuration/net10.0/TextSketch.Bench.dll"

function Get-Median([double[]] $Values) { $s = $Values | Sort-Object; $s[[int][Math]::Floor($s.Count / 2)] }

# 1. TextSketch records of each photo in both modes, decoded by the Paint decoder (the weight-free default).
$modes = [ordered]@{ Text = 'Text'; TextSketch = 'TextSketch' }
ConvertTo-TextSketch -LiteralPath $photos[0].FullName | Out-Null   # warm-up: JIT and first-use costs out of the timings
$rows = [System.Collections.Generic.List[object]]::new()
$plan = foreach ($photo in $photos) {
    $name = $photo.BaseName
    $budgets = [System.Collections.Generic.List[object]]::new()
    foreach ($label in $modes.Keys) {
        $tskDir = Join-Path $work "tsk/$label"
        $times = foreach ($i in 1..3) {
            (Measure-Command { $script:record = ConvertTo-TextSketch -LiteralPath $photo.FullName -Mode $modes[$label] -DestinationPath $tskDir -Force -ThrottleLimit 1 }).TotalMilliseconds
        }
        $recon = Join-Path $work "recon/textsketch-$($label.ToLowerInvariant())"
        $record | Expand-TextSketch -DestinationPath $recon -Decoder Paint -Force | Out-Null
        $sketch = $null
        if ($label -eq 'TextSketch') {
            $sketch = ($record | Expand-TextSketch -DestinationPath (Join-Path $work 'sketch') -Layer Sketch -Force).FullName
        }
        $budgets.Add([pscustomobject]@{ Label = $label; Bytes = $record.TotalBytes })
        $rows.Add([pscustomobject]@{
            Name = $name; Codec = 'TextSketch (Paint decoder)'; BudgetLabel = $label; Fits = $true; Bytes = $record.TotalBytes
            Bpp = $record.Bpp; Setting = "-Mode $($modes[$label])"; EncodeMs = (Get-Median $times); Photo = $photo.FullName
            Path = (Join-Path $recon "$name.png"); SketchPath = $sketch; Width = $record.Width; Height = $record.Height
        })
    }
    $base = ($budgets | Where-Object Label -eq 'TextSketch').Bytes
    foreach ($k in 2, 4, 8) { $budgets.Add([pscustomobject]@{ Label = "${k}x TextSketch"; Bytes = $k * $base }) }
    [pscustomobject]@{ Name = $name; Photo = $photo.FullName; Budgets = $budgets }
}

# 2. WebP, AVIF, JPEG XL at the same byte budgets (and 2x, 4x, 8x the TextSketch record, for the curves).
# The search takes minutes; its results are kept in out/bench/quality-anchors and reused while the plan (the photos'
# record sizes) and the search code are unchanged.
$anchorWork = Join-Path $RepoRoot 'out/bench/quality-anchors'
$planFile = Join-Path $work 'plan.json'
$anchorFile = Invoke-AnchorSearch -RepoRoot $RepoRoot -BenchDll $benchDll -Plan $plan -PlanFile $planFile -AnchorWork $anchorWork
foreach ($row in ConvertFrom-AnchorResult -AnchorFile $anchorFile -Photos $photos -Rows $rows) { $rows.Add($row) }

# 3. Every metric through the cmdlet users run.
$measured = @($rows | Where-Object Fits)
$pairs = $measured | ForEach-Object { [pscustomobject]@{ ReferencePath = $_.Photo; LiteralPath = $_.Path } }
$clock = [Diagnostics.Stopwatch]::StartNew()
$quality = @($pairs | Measure-TextSketch -WarningAction SilentlyContinue)
$clock.Stop()
if ($quality.Count -ne $measured.Count) { throw "Measure-TextSketch measured $($quality.Count) of $($measured.Count) pairs." }
for ($i = 0; $i -lt $measured.Count; $i++) {
    foreach ($p in 'Psnr', 'Ssim', 'MsSsim', 'EdgeF1', 'FeatureDistance', 'ClipDistance') {
        $measured[$i] | Add-Member -NotePropertyName $p -NotePropertyValue $quality[$i].$p -Force
    }
}
foreach ($r in $rows | Where-Object { -not $_.Fits }) {
    foreach ($p in 'Psnr', 'Ssim', 'MsSsim', 'EdgeF1', 'FeatureDistance', 'ClipDistance') { $r | Add-Member -NotePropertyName $p -NotePropertyValue $null -Force }
}
$measureMsPerPair = $clock.Elapsed.TotalMilliseconds / $measured.Count

# 4. Cross-checks: PSNR against ImageMagick's compare, SSIM against scikit-image.
$psnrDelta = 0.0
foreach ($r in $measured) {
    $text = (& compare -metric PSNR $r.Photo $r.Path null: 2>&1 | Out-String).Trim()
    $im = if ($text -eq 'inf') { [double]::PositiveInfinity } else { [double]::Parse(($text -split '\s')[0], $inv) }
    if (-not ([double]::IsPositiveInfinity($im) -and [double]::IsPositiveInfinity($r.Psnr))) { $psnrDelta = [Math]::Max($psnrDelta, [Math]::Abs($im - $r.Psnr)) }
}
$python = '/usr/bin/python3'
$skimageVersion = & $python -c 'import skimage; print(skimage.__version__)' 2>$null
if (-not $skimageVersion -and (Get-Command apt-get -ErrorAction SilentlyContinue) -and ((id -u) -eq '0')) {
    apt-get install -y --no-install-recommends python3-skimage 2>&1 | Out-Null
    $skimageVersion = & $python -c 'import skimage; print(skimage.__version__)' 2>$null
}
$ssimDelta = $null
if ($skimageVersion) {
    $pairFile = Join-Path $work 'ssim-pairs.json'
    $measured | ForEach-Object { [pscustomobject]@{ a = $_.Photo; b = $_.Path } } | ConvertTo-Json | Set-Content $pairFile
    $script = @'
import json, sys
import numpy as np
from skimage.io import imread
from skimage.metrics import structural_similarity

def rgb(path):
    # As ImageReader reads them: grey replicated to R, G, B; alpha (none here) dropped.
    image = imread(path)
    return np.stack([image] * 3, axis=-1) if image.ndim == 2 else image[..., :3]

pairs = json.load(open(sys.argv[1]))
print(json.dumps([structural_similarity(rgb(p["a"]), rgb(p["b"]), channel_axis=2, gaussian_weights=True, sigma=1.5,
                                        use_sample_covariance=False, data_range=255) for p in pairs]))
'@
    $scriptFile = Join-Path $work 'ssim_check.py'
    Set-Content $scriptFile $script
    $skimage = (& $python $scriptFile $pairFile) | ConvertFrom-Json
    $ssimDelta = 0.0
    for ($i = 0; $i -lt $measured.Count; $i++) { $ssimDelta = [Math]::Max($ssimDelta, [Math]::Abs($skimage[$i] - $measured[$i].Ssim)) }
}

# 5. Plots and contact sheets.
$resultFile = Join-Path $work 'results.json'
$rows | ConvertTo-Json -Depth 4 | Set-Content $resultFile
Get-ChildItem $AssetPath -Include 'rd-*.png', 'sheet-*.jpg' -File -Recurse | Remove-Item
dotnet $benchDll report $resultFile $AssetPath | Out-Host
if ($LASTEXITCODE -ne 0) { throw 'Plotting failed.' }

# 6. The section.
function F([object] $Value, [string] $Format) {
    if ($null -eq $Value) { return '–' }
    if ([double]::IsPositiveInfinity([double]$Value)) { return 'inf' }
    ([double]$Value).ToString($Format, $inv)
}
$photoCount = $photos.Count
$order = @('TextSketch (Paint decoder)', 'WebP', 'AVIF', 'JPEG XL')
$labels = @('Text', 'TextSketch', '2x TextSketch', '4x TextSketch', '8x TextSketch')
$summary = foreach ($label in $labels) {
    foreach ($codec in $order) {
        $set = @($rows | Where-Object { $_.Codec -eq $codec -and $_.BudgetLabel -eq $label })
        if ($set.Count -eq 0) { continue }
        $fit = @($set | Where-Object Fits)
        $all = $fit.Count -eq $photoCount
        $mean = { param($p) if ($all) { ($fit | Measure-Object $p -Average).Average } else { $null } }
        [pscustomobject]@{
            Label = $label; Codec = $codec; Fit = $fit.Count; All = $all
            Bytes = if ($fit.Count) { ($fit | Measure-Object Bytes -Average).Average } else { $null }
            Bpp = & $mean 'Bpp'; Psnr = & $mean 'Psnr'; MsSsim = & $mean 'MsSsim'; EdgeF1 = & $mean 'EdgeF1'; FeatureDistance = & $mean 'FeatureDistance'
            EncodeMs = if ($fit.Count) { Get-Median ([double[]]($fit.EncodeMs)) } else { $null }
        }
    }
}

$md = [System.Collections.Generic.List[string]]::new()
$md.Add('## Quality at matched bytes')
$md.Add('')
$md.Add('Section script: `tools/bench/30-quality.ps1` (run by `dotnet pwsh ./build.ps1 -Task Bench`). Every number below')
$md.Add("is from that run, on the $photoCount photos above; metrics are ``Measure-TextSketch``'s (see ``Get-Help Measure-TextSketch``).")
$md.Add('')
$md.Add('How: each photo is compressed by `ConvertTo-TextSketch` in both modes (`-Mode Text`: caption only; default: caption,')
$md.Add('colour layer and coded sketch) and decoded by the Paint decoder, the weight-free default (section 35 has the whole')
$md.Add('rate-distortion curve at fixed budgets).')
$md.Add("Then WebP (cwebp $((cwebp -version).Trim())), AVIF (avifenc $(((avifenc --version 2>&1 | Select-Object -First 1) -replace '^Version:\s*','' -split ' ')[0]), aom) and JPEG XL (cjxl $(((cjxl --version 2>&1 | Select-Object -First 1) -split ' ')[1])) get the **same byte budget**")
$md.Add('per photo: a thumbnail is shrunk (bicubic) and its quality searched until the file fits, then decoded and upscaled')
$md.Add('(bicubic) back to full size; of all sizes that fit, the one with the best PSNR is kept - the classical codec''s best')
$md.Add('case. Budgets of 2x, 4x and 8x the TextSketch record draw the classical curves. Captions: the photos carry none, so')
$md.Add('records hold no caption (an empty caption costs a few bits). Means are over all photos and given only where every')
$md.Add('photo fitted; "fits" counts the photos whose codec met the budget at all.')
$md.Add('')
$md.Add('| decoder / codec | budget | fits | mean bytes | mean bpp | PSNR dB | MS-SSIM | EdgeF1 | FeatureDistance | ClipDistance | encode ms |')
$md.Add('|---|---|---|---|---|---|---|---|---|---|---|')
foreach ($s in $summary) {
    $md.Add("| $($s.Codec) | $($s.Label) | $($s.Fit)/$photoCount | $(F $s.Bytes '0') | $(F $s.Bpp '0.0000') | $(F $s.Psnr '0.00') | $(F $s.MsSsim '0.000') | $(F $s.EdgeF1 '0.000') | $(F $s.FeatureDistance '0.000') | – | $(F $s.EncodeMs '0') |")
}
$md.Add('| TextSketch, diffusion decoder (sd15-canny) | Text, TextSketch | not measured here (needs real weights) | | | | | | | | |')
$md.Add('')
$md.Add('ClipDistance is empty: it needs the clip-vit-b32 pack (real weights), which cannot be installed here. FeatureDistance is the cosine')
$md.Add('distance of ResNet-18 pooled features (0 = same; unrelated photos are about 0.3-0.6 apart). Encode ms: median wall')
$md.Add('time per photo - for TextSketch one `ConvertTo-TextSketch` call (read, analyse, code, write the .tsk; one thread), for')
$md.Add('the classical codecs one run of the command-line encoder on the chosen thumbnail (process start included; the')
$md.Add('downscale and the budget search, which took many encodes, not counted).')
$md.Add('')

# What wins and what loses, stated from the numbers at the TextSketch record's own size.
$at = @($summary | Where-Object Label -eq 'TextSketch')
$ts = $at | Where-Object Codec -like 'TextSketch*'
$md.Add('### What wins, what loses (at the TextSketch record''s own size)')
$md.Add('')
foreach ($codec in 'WebP', 'AVIF', 'JPEG XL') {
    $c = $at | Where-Object Codec -eq $codec
    if (-not $c -or -not $c.All) {
        $md.Add("- **$codec** cannot fit every photo into the TextSketch record's bytes ($($c.Fit)/$photoCount fit): its smallest valid file is larger.")
        continue
    }
    $verdicts = foreach ($m in @(
            @{ Name = 'PSNR'; P = 'Psnr'; Higher = $true; F = '0.00'; Unit = ' dB' },
            @{ Name = 'MS-SSIM'; P = 'MsSsim'; Higher = $true; F = '0.000'; Unit = '' },
            @{ Name = 'EdgeF1'; P = 'EdgeF1'; Higher = $true; F = '0.000'; Unit = '' },
            @{ Name = 'FeatureDistance'; P = 'FeatureDistance'; Higher = $false; F = '0.000'; Unit = '' })) {
        $a = [double]$ts.($m.P); $b = [double]$c.($m.P)
        $tsWins = if ($m.Higher) { $a -gt $b } else { $a -lt $b }
        "$($m.Name) $(if ($tsWins) { 'TextSketch wins' } else { "$codec wins" }) ($(F $a $m.F) vs $(F $b $m.F)$($m.Unit))"
    }
    $md.Add("- **TextSketch (Paint) vs $codec**: $($verdicts -join '; ').")
}
$textRow = $summary | Where-Object { $_.Label -eq 'Text' -and $_.Codec -like 'TextSketch*' }
$md.Add("- **Text mode** records average $(F $textRow.Bytes '0') bytes; at that size WebP fits $(($summary | Where-Object { $_.Label -eq 'Text' -and $_.Codec -eq 'WebP' }).Fit)/$photoCount photos, AVIF $(($summary | Where-Object { $_.Label -eq 'Text' -and $_.Codec -eq 'AVIF' }).Fit)/$photoCount, JPEG XL $(($summary | Where-Object { $_.Label -eq 'Text' -and $_.Codec -eq 'JPEG XL' }).Fit)/$photoCount. Without a caption (the photos have none) and without the diffusion decoder, a Text record decodes to flat mid-grey: its scores are a floor, not the paper's PIC result.")
$md.Add('- The Paint decoder shows only what a record carries (its colour layer, shaped by the sketch); the paper''s claim (better')
$md.Add('  perceptual quality than classical codecs at these rates, worse PSNR) can only be checked with the diffusion rows, which need real weights.')
$md.Add('')

$md.Add('### Per photo, at the TextSketch record''s size')
$md.Add('')
$md.Add('| photo | bytes | bpp | TextSketch PSNR / MS-SSIM / EdgeF1 / FeatDist | WebP | AVIF | JPEG XL |')
$md.Add('|---|---|---|---|---|---|---|')
foreach ($photo in $photos) {
    $cell = {
        param($codec)
        $r = $rows | Where-Object { $_.Name -eq $photo.BaseName -and $_.Codec -eq $codec -and $_.BudgetLabel -eq 'TextSketch' }
        if (-not $r.Fits) { return "does not fit" }
        "$(F $r.Psnr '0.0') / $(F $r.MsSsim '0.00') / $(F $r.EdgeF1 '0.00') / $(F $r.FeatureDistance '0.00')$(if ($codec -notlike 'TextSketch*') { " ($($r.Bytes) B, $($r.Setting))" })"
    }
    $t = $rows | Where-Object { $_.Name -eq $photo.BaseName -and $_.Codec -like 'TextSketch*' -and $_.BudgetLabel -eq 'TextSketch' }
    $md.Add("| $($photo.BaseName) | $($t.Bytes) | $(F $t.Bpp '0.0000') | $(& $cell 'TextSketch (Paint decoder)') | $(& $cell 'WebP') | $(& $cell 'AVIF') | $(& $cell 'JPEG XL') |")
}
$md.Add('')
$md.Add('### Rate-distortion plots')
$md.Add('')
$md.Add('Dots: single photos; lines: means over all photos at budgets every photo met.')
$md.Add('')
foreach ($plot in 'rd-psnr', 'rd-msssim', 'rd-edgef1', 'rd-featuredistance') { $md.Add("![$plot](bench/$plot.png)") }
$md.Add('')
$md.Add('### Contact sheets')
$md.Add('')
$md.Add('Original | sketch layer (the coded bitmap) | TextSketch, Paint decoder | WebP, AVIF and JPEG XL at the record''s byte size.')
$md.Add('')
foreach ($photo in $photos) { $md.Add("![$($photo.BaseName)](bench/sheet-$($photo.BaseName).jpg)") }
$md.Add('')
$md.Add('### Cross-checks of the metrics')
$md.Add('')
$md.Add("- PSNR against ImageMagick ``compare -metric PSNR`` ($(((& compare -version | Select-Object -First 1) -replace '^Version:\s*','' -split ' ')[0..1] -join ' ')) on all $($measured.Count) pairs: largest difference $(F $psnrDelta '0.0000') dB (the contract asks for 0.01 dB).")
if ($null -ne $ssimDelta) {
    $md.Add("- SSIM against scikit-image $skimageVersion ``structural_similarity(channel_axis=2, gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=255)`` on all $($measured.Count) pairs: largest difference $(F $ssimDelta '0.0E+0').")
}
else {
    $md.Add('- SSIM against scikit-image: not run (python3-skimage is not installed and could not be).')
}
$md.Add("- Measure-TextSketch took $(F $measureMsPerPair '0') ms per pair (768x512, all metrics, ResNet-18 on the CPU, $([Environment]::ProcessorCount) threads).")
Set-Content -Path $SectionPath -Value $md -Encoding utf8
Write-Host "Quality section written: $SectionPath"
