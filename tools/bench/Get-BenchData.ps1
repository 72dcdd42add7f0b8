# Fetches the benchmark photos: scikit-image's sample photos from Debian's python3-skimage (apt-get download +
# dpkg -x; never committed), cropped to 768x512 (512x768 for portrait photos) like the Kodak set the paper uses.
# Also installs the anchor codecs when they are missing and this process may use apt.
param([Parameter(Mandatory)][string] $DataPath)

$ErrorActionPreference = 'Stop'

$script:AptUpdated = $false
function Invoke-AptWithUpdate {
    # Runs an apt-get command; when it fails as root (a fresh machine's package lists are empty or old), runs
    # `apt-get update` once for the whole script and tries again. Returns the last exit code.
    param([Parameter(Mandatory)][string[]] $Arguments)
    apt-get @Arguments 2>&1 | Out-Host
    if ($LASTEXITCODE -ne 0 -and -not $script:AptUpdated -and ((id -u) -eq '0')) {
        Write-Host "apt-get $($Arguments[0]) failed; running apt-get update once and retrying."
        $script:AptUpdated = $true
        apt-get update 2>&1 | Out-Host
        if ($LASTEXITCODE -ne 0) { return $LASTEXITCODE }
        apt-get @Arguments 2>&1 | Out-Host
    }
    return $LASTEXITCODE
}

$anchors = @{ pbmtojbg = 'jbigkit-bin'; cwebp = 'webp'; avifenc = 'libavif-bin'; cjxl = 'libjxl-tools'; brotli = 'brotli'; convert = 'imagemagick' }
$missing = $anchors.Keys | Where-Object { -not (Get-Command $_ -ErrorAction SilentlyContinue) } | ForEach-Object { $anchors[$_] }
# ImageMagick's convert may be a stand-in; `compare` proves the real package is there.
if (-not (Get-Command compare -ErrorAction SilentlyContinue)) { $missing += 'imagemagick' }
$missing = @($missing | Sort-Object -Unique)
if ($missing.Count) {
    if ((Get-Command apt-get -ErrorAction SilentlyContinue) -and ((id -u) -eq '0')) {
        Write-Host "Installing anchors: $($missing -join ', ')"
        $code = Invoke-AptWithUpdate (@('install', '-y', '--no-install-recommends') + $missing)
        if ($code -ne 0) { throw "apt-get install $($missing -join ' ') failed (exit code $code)." }
    }
    else {
        throw "The benchmark needs: $($missing -join ', ') (Debian: apt-get install $($missing -join ' '))."
    }
}

$photos = Join-Path $DataPath 'photos'
if ((Test-Path $photos) -and (Get-ChildItem $photos -Filter *.png).Count -ge 8) {
    return
}

$download = Join-Path $DataPath 'deb'
New-Item -ItemType Directory -Force -Path $download, $photos | Out-Null
Push-Location $download
try {
    if (-not (Get-ChildItem -Filter 'python3-skimage_*.deb')) {
        $code = Invoke-AptWithUpdate @('download', 'python3-skimage')
        if ($code -ne 0) { throw "apt-get download python3-skimage failed (exit code $code), also after apt-get update." }
    }
    $deb = (Get-ChildItem -Filter 'python3-skimage_*.deb' | Select-Object -First 1).FullName
    dpkg -x $deb (Join-Path $download 'x')
}
finally {
    Pop-Location
}

$source = Join-Path $download 'x/usr/lib/python3/dist-packages/skimage/data'
# The natural photographs among scikit-image's samples (textures, scans and charts left out).
$landscape = 'astronaut.png', 'chelsea.png', 'coffee.png', 'motorcycle_left.png', 'camera.png', 'hubble_deep_field.jpg', 'ihc.png'
$portrait = 'rocket.jpg'
foreach ($name in $landscape + $portrait) {
    $size = if ($name -in $portrait) { '512x768' } else { '768x512' }
    $target = Join-Path $photos ([IO.Path]::ChangeExtension($name, '.png'))
    convert (Join-Path $source $name) -colorspace sRGB -type TrueColor -resize "$size^" -gravity center -extent $size -strip $target
    if ($LASTEXITCODE -ne 0) { throw "convert failed on $name" }
}
Write-Host "Benchmark photos in $photos"
