# Shared by the Pester suites: imports the module under test and makes test images.

$script:ModuleUnderTest = if ($env:TEXTSKETCH_TEST_MODULE) { $env:TEXTSKETCH_TEST_MODULE } else { Join-Path $PSScriptRoot '../../out/TextSketch' }
Import-Module $ModuleUnderTest -Force -ErrorAction Stop

function New-TestImage {
    # Writes a 24-bit BMP: a vertical gradient with a bright disc and a dark bar, different per seed.
    param(
        [Parameter(Mandatory)][string] $LiteralPath,
        [int] $Width = 96,
        [int] $Height = 64,
        [int] $Seed = 1
    )
    $rowSize = [int]([Math]::Ceiling($Width * 3 / 4) * 4)
    $pixelBytes = $rowSize * $Height
    $bytes = [byte[]]::new(54 + $pixelBytes)
    $writer = [IO.BinaryWriter]::new([IO.MemoryStream]::new($bytes))
    $writer.Write([byte[]][char[]]'BM'); $writer.Write([int](54 + $pixelBytes)); $writer.Write([int]0); $writer.Write([int]54)
    $writer.Write([int]40); $writer.Write([int]$Width); $writer.Write([int]$Height); $writer.Write([int16]1); $writer.Write([int16]24)
    $writer.Write([int]0); $writer.Write([int]$pixelBytes); $writer.Write([int]2835); $writer.Write([int]2835); $writer.Write([int]0); $writer.Write([int]0)
    $cx = [int]($Width * (0.3 + 0.1 * ($Seed % 4))); $cy = [int]($Height / 2); $r2 = [int]([Math]::Pow([Math]::Min($Width, $Height) / 4, 2))
    for ($y = 0; $y -lt $Height; $y++) {
        $row = 54 + ($Height - 1 - $y) * $rowSize   # BMP rows are stored bottom-up
        for ($x = 0; $x -lt $Width; $x++) {
            $dx = $x - $cx; $dy = $y - $cy
            if ($dx * $dx + $dy * $dy -lt $r2) { $rgb = 240, 200, 40 }
            elseif ($y -gt $Height * 0.75 -and $x % 20 -lt 8) { $rgb = 20, 30, 20 }
            else { $rgb = [int](40 + 150 * $y / $Height), [int](80 + 20 * ($Seed % 5)), [int](200 - 100 * $y / $Height) }
            $o = $row + 3 * $x
            $bytes[$o] = $rgb[2]; $bytes[$o + 1] = $rgb[1]; $bytes[$o + 2] = $rgb[0]
        }
    }
    [IO.File]::WriteAllBytes($LiteralPath, $bytes)
    Get-Item -LiteralPath $LiteralPath
}

function Get-PngSize {
    # Width and height from a PNG's IHDR chunk.
    param([Parameter(Mandatory)][string] $LiteralPath)
    $b = [IO.File]::ReadAllBytes($LiteralPath)
    [pscustomobject]@{
        Width  = ([int]$b[16] -shl 24) -bor ([int]$b[17] -shl 16) -bor ([int]$b[18] -shl 8) -bor $b[19]
        Height = ([int]$b[20] -shl 24) -bor ([int]$b[21] -shl 16) -bor ([int]$b[22] -shl 8) -bor $b[23]
    }
}

function Invoke-FreshPwsh {
    # Runs a command in a new pwsh process (also when this one runs as the `dotnet pwsh` tool).
    param([Parameter(Mandatory)][string] $Command)
    $process = [Environment]::ProcessPath
    # -EncodedCommand: the command reaches the child exactly as written, quotes and spaces included.
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($Command))
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        & $process (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -EncodedCommand $encoded 2>&1
    }
    else {
        & $process -NoProfile -NonInteractive -EncodedCommand $encoded 2>&1
    }
}

function Get-TempFolder {
    $path = Join-Path ([IO.Path]::GetTempPath()) ("ts-pester-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $path | Select-Object -ExpandProperty FullName
}

function Get-Tree {
    # Relative path -> SHA-256 of every file under a folder (hidden files included).
    param([string] $Root)
    $table = [ordered]@{}
    Get-ChildItem -LiteralPath $Root -Recurse -File -Force | Sort-Object FullName | ForEach-Object {
        $table[[IO.Path]::GetRelativePath($Root, $_.FullName)] = (Get-FileHash -LiteralPath $_.FullName -Algorithm SHA256).Hash
    }
    $table
}
