BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'ConvertTo-TextSketch' {
    BeforeAll {
        $root = Get-TempFolder
        $photos = New-Item -ItemType Directory (Join-Path $root 'photos')
        New-TestImage -LiteralPath (Join-Path $photos 'plain.bmp') -Seed 1 | Out-Null
        New-TestImage -LiteralPath (Join-Path $photos 'with space.bmp') -Seed 2 | Out-Null
        New-TestImage -LiteralPath (Join-Path $photos 'bracket[1].bmp') -Seed 3 | Out-Null
        New-TestImage -LiteralPath (Join-Path $photos 'ünï ço∂e.bmp') -Seed 4 | Out-Null
        Copy-Item (Join-Path $PSScriptRoot 'assets/captioned.jpg') $photos
    }

    AfterAll {
        Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'takes Get-ChildItem output, names with spaces, brackets and Unicode included' {
        $records = Get-ChildItem -LiteralPath $photos | ConvertTo-TextSketch
        $records.Count | Should -Be 5
        $records | ForEach-Object { $_ | Should -BeOfType ([TextSketch.TextSketchRecord]) }
        ($records.SourcePath | ForEach-Object { Split-Path $_ -Leaf }) | Should -Be (Get-ChildItem -LiteralPath $photos).Name
    }

    It 'fills the record as the contract says' {
        $r = ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'plain.bmp') -Caption 'a yellow disc over a gradient'
        $r.Width | Should -Be 96
        $r.Height | Should -Be 64
        $r.Mode | Should -Be 'TextSketch'
        $r.Caption | Should -Be 'a yellow disc over a gradient'
        $r.CaptionSource | Should -Be 'Explicit'
        $r.SketchWidth | Should -BeGreaterThan 0
        $r.SketchBytes.GetType() | Should -Be ([byte[]])
        $r.Path | Should -BeNullOrEmpty
        $r.Bpp | Should -Be ($r.TotalBytes * 8 / (96 * 64))
        ($r.HeaderBits + $r.CaptionBits + $r.SketchBits + $r.ColorBits) | Should -Be ($r.TotalBytes * 8)
        $r.SketchBits | Should -BeGreaterThan ($r.SketchBytes.Length * 8 - 17)
        $r.SketchBits | Should -BeLessOrEqual ($r.SketchBytes.Length * 8 + 2)
    }

    It 'reads the caption from metadata when none is given, and -Caption wins' {
        $fromMetadata = ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'captioned.jpg')
        $fromMetadata.Caption | Should -Be 'an orange ball on a blue background'
        $fromMetadata.CaptionSource | Should -Be 'Metadata'
        $explicit = ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'captioned.jpg') -Caption 'mine'
        $explicit.CaptionSource | Should -Be 'Explicit'
        $none = ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'captioned.jpg') -Caption ''
        $none.CaptionSource | Should -Be 'None'
        $none.Caption | Should -BeNullOrEmpty
    }

    It 'makes caption-only records with -Mode Text' {
        $r = ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'plain.bmp') -Caption 'a yellow disc' -Mode Text
        $r.Mode | Should -Be 'Text'
        $r.SketchBits | Should -Be 0
        $r.ColorBits | Should -Be 0
        $r.SketchWidth | Should -Be 0
        $r.TotalBytes | Should -BeLessThan 24
    }

    It 'expands wildcards with -Path and treats -LiteralPath literally' {
        (ConvertTo-TextSketch -Path (Join-Path $photos '*.bmp')).Count | Should -Be 4
        (ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'bracket[1].bmp')).Width | Should -Be 96
        { ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'bracket[1].bmp') -ErrorAction Stop } | Should -Not -Throw
    }

    It 'writes <basename>.tsk files that Import-TextSketch reads back identically' {
        $out = Join-Path $root 'arch1'
        $records = Get-ChildItem -LiteralPath $photos | ConvertTo-TextSketch -DestinationPath $out
        (Get-ChildItem -LiteralPath $out).Name | Sort-Object | Should -Be (@('bracket[1].tsk', 'captioned.tsk', 'plain.tsk', 'with space.tsk', 'ünï ço∂e.tsk') | Sort-Object)
        foreach ($r in $records) {
            Test-Path -LiteralPath $r.Path | Should -BeTrue
            $back = Import-TextSketch -LiteralPath $r.Path
            $back.TotalBytes | Should -Be $r.TotalBytes
            $back.Caption | Should -Be $r.Caption
            $back.Seed | Should -Be $r.Seed
            [Convert]::ToBase64String($back.GetBytes()) | Should -Be ([Convert]::ToBase64String($r.GetBytes()))
            (Get-Item -LiteralPath $r.Path).Length | Should -Be $r.TotalBytes
        }
    }

    It 'refuses to overwrite without -Force and leaves the file as it was' {
        $out = Join-Path $root 'arch2'
        ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'plain.bmp') -DestinationPath $out | Out-Null
        $target = Join-Path $out 'plain.tsk'
        $before = [IO.File]::ReadAllBytes($target)
        $result = ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'plain.bmp') -DestinationPath $out -Caption 'changed' -ErrorVariable err -ErrorAction SilentlyContinue
        $result | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'OutputExists*'
        $err[0].TargetObject | Should -Be (Join-Path $photos 'plain.bmp')
        [IO.File]::ReadAllBytes($target) | Should -Be $before

        $forced = ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'plain.bmp') -DestinationPath $out -Caption 'changed' -Force
        $forced.Caption | Should -Be 'changed'
        (Import-TextSketch -LiteralPath $target).Caption | Should -Be 'changed'
    }

    It 'writes nothing under -WhatIf' {
        $out = Join-Path $root 'arch-whatif'
        ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'plain.bmp') -DestinationPath $out -WhatIf | Should -BeNullOrEmpty
        $out | Should -Not -Exist
    }

    It 'skips sources whose record exists and is valid with -SkipExisting, and redoes broken ones' {
        $out = Join-Path $root 'arch3'
        ConvertTo-TextSketch -Path (Join-Path $photos '*.bmp') -DestinationPath $out | Out-Null
        $plain = Join-Path $out 'plain.tsk'
        $stamp = (Get-Item $plain).LastWriteTimeUtc
        [IO.File]::WriteAllBytes((Join-Path $out 'with space.tsk'), [byte[]](0xD4, 1, 2))
        Start-Sleep -Milliseconds 20
        $again = ConvertTo-TextSketch -Path (Join-Path $photos '*.bmp') -DestinationPath $out -SkipExisting
        $again.Count | Should -Be 4
        (Get-Item $plain).LastWriteTimeUtc | Should -Be $stamp
        { Import-TextSketch -LiteralPath (Join-Path $out 'with space.tsk') -ErrorAction Stop } | Should -Not -Throw
    }

    It 'reports each bad file once, as a non-terminating error with an ErrorId and the file as target, and goes on' {
        $mixed = New-Item -ItemType Directory (Join-Path $root 'mixed')
        New-TestImage -LiteralPath (Join-Path $mixed 'a-good.bmp') | Out-Null
        [IO.File]::WriteAllBytes((Join-Path $mixed 'b-empty.jpg'), [byte[]]@())
        Set-Content -LiteralPath (Join-Path $mixed 'c-text.jpg') -Value 'not an image'
        $good = [IO.File]::ReadAllBytes((Join-Path $mixed 'a-good.bmp'))
        [IO.File]::WriteAllBytes((Join-Path $mixed 'd-truncated.bmp'), $good[0..200])
        # A PNG signature and IHDR claiming 60000 x 60000 pixels.
        [IO.File]::WriteAllBytes((Join-Path $mixed 'e-bomb.png'), [Convert]::FromBase64String('iVBORw0KGgoAAAANSUhEUgAA6mAAAOpgCAIAAAAPsOIV'))
        New-TestImage -LiteralPath (Join-Path $mixed 'f-good.bmp') -Seed 7 | Out-Null

        $records = Get-ChildItem -LiteralPath $mixed | Sort-Object Name | ConvertTo-TextSketch -ErrorVariable err -ErrorAction SilentlyContinue
        ($records.SourcePath | ForEach-Object { Split-Path $_ -Leaf }) | Should -Be @('a-good.bmp', 'f-good.bmp')
        $err.Count | Should -Be 4
        $ids = $err | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }
        $ids | Should -Be @('ImageEmpty', 'ImageFormatUnknown', 'ImageCorrupt', 'ImageTooLarge')
        ($err | ForEach-Object { Split-Path $_.TargetObject -Leaf }) | Should -Be @('b-empty.jpg', 'c-text.jpg', 'd-truncated.bmp', 'e-bomb.png')
        $err[3].Exception.Message | Should -Match '60000x60000'
    }

    It 'reports a missing path and goes on with the rest' {
        $records = ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'nope.bmp'), (Join-Path $photos 'plain.bmp') -ErrorVariable err -ErrorAction SilentlyContinue
        $records.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'PathNotFound*'
    }

    It 'gives the same records in the same order whatever -ThrottleLimit' {
        $many = New-Item -ItemType Directory (Join-Path $root 'many')
        1..12 | ForEach-Object { New-TestImage -LiteralPath (Join-Path $many "img$_.bmp") -Seed $_ -Width (64 + 8 * $_) | Out-Null }
        $serial = Get-ChildItem $many | ConvertTo-TextSketch -ThrottleLimit 1
        $parallel = Get-ChildItem $many | ConvertTo-TextSketch -ThrottleLimit 4
        $parallel.SourcePath | Should -Be $serial.SourcePath
        for ($i = 0; $i -lt $serial.Count; $i++) {
            [Convert]::ToBase64String($parallel[$i].GetBytes()) | Should -Be ([Convert]::ToBase64String($serial[$i].GetBytes()))
        }
    }

    It 'leaves no temporary files behind' {
        Get-ChildItem -LiteralPath $root -Recurse -Force -Filter '*.tmp' | Should -BeNullOrEmpty
    }

    It 'shows records as a table of name, size, bytes, bpp and caption' {
        $text = ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'plain.bmp') -Caption 'a disc' | Out-String
        $text | Should -Match 'Name\s+Size\s+Bytes\s+Bpp\s+Caption'
        $text | Should -Match 'plain\.bmp\s+96x64\s+\d+\s+\d\.\d{4}\s+a disc'
    }
}

Describe 'ConvertTo-TextSketch -MaxBytes' {
    BeforeAll {
        $root = Get-TempFolder
        $image = New-TestImage -LiteralPath (Join-Path $root 'big.bmp') -Width 384 -Height 256 -Seed 3
    }

    AfterAll {
        Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'never exceeds the budget' -ForEach @(@{ Budget = 40 }, @{ Budget = 60 }, @{ Budget = 120 }) {
        $r = ConvertTo-TextSketch -LiteralPath $image.FullName -Caption 'a yellow disc over a blue gradient' -MaxBytes $Budget
        $r.TotalBytes | Should -BeLessOrEqual $Budget
        ($r.HeaderBits + $r.CaptionBits + $r.SketchBits + $r.ColorBits) | Should -Be ($r.TotalBytes * 8)
    }

    It 'reports BudgetTooSmall when the caption alone does not fit' {
        $r = ConvertTo-TextSketch -LiteralPath $image.FullName -Caption 'a caption far too long for a budget of twelve bytes' -MaxBytes 12 -ErrorVariable err -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'BudgetTooSmall*'
        $err[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $err[0].Exception.Message | Should -Match '^-MaxBytes 12 is too small: .* need (\d+) bytes\. Shorten the caption or use -MaxBytes \1 or more\.$'
    }

    It 'tells a Text-mode record the smallest -MaxBytes, never to use -Mode Text' {
        $caption = 'a caption far too long for a budget of twelve bytes'
        ConvertTo-TextSketch -LiteralPath $image.FullName -Caption $caption -Mode Text -MaxBytes 12 -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].Exception.Message | Should -Not -Match '-Mode'
        $err[0].Exception.Message -match 'Shorten the caption or use -MaxBytes (\d+) or more\.$' | Should -BeTrue
        $needed = [int]$Matches[1]
        (ConvertTo-TextSketch -LiteralPath $image.FullName -Caption $caption -Mode Text -MaxBytes $needed).TotalBytes | Should -Be $needed
    }
}
