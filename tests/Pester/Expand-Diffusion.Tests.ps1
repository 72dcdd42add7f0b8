BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    # Tiny packs with the real packs' layout and ONNX signatures (sd15-canny: float16, sd15-hed: float32), written
    # by the TinyModels tool into a temporary model root. Their model resolution is shrunk (sampleSize 16 = 128 px
    # short side) so each decode takes a fraction of a second.
    $script:repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:root = Get-TempFolder
    $script:models = Join-Path $root 'models'
    $generator = Join-Path $repo 'tools/TextSketch.TinyModels/TextSketch.TinyModels.csproj'
    # The Test task builds the tool (the xunit project references it); otherwise dotnet run builds it.
    $built = Join-Path $repo 'tools/TextSketch.TinyModels/bin/Release/net10.0/TextSketch.TinyModels.dll'
    $out = if (Test-Path $built) { & dotnet $built (Join-Path $repo 'models') $models 2>&1 }
    else { & dotnet run --project $generator -c Release -- (Join-Path $repo 'models') $models 2>&1 }
    if ($LASTEXITCODE -ne 0) { throw "TinyModels failed: $out" }
    foreach ($pack in Get-ChildItem -LiteralPath $models -Directory) {
        $manifestPath = Join-Path $pack.FullName 'manifest.json'
        $manifest = Get-Content -LiteralPath $manifestPath -Raw | ConvertFrom-Json
        if ($manifest.kind -eq 'Diffusion') {
            $manifest.settings.sampleSize = 16
            $manifest | ConvertTo-Json -Depth 10 | Set-Content -LiteralPath $manifestPath
        }
    }

    $photos = New-Item -ItemType Directory (Join-Path $root 'photos')
    New-TestImage -LiteralPath (Join-Path $photos 'one.bmp') -Width 120 -Height 80 -Seed 1 | Out-Null
    New-TestImage -LiteralPath (Join-Path $photos 'two.bmp') -Width 64 -Height 96 -Seed 2 | Out-Null
    $script:records = Get-ChildItem -LiteralPath $photos | ConvertTo-TextSketch -Caption 'a photo of a cat'

    function script:Get-Hash([string] $Path) { (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash }
}

AfterAll {
    Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Expand-TextSketch -Decoder Diffusion' {
    It 'Auto picks the diffusion decoder when a pack is installed and writes images of the original size' {
        $out = Join-Path $root 'auto'
        $files = $records | Expand-TextSketch -DestinationPath $out -ModelRoot $models -WarningVariable warn -Verbose 4>&1 |
            Tee-Object -Variable all | Where-Object { $_ -is [IO.FileInfo] }
        # No Preview warning; at most the one warning that explains a CPU fallback.
        @($warn).Count | Should -BeLessOrEqual 1
        if ($warn) { $warn[0] | Should -Match 'runs on the CPU because CUDA cannot be used: .*(libcudnn|libcublas|libcudart|provider)' }
        $files.Name | Should -Be @('one.png', 'two.png')
        (Get-PngSize $files[0].FullName).Width | Should -Be 120
        (Get-PngSize $files[0].FullName).Height | Should -Be 80
        (Get-PngSize $files[1].FullName).Width | Should -Be 64
        (Get-PngSize $files[1].FullName).Height | Should -Be 96
        $verbose = ($all | Where-Object { $_ -is [Management.Automation.VerboseRecord] }).Message -join "`n"
        $verbose | Should -Match "pack 'sd15-canny' on CPUExecutionProvider"
        $verbose | Should -Match 'unet .* ms/step'
    }

    It 'is deterministic per seed, and -Seed overrides the record''s seed' {
        $a = $records[0] | Expand-TextSketch -DestinationPath (Join-Path $root 'det-a') -Decoder Diffusion -ModelRoot $models
        $b = $records[0] | Expand-TextSketch -DestinationPath (Join-Path $root 'det-b') -Decoder Diffusion -ModelRoot $models
        $c = $records[0] | Expand-TextSketch -DestinationPath (Join-Path $root 'det-c') -Decoder Diffusion -ModelRoot $models -Seed ($records[0].Seed + 1)
        $d = $records[0] | Expand-TextSketch -DestinationPath (Join-Path $root 'det-d') -Decoder Diffusion -ModelRoot $models -Seed $records[0].Seed
        Get-Hash $a.FullName | Should -Be (Get-Hash $b.FullName)
        Get-Hash $a.FullName | Should -Not -Be (Get-Hash $c.FullName)
        Get-Hash $a.FullName | Should -Be (Get-Hash $d.FullName)
    }

    It 'runs every scheduler on the <Pack> pack (<Type>)' -TestCases @(
        @{ Pack = 'sd15-canny'; Type = 'float16' }
        @{ Pack = 'sd15-hed'; Type = 'float32' }
    ) {
        foreach ($scheduler in 'UniPC', 'DDIM', 'Euler', 'LCM') {
            $steps = if ($scheduler -eq 'LCM') { 4 } else { 12 }
            $out = Join-Path $root "sched-$Pack-$scheduler"
            $file = $records[0] | Expand-TextSketch -DestinationPath $out -Decoder Diffusion -ModelPack $Pack -ModelRoot $models -Scheduler $scheduler -Steps $steps -GuidanceScale 7.5
            $file.Name | Should -Be 'one.png' -Because $scheduler
            (Get-PngSize $file.FullName).Width | Should -Be 120
        }
    }

    It 'starts from the colour hint with -Strength' {
        $file = $records[1] | Expand-TextSketch -DestinationPath (Join-Path $root 'strength') -Decoder Diffusion -ModelRoot $models -Strength 0.6 -Verbose 4>&1 |
            Tee-Object -Variable all | Where-Object { $_ -is [IO.FileInfo] }
        $file.Name | Should -Be 'two.png'
        (($all | Where-Object { $_ -is [Management.Automation.VerboseRecord] }).Message -join "`n") | Should -Match '\b15 steps'
    }

    It 'decodes Text-mode records (caption only) and .tsk files from Get-ChildItem' {
        $arch = Join-Path $root 'arch'
        Get-ChildItem -LiteralPath (Join-Path $root 'photos') -Filter 'one.bmp' | ConvertTo-TextSketch -Mode Text -Caption 'a cat' -DestinationPath $arch | Out-Null
        $file = Get-ChildItem -LiteralPath $arch -Filter *.tsk | Expand-TextSketch -DestinationPath (Join-Path $root 'text') -Decoder Diffusion -ModelRoot $models -Steps 5
        $file.Name | Should -Be 'one.png'
    }

    It 'names the install command when the pack is missing' {
        $empty = New-Item -ItemType Directory (Join-Path $root 'no-models')
        { $records | Expand-TextSketch -DestinationPath (Join-Path $root 'missing') -Decoder Diffusion -ModelRoot $empty -ErrorAction Stop } |
            Should -Throw -ErrorId 'ModelPackNotInstalled*' -ExpectedMessage '*Install-TextSketchModel -Name sd15-canny*'
        { $records | Expand-TextSketch -DestinationPath (Join-Path $root 'missing') -ModelPack sd15-hed -ModelRoot $empty -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*Install-TextSketchModel -Name sd15-hed*'
        Join-Path $root 'missing/one.png' | Should -Not -Exist
    }

    It 'falls back to Paint with one warning when Auto finds no pack' {
        $empty = Join-Path $root 'no-models'
        $files = $records | Expand-TextSketch -DestinationPath (Join-Path $root 'fallback') -ModelRoot $empty -WarningVariable warn 3>$null
        $files.Count | Should -Be 2
        $warn.Count | Should -Be 1
        $warn[0] | Should -Match 'Install-TextSketchModel -Name sd15-canny'
    }

    It 'refuses a pack whose models do not have the expected signatures, listing them' {
        $broken = Join-Path $models 'broken'
        Copy-Item (Join-Path $models 'sd15-hed') $broken -Recurse
        # A plain VAE decoder where the ControlNet-enabled UNet should be.
        Copy-Item (Join-Path $broken 'vae_decoder/model.onnx') (Join-Path $broken 'controlnet/model.onnx') -Force
        $manifest = Get-Content (Join-Path $broken 'manifest.json') -Raw | ConvertFrom-Json
        $manifest.name = 'broken'
        foreach ($f in $manifest.files) { $f.PSObject.Properties.Remove('size') }
        $manifest | ConvertTo-Json -Depth 10 | Set-Content (Join-Path $broken 'manifest.json')
        { $records[0] | Expand-TextSketch -DestinationPath (Join-Path $root 'broken-out') -ModelPack broken -ModelRoot $models -ErrorAction Stop } |
            Should -Throw -ErrorId 'ModelSignatureMismatch*' -ExpectedMessage '*missing input sample*latent_sample*'
    }

    It 'writes nothing and loads nothing under -WhatIf' {
        $out = Join-Path $root 'whatif'
        $records | Expand-TextSketch -DestinationPath $out -Decoder Diffusion -ModelRoot $models -WhatIf | Should -BeNullOrEmpty
        $out | Should -Not -Exist
    }

    It 'stops between steps when the pipeline is stopped (Ctrl+C)' {
        $out = Join-Path $root 'stopped'
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                param($Module, $Records, $Out, $Models)
                Import-Module $Module
                $Records | Expand-TextSketch -DestinationPath $Out -Decoder Diffusion -ModelRoot $Models -Steps 1000 -Scheduler DDIM
            }).AddArgument($ModuleUnderTest).AddArgument($records).AddArgument($out).AddArgument($models)
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $handle = $ps.BeginInvoke()
            # Wait until the first denoising steps have been reported, then stop.
            while ($ps.Streams.Progress.Count -lt 2 -and $clock.Elapsed.TotalSeconds -lt 60) { Start-Sleep -Milliseconds 50 }
            $ps.Streams.Progress.Count | Should -BeGreaterOrEqual 2
            $ps.Stop()
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 60
            # EndInvoke may or may not rethrow the stop, depending on when it lands; the state says what happened.
            try { $null = $ps.EndInvoke($handle) } catch { $null = $_ }
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            Get-ChildItem -LiteralPath $out -Filter *.png -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        finally {
            $ps.Dispose()
        }
    }
}
