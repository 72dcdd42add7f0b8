BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:root = Get-TempFolder
    # BMPs carry no metadata, so no caption comes from the files themselves.
    $script:photos = New-Item -ItemType Directory (Join-Path $root 'photos')
    1..3 | ForEach-Object { New-TestImage -LiteralPath (Join-Path $photos "p$_.bmp") -Seed $_ | Out-Null }
    $script:records = Get-ChildItem -LiteralPath $photos | ConvertTo-TextSketch -Caption 'a test picture'
}

AfterAll {
    Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'A weight-free decoder given sampling settings' {
    It 'warns once per call, naming what it ignores' {
        $files = $records | Expand-TextSketch -DestinationPath (Join-Path $root 'a') -Decoder Preview -Seed 7 -Steps 10 -Scheduler DDIM -GuidanceScale 5 -WarningVariable warned -WarningAction SilentlyContinue
        $files.Count | Should -Be 3
        $warned.Count | Should -Be 1
        $warned[0] | Should -Be '-Seed, -Steps, -Scheduler and -GuidanceScale apply to a generative decoder (Diffusion) only; the Preview decoder, which needs no model, ignores them.'
    }

    It 'also under -Decoder Auto without a diffusion pack, beside the fallback warning' {
        $empty = Get-TempFolder
        $records | Expand-TextSketch -DestinationPath (Join-Path $root 'b') -ModelRoot $empty -Steps 10 -WarningVariable warned -WarningAction SilentlyContinue | Out-Null
        @($warned | Where-Object { $_ -like '-Steps applies to a generative decoder*' }).Count | Should -Be 1
        $warned.Count | Should -Be 2
        Remove-Item $empty -Recurse -Force
    }

    It 'says nothing when none is given' {
        $records | Expand-TextSketch -DestinationPath (Join-Path $root 'c') -Decoder Preview -WarningVariable warned | Out-Null
        $warned | Should -BeNullOrEmpty
    }

    It 'says -Layer Sketch ignores them too' {
        $records | Expand-TextSketch -DestinationPath (Join-Path $root 'd') -Layer Sketch -Seed 3 -WarningVariable warned -WarningAction SilentlyContinue | Out-Null
        $warned.Count | Should -Be 1
        $warned[0] | Should -Be '-Layer Sketch writes the coded sketch itself and ignores -Seed.'
    }
}

Describe 'Photos without a caption' {
    It 'say once per call how to get one, however many there are, and the summary counts them' {
        $out = Get-ChildItem -LiteralPath $photos | ConvertTo-TextSketch -WarningVariable warned -WarningAction SilentlyContinue -Verbose 4>&1
        @($out | Where-Object { $_ -is [TextSketch.TextSketchRecord] } | Where-Object CaptionSource -eq 'None').Count | Should -Be 3
        $warned.Count | Should -Be 1
        $warned[0] | Should -Match ([regex]::Escape("'$(Join-Path $photos 'p1.bmp')' has no caption in its metadata"))
        $warned[0] | Should -Match ([regex]::Escape("-Caption '<text>'"))
        $warned[0] | Should -Match ([regex]::Escape('Install-TextSketchModel -Name florence2-base, then -Captioner florence2-base'))
        ($out | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | Select-Object -Last 1).Message | Should -Match '3 without a caption'
    }

    It 'say nothing when -Caption is given, also an empty one' {
        Get-ChildItem -LiteralPath $photos | ConvertTo-TextSketch -Caption 'a test picture' -WarningVariable warned | Out-Null
        $warned | Should -BeNullOrEmpty
        Get-ChildItem -LiteralPath $photos | ConvertTo-TextSketch -Caption '' -WarningVariable warned | Out-Null
        $warned | Should -BeNullOrEmpty
    }
}
