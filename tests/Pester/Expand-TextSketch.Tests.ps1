BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Expand-TextSketch' {
    BeforeAll {
        $root = Get-TempFolder
        $photos = New-Item -ItemType Directory (Join-Path $root 'photos')
        New-TestImage -LiteralPath (Join-Path $photos 'one.bmp') -Width 120 -Height 80 -Seed 1 | Out-Null
        New-TestImage -LiteralPath (Join-Path $photos 'two [b].bmp') -Width 90 -Height 130 -Seed 2 | Out-Null
        $arch = Join-Path $root 'arch'
        $records = Get-ChildItem -LiteralPath $photos | ConvertTo-TextSketch -DestinationPath $arch -Caption 'test'
    }

    AfterAll {
        Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'expands .tsk files from Get-ChildItem to images of the original size' {
        $out = Join-Path $root 'out1'
        $files = Get-ChildItem -LiteralPath $arch -Filter *.tsk | Expand-TextSketch -DestinationPath $out -Decoder Preview
        $files.Count | Should -Be 2
        $files | ForEach-Object { $_ | Should -BeOfType ([IO.FileInfo]) }
        $files.Name | Should -Be @('one.png', 'two [b].png')
        (Get-PngSize $files[0].FullName).Width | Should -Be 120
        (Get-PngSize $files[0].FullName).Height | Should -Be 80
        (Get-PngSize $files[1].FullName).Width | Should -Be 90
        (Get-PngSize $files[1].FullName).Height | Should -Be 130
    }

    It 'expands records straight from ConvertTo-TextSketch' {
        $out = Join-Path $root 'out2'
        $files = Get-ChildItem -LiteralPath $photos | ConvertTo-TextSketch | Expand-TextSketch -DestinationPath $out -Decoder Preview
        $files.Name | Should -Be @('one.png', 'two [b].png')
    }

    It 'warns once that Auto means the Paint decoder while no diffusion pack is installed' {
        $out = Join-Path $root 'out3'
        $files = $records | Expand-TextSketch -DestinationPath $out -WarningVariable warn 3>$null
        $files.Count | Should -Be 2
        $warn.Count | Should -Be 1
        $warn[0] | Should -Match 'Paint decoder'
        $warn[0] | Should -Match '-Decoder Paint'
    }

    It 'paints records with -Decoder Paint, the same pixels as Auto''s fallback, and -Outline inks the edges' {
        $paint = $records[0] | Expand-TextSketch -DestinationPath (Join-Path $root 'paint') -Decoder Paint
        $auto = Get-ChildItem (Join-Path $root 'out3') -Filter 'one.png'
        (Get-FileHash $paint.FullName).Hash | Should -Be (Get-FileHash $auto.FullName).Hash
        $inked = $records[0] | Expand-TextSketch -DestinationPath (Join-Path $root 'inked') -Decoder Paint -Outline
        (Get-PngSize $inked.FullName).Width | Should -Be 120
        (Get-FileHash $inked.FullName).Hash | Should -Not -Be (Get-FileHash $paint.FullName).Hash
        # Preview keeps its own look.
        $preview = $records[0] | Expand-TextSketch -DestinationPath (Join-Path $root 'preview') -Decoder Preview
        (Get-FileHash $preview.FullName).Hash | Should -Not -Be (Get-FileHash $paint.FullName).Hash
    }

    It 'writes the sketch layer as exactly the coded bitmap' {
        $out = Join-Path $root 'out4'
        $file = $records[0] | Expand-TextSketch -DestinationPath $out -Layer Sketch
        $file.Name | Should -Be 'one.sketch.png'
        $size = Get-PngSize $file.FullName
        $size.Width | Should -Be $records[0].SketchWidth
        $size.Height | Should -Be $records[0].SketchHeight
        # Compressing the sketch PNG's own edges again is not the point; check it is black and white only.
        $again = ConvertTo-TextSketch -LiteralPath $file.FullName -Mode Text
        $again.Width | Should -Be $records[0].SketchWidth
    }

    It 'writes JPEG and WebP on request' {
        $out = Join-Path $root 'out5'
        ($records[0] | Expand-TextSketch -DestinationPath $out -Format Jpeg -Decoder Preview).Name | Should -Be 'one.jpg'
        ($records[0] | Expand-TextSketch -DestinationPath $out -Format Webp -Decoder Preview).Name | Should -Be 'one.webp'
        $bytes = [IO.File]::ReadAllBytes((Join-Path $out 'one.webp'))
        [Text.Encoding]::ASCII.GetString($bytes, 8, 4) | Should -Be 'WEBP'
    }

    It 'does not overwrite without -Force, and does with it' {
        $out = Join-Path $root 'out6'
        $records[0] | Expand-TextSketch -DestinationPath $out -Decoder Preview | Out-Null
        $again = $records[0] | Expand-TextSketch -DestinationPath $out -Decoder Preview -ErrorVariable err -ErrorAction SilentlyContinue
        $again | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'OutputExists*'
        ($records[0] | Expand-TextSketch -DestinationPath $out -Decoder Preview -Force).Name | Should -Be 'one.png'
    }

    It 'writes nothing under -WhatIf' {
        $out = Join-Path $root 'out7'
        $records | Expand-TextSketch -DestinationPath $out -WhatIf | Should -BeNullOrEmpty
        $out | Should -Not -Exist
    }

    It 'refuses corrupt, truncated and future-version records by name and reason, and goes on' {
        $bad = New-Item -ItemType Directory (Join-Path $root 'bad')
        $good = [IO.File]::ReadAllBytes($records[0].Path)
        $flipped = [byte[]]$good.Clone(); $flipped[10] = $flipped[10] -bxor 0x10
        [IO.File]::WriteAllBytes((Join-Path $bad 'a-flipped.tsk'), $flipped)
        [IO.File]::WriteAllBytes((Join-Path $bad 'b-truncated.tsk'), $good[0..4])
        $future = [byte[]]$good.Clone(); $future[1] = (3 -shl 5) -bor ($future[1] -band 0x1F)
        [IO.File]::WriteAllBytes((Join-Path $bad 'c-future.tsk'), $future)
        Set-Content -LiteralPath (Join-Path $bad 'd-notes.tsk') -Value 'hello'
        Copy-Item $records[0].Path (Join-Path $bad 'e-good.tsk')

        $out = Join-Path $root 'out8'
        $files = Get-ChildItem -LiteralPath $bad | Expand-TextSketch -DestinationPath $out -Decoder Preview -ErrorVariable err -ErrorAction SilentlyContinue
        $files.Name | Should -Be 'e-good.png'
        $ids = $err | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }
        $ids | Should -Be @('TskChecksumMismatch', 'TskTruncated', 'TskUnsupportedVersion', 'TskNotARecord')
        $err[0].Exception.Message | Should -Match 'a-flipped\.tsk'
        $err[0].Exception.Message | Should -Match 'checksum'
        $err[2].Exception.Message | Should -Match 'version 3'
        (Get-ChildItem -LiteralPath $out).Name | Should -Be 'e-good.png'
    }

    It 'refuses a Text-mode record for -Layer Sketch' {
        $text = ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'one.bmp') -Mode Text -Caption 'x'
        $text | Expand-TextSketch -DestinationPath (Join-Path $root 'out9') -Layer Sketch -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'NoSketchLayer*'
    }
}

Describe 'Import-TextSketch' {
    BeforeAll {
        $root = Get-TempFolder
        New-TestImage -LiteralPath (Join-Path $root 'p.bmp') | Out-Null
        $written = ConvertTo-TextSketch -LiteralPath (Join-Path $root 'p.bmp') -DestinationPath $root -Caption 'caption here'
    }

    AfterAll {
        Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'reads a record with every property as written' {
        $read = Import-TextSketch -Path (Join-Path $root '*.tsk')
        $read.Path | Should -Be $written.Path
        $read.SourcePath | Should -BeNullOrEmpty
        foreach ($name in 'Width', 'Height', 'Mode', 'Caption', 'CaptionSource', 'SketchWidth', 'SketchHeight', 'Seed', 'TotalBytes', 'Bpp', 'HeaderBits', 'CaptionBits', 'SketchBits', 'ColorBits') {
            $read.$name | Should -Be $written.$name -Because $name
        }
    }

    It 'takes files from the pipeline and reports unreadable ones' {
        Set-Content -LiteralPath (Join-Path $root 'junk.tsk') -Value 'junk'
        $records = Get-ChildItem -LiteralPath $root -Filter *.tsk | Import-TextSketch -ErrorVariable err -ErrorAction SilentlyContinue
        $records.Count | Should -Be 1
        $err.Count | Should -Be 1
        $err[0].TargetObject | Should -BeLike '*junk.tsk'
    }
}

Describe 'Records whose caption is stored as CLIP tokens' {
    BeforeAll {
        $root = Get-TempFolder
        # A pack carrying a vocabulary shaped like CLIP's own: the test fixture's real CLIP ids, the other ids filled
        # with entries no text tokenizes to. assets/clip-tokens.tsk was written with it (caption coder clip-tokens).
        $fixtures = Join-Path $PSScriptRoot '../TextSketch.Core.Tests/Decoding/Diffusion/Fixtures'
        $vocab = Get-Content -LiteralPath (Join-Path $fixtures 'clip-subset-vocab.json') -Raw | ConvertFrom-Json -AsHashtable
        $used = [Collections.Generic.HashSet[int]]::new([int[]]@($vocab.Values))
        foreach ($id in 0..49407) { if (-not $used.Contains($id)) { $vocab["<|unused-$id|>"] = $id } }
        $models = Join-Path $root 'models'
        $pack = New-Item -ItemType Directory (Join-Path $models 'clip-vit-b32') -Force
        $vocab | ConvertTo-Json -Compress | Set-Content -LiteralPath (Join-Path $pack 'vocab.json') -NoNewline
        Copy-Item -LiteralPath (Join-Path $fixtures 'clip-subset-merges.txt') (Join-Path $pack 'merges.txt')
        Set-Content -LiteralPath (Join-Path $pack 'manifest.json') -Value '{ "name": "clip-vit-b32", "kind": "Clip", "files": [ { "path": "vocab.json", "role": "tokenizer_vocab" }, { "path": "merges.txt", "role": "tokenizer_merges" } ] }'
        $record = Join-Path $PSScriptRoot 'assets/clip-tokens.tsk'
        $empty = New-Item -ItemType Directory (Join-Path $root 'empty')
    }

    AfterAll {
        Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'reads back with the -ModelRoot that has CLIP''s vocabulary' {
        $read = Import-TextSketch -LiteralPath $record -ModelRoot $models
        $read.Caption | Should -Be 'straße in münchen — 東京'
        (Expand-TextSketch -LiteralPath $record -ModelRoot $models -Decoder Preview -DestinationPath (Join-Path $root 'out')).Name | Should -Be 'clip-tokens.png'
    }

    It 'says what is missing with a -ModelRoot without it' {
        Import-TextSketch -LiteralPath $record -ModelRoot $empty -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'TskMalformed*'
        $err[0].Exception.Message | Should -Match 'CLIP''s vocabulary'
        $err[0].Exception.Message | Should -Match '-ModelRoot'
    }
}
