# The main job on the embedded default (no model weights): compress the sample photos, expand them, show the records.
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $SamplesPath,
    [Parameter(Mandatory)][string] $WorkPath
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
if (Test-Path $WorkPath) { Remove-Item $WorkPath -Recurse -Force }
$records = Join-Path $WorkPath 'records'
$images = Join-Path $WorkPath 'images'

Write-Host "Compressing the photos in $SamplesPath ..."
$written = Get-ChildItem -LiteralPath $SamplesPath -Filter *.jpg | ConvertTo-TextSketch -DestinationPath $records
$written | Format-Table | Out-Host
$written | Select-Object -First 1 | Format-List SourcePath, Path, Width, Height, Mode, Caption, CaptionSource, SketchWidth, SketchHeight, Seed, TotalBytes, Bpp, HeaderBits, CaptionBits, SketchBits, ColorBits | Out-Host

Write-Host "Expanding the records with the Paint decoder (the weight-free default: no weights needed) ..."
$restored = Get-ChildItem -LiteralPath $records -Filter *.tsk | Expand-TextSketch -DestinationPath $images -Decoder Paint
$sketches = Get-ChildItem -LiteralPath $records -Filter *.tsk | Expand-TextSketch -DestinationPath $images -Layer Sketch

$sourceBytes = ($written.SourcePath | ForEach-Object { (Get-Item -LiteralPath $_).Length } | Measure-Object -Sum).Sum
$recordBytes = ($written | Measure-Object TotalBytes -Sum).Sum
$pixels = ($written | ForEach-Object { $_.Width * $_.Height } | Measure-Object -Sum).Sum
Write-Host ('{0} photos: {1:N0} bytes of JPEG became {2:N0} bytes of records ({3:N0}x smaller, {4:N4} bpp on average).' -f `
    $written.Count, $sourceBytes, $recordBytes, ($sourceBytes / $recordBytes), ($recordBytes * 8 / $pixels))
Write-Host "Records:   $records"
Write-Host "Images:    $images"
$restored + $sketches | Format-Table Name, Length, FullName -AutoSize | Out-Host
