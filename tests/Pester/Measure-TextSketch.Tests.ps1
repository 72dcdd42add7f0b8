BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Measure-TextSketch' {
    BeforeAll {
        $root = Get-TempFolder
        # 200x170: big enough for MS-SSIM's five scales (161 pixels a side).
        $photos = New-Item -ItemType Directory (Join-Path $root 'photos')
        New-TestImage -LiteralPath (Join-Path $photos 'one.bmp') -Width 200 -Height 170 -Seed 1 | Out-Null
        New-TestImage -LiteralPath (Join-Path $photos 'two [b].bmp') -Width 200 -Height 170 -Seed 2 | Out-Null
        New-TestImage -LiteralPath (Join-Path $photos 'only here.bmp') -Width 200 -Height 170 -Seed 3 | Out-Null
        $restored = Join-Path $root 'restored'
        Get-ChildItem -LiteralPath $photos -Filter '*.bmp' | Where-Object Name -ne 'only here.bmp' |
            ConvertTo-TextSketch -Caption 'test' | Expand-TextSketch -DestinationPath $restored -Decoder Preview | Out-Null
        $one = Join-Path $photos 'one.bmp'
    }

    AfterAll {
        Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'gives perfect scores for an image against itself' {
        $q = Measure-TextSketch -ReferencePath $one -Path $one
        $q | Should -BeOfType ([TextSketch.TextSketchQuality])
        [double]::IsPositiveInfinity($q.Psnr) | Should -BeTrue
        $q.Ssim | Should -Be 1
        $q.MsSsim | Should -Be 1
        $q.EdgeF1 | Should -Be 1
        $q.FeatureDistance | Should -Be 0
        $q.ClipDistance | Should -BeNullOrEmpty
        $q.Resampled | Should -BeFalse
        ($q | Out-String) | Should -Match 'inf'
    }

    It 'fits its table in an 80-column console, every header whole' {
        $q = Measure-TextSketch -ReferencePath $one -Path $one
        $lines = @(($q | Format-Table | Out-String -Width 80) -split "`r?`n" | Where-Object { $_.Trim() })
        $lines[0] -split '\s+' | Where-Object { $_ } | Should -Be @('Name', 'Psnr', 'Ssim', 'MsSsim', 'EdgeF1', 'FeatureDistance', 'ClipDistance')
        $lines.Count | Should -Be 3 -Because ($lines -join "`n")
    }

    It 'scores a reconstruction below perfect, with every metric in range' {
        $q = Measure-TextSketch -ReferencePath $one -Path (Join-Path $restored 'one.png')
        $q.Psnr | Should -BeGreaterThan 5
        $q.Psnr | Should -BeLessThan 60
        $q.Ssim | Should -BeLessThan 1
        $q.MsSsim | Should -BeGreaterThan 0
        $q.MsSsim | Should -BeLessThan 1
        $q.EdgeF1 | Should -BeGreaterOrEqual 0
        $q.EdgeF1 | Should -BeLessOrEqual 1
        $q.FeatureDistance | Should -BeGreaterThan 0
        $q.Width | Should -Be 200
        $q.Height | Should -Be 170
    }

    It 'pairs piped files with the reference folder by base name, brackets and spaces included' {
        $q = Get-ChildItem -LiteralPath $restored | Measure-TextSketch -ReferencePath $photos
        $q.Count | Should -Be 2
        ($q.ReferencePath | ForEach-Object { Split-Path $_ -Leaf }) | Should -Be @('one.bmp', 'two [b].bmp')
        ($q.Path | ForEach-Object { Split-Path $_ -Leaf }) | Should -Be @('one.png', 'two [b].png')
    }

    It 'takes ReferencePath/Path pairs from the pipeline by property name' {
        $pairs = @(
            [pscustomobject]@{ ReferencePath = $one; Path = $one }
            [pscustomobject]@{ ReferencePath = $one; Path = (Join-Path $restored 'one.png') }
        )
        $q = $pairs | Measure-TextSketch
        $q.Count | Should -Be 2
        [double]::IsPositiveInfinity($q[0].Psnr) | Should -BeTrue
        [double]::IsPositiveInfinity($q[1].Psnr) | Should -BeFalse
    }

    It 'compares an image of another size at the reference size' {
        $small = Join-Path $root 'small.bmp'
        New-TestImage -LiteralPath $small -Width 100 -Height 85 -Seed 1 | Out-Null
        $q = Measure-TextSketch -ReferencePath $one -Path $small
        $q.Resampled | Should -BeTrue
        $q.Width | Should -Be 200
        $q.Psnr | Should -BeGreaterThan 15
    }

    It 'summarises two folders as a set with a feature Fréchet distance' {
        $set = Measure-TextSketch -ReferencePath $photos -Path $restored -WarningVariable warn 3>$null
        $set | Should -BeOfType ([TextSketch.TextSketchQualitySet])
        $set.Count | Should -Be 2
        $set.Pairs.Count | Should -Be 2
        $set.OnlyInReference | Should -Be @('only here')
        $set.OnlyInPath.Count | Should -Be 0
        $set.FeatureFrechetDistance | Should -BeGreaterThan 0
        $set.Psnr | Should -Be (($set.Pairs.Psnr | Measure-Object -Average).Average)
        $warn.Count | Should -Be 1
        ($set | Out-String) | Should -Match 'FeatureFrechetDistance'
    }

    It 'a folder against itself has a Fréchet distance of zero' {
        $set = Measure-TextSketch -ReferencePath $photos -Path $photos
        $set.Count | Should -Be 3
        $set.FeatureFrechetDistance | Should -BeLessThan 1e-3
        $set.FeatureDistance | Should -Be 0
    }

    It 'reports a bad pair as an error with an ErrorId and goes on' {
        $bad = Join-Path $root 'not-an-image.png'
        Set-Content -LiteralPath $bad -Value 'hello'
        $q = Measure-TextSketch -ReferencePath $one -Path $bad, $one -ErrorVariable errs -ErrorAction SilentlyContinue
        @($q).Count | Should -Be 1
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -Match '^Image'
        $errs[0].TargetObject | Should -Be $bad
    }

    It 'reports a missing reference and a reference folder without a namesake' {
        Measure-TextSketch -ReferencePath (Join-Path $root 'nope.png') -Path $one -ErrorVariable errs -ErrorAction SilentlyContinue | Out-Null
        $errs[0].FullyQualifiedErrorId | Should -Match '^ReferenceNotFound'
        $stranger = Join-Path $root 'stranger.bmp'
        New-TestImage -LiteralPath $stranger -Width 40 -Height 40 | Out-Null
        Measure-TextSketch -ReferencePath $photos -Path $stranger -ErrorVariable errs2 -ErrorAction SilentlyContinue | Out-Null
        $errs2[0].FullyQualifiedErrorId | Should -Match '^ReferenceNotFound'
        $errs2[0].TargetObject | Should -Be $stranger
    }

    It 'gives the same output order whatever the throttle limit' {
        $a = Get-ChildItem -LiteralPath $restored | Measure-TextSketch -ReferencePath $photos -ThrottleLimit 1
        $b = Get-ChildItem -LiteralPath $restored | Measure-TextSketch -ReferencePath $photos -ThrottleLimit 4
        $b.Path | Should -Be $a.Path
        $b.FeatureDistance | Should -Be $a.FeatureDistance
    }

    It 'has help with a synopsis and at least two examples' {
        $help = Get-Help Measure-TextSketch -Full
        $help.Synopsis | Should -Match 'Measures'
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
    }

    It 'warns once and gives no FeatureDistance when the ResNet-18 model is missing' {
        $copy = Join-Path $root 'module-without-model/TextSketch'
        # A copy of the module without the model (and without the CUDA provider libraries, which are large and unused here).
        $source = (Resolve-Path $ModuleUnderTest).Path
        Get-ChildItem -LiteralPath $source -Recurse -File |
            Where-Object { $_.FullName -notmatch '[\\/]DnnImageModels[\\/]' -and $_.Name -notmatch 'providers_cuda' } |
            ForEach-Object {
                $target = Join-Path $copy $_.FullName.Substring($source.Length)
                New-Item -ItemType Directory -Path (Split-Path $target) -Force | Out-Null
                Copy-Item -LiteralPath $_.FullName -Destination $target
            }
        $empty = Join-Path $root 'empty-model-root'
        $output = Invoke-FreshPwsh "Import-Module '$copy'; `$q = Measure-TextSketch -ReferencePath '$one' -Path '$one','$one' -ModelRoot '$empty' -WarningVariable w 3>`$null; 'warnings=' + `$w.Count; 'null=' + (`$null -eq `$q[0].FeatureDistance); 'inf=' + [double]::IsPositiveInfinity(`$q[1].Psnr)"
        $output | Should -Contain 'warnings=1'
        $output | Should -Contain 'null=True'
        $output | Should -Contain 'inf=True'
    }
}

Describe 'Measure-TextSketch ClipDistance' {
    It 'is computed with the CLIP pack installed, 0 for identical images' {
        $repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
        $tiny = Get-TempFolder
        try {
            $generator = Join-Path $repo 'tools/TextSketch.TinyModels/TextSketch.TinyModels.csproj'
            dotnet run --project $generator -c Release -- (Join-Path $repo 'models') $tiny | Out-Null
            $a = New-TestImage -LiteralPath (Join-Path $tiny 'a.bmp') -Seed 1
            $b = New-TestImage -LiteralPath (Join-Path $tiny 'b.bmp') -Seed 4
            $same = Measure-TextSketch -ReferencePath $a.FullName -Path $a.FullName -ModelRoot $tiny
            $same.ClipDistance | Should -BeLessThan 1e-6
            $other = Measure-TextSketch -ReferencePath $a.FullName -Path $b.FullName -ModelRoot $tiny
            $other.ClipDistance | Should -BeGreaterThan 0
        }
        finally {
            Remove-Item $tiny -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}
