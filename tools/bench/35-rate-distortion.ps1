# Bench section 35: the weight-free codec's rate-distortion curve. TextSketch records at fixed -MaxBytes budgets,
# decoded by the Paint decoder, against WebP, JPEG XL and AVIF files of at most the same bytes; every metric, encode
# and decode times, the issue's targets; RD plots and contact sheets (original | Paint | WebP | JPEG XL).
param(
    [Parameter(Mandatory)][string] $RepoRoot,
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $DataPath,
    [Parameter(Mandatory)][string] $SectionPath,
    [Parameter(Mandatory)][string] $AssetPath,
    [string] $Configuration = 'Release',
    # Stop after the classical codecs' search (it takes long and is cached in out/bench/rd-anchors).
    [switch] $AnchorsOnly
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$inv = [Globalization.CultureInfo]::InvariantCulture
. (Join-Path $PSScriptRoot 'Anchors.ps1')
$budgets = 200, 400, 800, 1600, 3200

$work = Join-Path $RepoRoot 'out/bench/rd'
if (Test-Path $work) { Remove-Item $work -Recurse -Force }
New-Item -ItemType Directory -Force -Path $work, $AssetPath | Out-Null
$photos = @(Get-ChildItem (Join-Path $DataPath 'photos') -Filter *.png | Sort-Object Name)
if ($photos.Count -eq 0) { throw "No benchmark photos in $DataPath/photos." }

$benchProject = Join-Path $RepoRoot 'tools/TextSketch.Bench/TextSketch.Bench.csproj'
dotnet build $benchProject -c $Configuration --nologo -v quiet | Out-Host
if ($LASTEXITCODE -ne 0) { throw 'Building tools/TextSketch.Bench failed.' }
$benchDll = Join-Path $RepoRoot "tools/TextSketch.Bench/bin/$Configuration/net10.0/TextSketch.Bench.dll"

# 1. WebP, JPEG XL and AVIF at each budget: the best PSNR of any thumbnail size and quality whose file fits (the
# search of section 30, cached in out/bench/rd-anchors while the photos, budgets and search code are unchanged).
$anchorWork = Join-Path $RepoRoot 'out/bench/rd-anchors'
$planFile = Join-Path $work 'plan.json'
$plan = foreach ($photo in $photos) {
    [pscustomobject]@{ Name = $photo.BaseName; Photo = $photo.FullName; Budgets = @($budgets | ForEach-Object { [pscustomobject]@{ Label = "$_ B"; Bytes = $_ } }) }
}
$anchorFile = Invoke-AnchorSearch -RepoRoot $RepoRoot -BenchDll $benchDll -Plan $plan -PlanFile $planFile -AnchorWork $anchorWork
if ($AnchorsOnly) { return }

# 2. TextSketch records through the cmdlets users run: ConvertTo-TextSketch -MaxBytes, Expand-TextSketch -Decoder Paint.
Import-Module $ModulePath -Force
$rows = [System.Collections.Generic.List[object]]::new()
foreach ($budget in $budgets) {
    $tskDir = Join-Path $work "tsk/$budget"
    $records = @($photos | ConvertTo-TextSketch -MaxBytes $budget -DestinationPath $tskDir -Force)
    $recon = Join-Path $work "recon/paint-$budget"
    $records | Expand-TextSketch -DestinationPath $recon -Decoder Paint -Force | Out-Null
    foreach ($r in $records) {
        $name = [IO.Path]::GetFileNameWithoutExtension($r.SourcePath)
        $rows.Add([pscustomobject]@{
            Name = $name; Codec = 'TextSketch (Paint)'; BudgetLabel = "$budget B"; Fits = $true; Bytes = $r.TotalBytes
            Bpp = $r.Bpp; Setting = "-MaxBytes $budget"; EncodeMs = $null; Photo = $r.SourcePath
            Path = (Join-Path $recon "$name.png"); SketchPath = $null; Width = $r.Width; Height = $r.Height
            SketchBytes = [Math]::Round($r.SketchBits / 8); ColorBytes = [Math]::Round($r.ColorBits / 8)
        })
    }
}
foreach ($row in ConvertFrom-AnchorResult -AnchorFile $anchorFile -Photos $photos -Rows $rows -Extra @{ SketchBytes = $null; ColorBytes = $null }) { $rows.Add($row) }

# 3. Every metric through Measure-TextSketch.
$measured = @($rows | Where-Object Fits)
$quality = @($measured | ForEach-Object { [pscustomobject]@{ ReferencePath = $_.Photo; LiteralPath = $_.Path } } | Measure-TextSketch -WarningAction SilentlyContinue)
if ($quality.Count -ne $measured.Count) { throw "Measure-TextSketch measured $($quality.Count) of $($measured.Count) pairs." }
for ($i = 0; $i -lt $measured.Count; $i++) {
    foreach ($p in 'Psnr', 'Ssim', 'MsSsim', 'EdgeF1', 'FeatureDistance') { $measured[$i] | Add-Member -NotePropertyName $p -NotePropertyValue $quality[$i].$p -Force }
}
foreach ($r in $rows | Where-Object { -not $_.Fits }) {
    foreach ($p in 'Psnr', 'Ssim', 'MsSsim', 'EdgeF1', 'FeatureDistance') { $r | Add-Member -NotePropertyName $p -NotePropertyValue $null -Force }
}

# 4. Times of the codec itself, one thread, on the records above (Core, no cmdlet overhead): encode from the PNG
# (read, analyse, rate control, write) and Paint decode; medians over the photos of the median of 3 runs.
$timeFile = Join-Path $work 'times.json'
dotnet $benchDll times (Join-Path $DataPath 'photos') ($budgets -join ',') (Join-Path $work 'tsk') $timeFile | Out-Host
if ($LASTEXITCODE -ne 0) { throw 'Timing failed.' }
$times = Get-Content $timeFile -Raw | ConvertFrom-Json

# 5. Plots and contact sheets.
$resultFile = Join-Path $work 'results.json'
$rows | ConvertTo-Json -Depth 4 | Set-Content $resultFile
Get-ChildItem $AssetPath -Include 'rd2-*.png', 'rdsheet-*.jpg' -File -Recurse | Remove-Item
dotnet $benchDll rd-report $resultFile $AssetPath | Out-Host
if ($LASTEXITCODE -ne 0) { throw 'Plotting failed.' }

# 6. The section.
function F([object] $Value, [string] $Format) {
    if ($null -eq $Value) { return '–' }
    ([double]$Value).ToString($Format, $inv)
}
$photoCount = $photos.Count
$codecs = 'TextSketch (Paint)', 'WebP', 'JPEG XL', 'AVIF'
$summary = foreach ($budget in $budgets) {
    foreach ($codec in $codecs) {
        $set = @($rows | Where-Object { $_.Codec -eq $codec -and $_.BudgetLabel -eq "$budget B" })
        $fit = @($set | Where-Object Fits)
        $all = $fit.Count -eq $photoCount
        $mean = { param($p) if ($all) { ($fit | Measure-Object $p -Average).Average } else { $null } }
        [pscustomobject]@{
            Budget = $budget; Codec = $codec; Fit = $fit.Count; All = $all
            Bytes = if ($fit.Count) { ($fit | Measure-Object Bytes -Average).Average } else { $null }
            Psnr = & $mean 'Psnr'; MsSsim = & $mean 'MsSsim'; EdgeF1 = & $mean 'EdgeF1'; FeatureDistance = & $mean 'FeatureDistance'
            SketchBytes = if ($codec -like 'TextSketch*') { ($fit | Measure-Object SketchBytes -Average).Average } else { $null }
            ColorBytes = if ($codec -like 'TextSketch*') { ($fit | Measure-Object ColorBytes -Average).Average } else { $null }
        }
    }
}

$command = 'dotnet pwsh ./build.ps1 -Task Bench'
$md = [System.Collections.Generic.List[string]]::new()
$md.Add('## Rate-distortion: the weight-free codec (Paint decoder) against WebP, JPEG XL and AVIF')
$md.Add('')
$md.Add("Section script: ``tools/bench/35-rate-distortion.ps1`` (run by ``$command``; alone, after a Build: ``dotnet pwsh tools/bench/35-rate-distortion.ps1 -RepoRoot . -ModulePath out/TextSketch -DataPath out/bench-data -SectionPath out/bench/sections/35-rate-distortion.md -AssetPath docs/bench``).")
$md.Add('')
$md.Add("How: each of the $photoCount photos is compressed by ``ConvertTo-TextSketch -MaxBytes <budget>`` (no caption: the photos carry none) and")
$md.Add('decoded by `Expand-TextSketch -Decoder Paint`. WebP (cwebp -m 6), JPEG XL (cjxl -e 7) and AVIF (avifenc, aom, 4:2:0) get')
$md.Add('the same budget as a hard limit: every thumbnail size on a ladder from 768 px down to 8 px (longer side; bicubic')
$md.Add('downscale) with the highest quality whose file fits, decoded and upscaled (bicubic) back; of those the best PSNR is')
$md.Add('kept (the search of the quality section). Metrics are `Measure-TextSketch`''s. Means are over all photos and shown only')
$md.Add('where every photo fitted ("fits" counts those that did); "best classical" is the best mean of the three at that budget.')
$md.Add('')
$md.Add('| budget | codec | fits | mean bytes | PSNR dB | MS-SSIM | EdgeF1 | FeatureDistance | sketch / colour B |')
$md.Add('|---|---|---|---|---|---|---|---|---|')
foreach ($s in $summary) {
    $split = if ($s.Codec -like 'TextSketch*') { "$(F $s.SketchBytes '0') / $(F $s.ColorBytes '0')" } else { '' }
    $md.Add("| $($s.Budget) | $($s.Codec) | $($s.Fit)/$photoCount | $(F $s.Bytes '0') | $(F $s.Psnr '0.00') | $(F $s.MsSsim '0.000') | $(F $s.EdgeF1 '0.000') | $(F $s.FeatureDistance '0.000') | $split |")
}
$md.Add('')

# Against the issue's targets.
$md.Add('### Targets (issue 12)')
$md.Add('')
$md.Add('| budget | MS-SSIM: Paint / best classical (target ≥ best + 0.01) | FeatureDistance: Paint / best classical (target ≤ 0.9 × best) | PSNR: Paint / best classical (target ≥ best − 0.5 dB) |')
$md.Add('|---|---|---|---|')
$verdicts = [System.Collections.Generic.List[string]]::new()
foreach ($budget in $budgets) {
    $ts = $summary | Where-Object { $_.Budget -eq $budget -and $_.Codec -like 'TextSketch*' }
    $classical = @($summary | Where-Object { $_.Budget -eq $budget -and $_.Codec -notlike 'TextSketch*' -and $_.All })
    if ($classical.Count -eq 0) {
        $md.Add("| $budget | $(F $ts.MsSsim '0.000') / no classical codec fits every photo | $(F $ts.FeatureDistance '0.000') / – | $(F $ts.Psnr '0.00') / – |")
        continue
    }
    $bestM = ($classical | Measure-Object MsSsim -Maximum).Maximum
    $bestF = ($classical | Measure-Object FeatureDistance -Minimum).Minimum
    $bestP = ($classical | Measure-Object Psnr -Maximum).Maximum
    $m = if ($ts.MsSsim -ge $bestM + 0.01) { 'met' } else { "missed by $(F ($bestM + 0.01 - $ts.MsSsim) '0.000')" }
    $f = if ($ts.FeatureDistance -le 0.9 * $bestF) { 'met' } else { "missed by $(F ($ts.FeatureDistance - 0.9 * $bestF) '0.000')" }
    $p = if ($ts.Psnr -ge $bestP - 0.5) { 'met' } else { "missed by $(F ($bestP - 0.5 - $ts.Psnr) '0.00') dB" }
    $md.Add("| $budget | $(F $ts.MsSsim '0.000') / $(F $bestM '0.000'): $m | $(F $ts.FeatureDistance '0.000') / $(F $bestF '0.000'): $f | $(F $ts.Psnr '0.00') / $(F $bestP '0.00'): $p |")
}
$md.Add('')
$md.Add("Times (one thread, $([Environment]::ProcessorCount)-core machine named at the top; ``TextSketch.Bench times``: Core calls, no cmdlet):")
$md.Add("Paint decode of a 768x512 record: median $(F $times.DecodeMedianMs '0') ms, slowest $(F $times.DecodeMaxMs '0') ms (target ≤ 150 ms).")
$encodeLine = ($times.EncodeMedianMs.PSObject.Properties | ForEach-Object { "$($_.Name) B: $(F $_.Value '0') ms" }) -join ', '
$md.Add("Encode from the PNG (read, sketch, rate control with the layer fit, write), median per photo: $encodeLine.")
$md.Add('Encode throughput with two cores against cwebp: see the throughput section.')
$md.Add('')
$md.Add('### Per photo')
$md.Add('')
$md.Add('PSNR dB / MS-SSIM of Paint, and of the best classical file at the same budget (its codec).')
$md.Add('')
$md.Add("| photo | $(($budgets | ForEach-Object { "$_ B" }) -join ' | ') |")
$md.Add("|---|$(($budgets | ForEach-Object { '---' }) -join '|')|")
foreach ($photo in $photos) {
    $cells = foreach ($budget in $budgets) {
        $t = $rows | Where-Object { $_.Name -eq $photo.BaseName -and $_.Codec -like 'TextSketch*' -and $_.BudgetLabel -eq "$budget B" }
        $c = @($rows | Where-Object { $_.Name -eq $photo.BaseName -and $_.Codec -notlike 'TextSketch*' -and $_.BudgetLabel -eq "$budget B" -and $_.Fits }) | Sort-Object Psnr -Descending | Select-Object -First 1
        $anchor = if ($c) { "$(F $c.Psnr '0.0') / $(F $c.MsSsim '0.00') ($($c.Codec))" } else { 'none fits' }
        "$(F $t.Psnr '0.0') / $(F $t.MsSsim '0.00') vs $anchor"
    }
    $md.Add("| $($photo.BaseName) | $($cells -join ' | ') |")
}
$md.Add('')
$md.Add('### Plots and contact sheets')
$md.Add('')
foreach ($plot in 'rd2-psnr', 'rd2-msssim', 'rd2-edgef1', 'rd2-featuredistance') { $md.Add("![$plot](bench/$plot.png)") }
$md.Add('')
$md.Add('Original | Paint | WebP | JPEG XL, one row per budget (200, 800 and 3200 bytes), each labelled with its bytes and PSNR.')
$md.Add('')
foreach ($photo in $photos) { $md.Add("![$($photo.BaseName)](bench/rdsheet-$($photo.BaseName).jpg)") }
Set-Content -Path $SectionPath -Value $md -Encoding utf8
Write-Host "Rate-distortion section written: $SectionPath"
