# The pidinet pack with its real weights: installed from a mirror folder holding the authors' checkpoint (from
# ../shared/pidinet, at the URL's relative path trained_models/table5_pidinet.pth), converted on this machine, then
# used by ConvertTo-TextSketch -SketchModel pidinet.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:checkpoint = Join-Path $repo '../shared/pidinet/table5_pidinet.pth'
    if (-not (Test-Path $checkpoint)) { throw "The PiDiNet checkpoint is missing: $checkpoint (../shared/pidinet next to the repository)." }
    $script:root = Get-TempFolder
    $script:models = Join-Path $root 'models'

    function New-Mirror {
        # A folder laid out like https://github.com/hellozhuo/pidinet/raw/master/, as a file: URI with a trailing slash.
        param([string] $Path, [byte[]] $Content)
        $folder = New-Item -ItemType Directory (Join-Path $Path 'trained_models') -Force
        $target = Join-Path $folder 'table5_pidinet.pth'
        if ($Content) { [IO.File]::WriteAllBytes($target, $Content) } else { Copy-Item $checkpoint $target }
        [Uri]::new((Resolve-Path $Path).Path.TrimEnd('/') + '/')
    }
}

AfterAll {
    Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Install-TextSketchModel -Name pidinet' {
    It 'downloads the checkpoint from the mirror, converts it and keeps only the checked graph' {
        $pack = Install-TextSketchModel -Name pidinet -Mirror (New-Mirror (Join-Path $root 'mirror')) -ModelRoot $models
        $pack.Installed | Should -BeTrue
        $pack.Kind | Should -Be 'Sketch'
        $pack.Files | Should -Be @('pidinet.onnx')
        $pack.License | Should -Match 'MIT'
        $pack.License | Should -Match 'just for research purpose, and commercial use should be contacted with authors first'
        @(Get-ChildItem (Join-Path $models 'pidinet') -File).Name | Sort-Object | Should -Be @('manifest.json', 'pidinet.onnx')
        $installed = Get-Content (Join-Path $models 'pidinet/manifest.json') -Raw | ConvertFrom-Json
        $installed.files[0].sha256 | Should -Be (Get-FileHash (Join-Path $models 'pidinet/pidinet.onnx')).Hash.ToLowerInvariant()
        Test-Path (Join-Path $models '.partial') | Should -BeFalse
        (Get-TextSketchModel -Name pidinet -ModelRoot $models).Installed | Should -BeTrue
    }

    It 'refuses a damaged checkpoint and installs nothing' {
        $bytes = [IO.File]::ReadAllBytes($checkpoint)
        $bytes[1000000] = $bytes[1000000] -bxor 0x10
        $elsewhere = Join-Path $root 'other-models'
        Install-TextSketchModel -Name pidinet -Mirror (New-Mirror (Join-Path $root 'damaged') $bytes) -ModelRoot $elsewhere -ErrorVariable problems -ErrorAction SilentlyContinue |
            Should -BeNullOrEmpty
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'ModelFileHashMismatch*'
        $problems[0].TargetObject | Should -Be 'pidinet'
        Test-Path (Join-Path $elsewhere 'pidinet') | Should -BeFalse
    }
}

Describe 'Install-TextSketchModel -Manifest with a checkpoint of your own' {
    It 'gives one clear error for a trusted file that is no PiDiNet checkpoint, and installs nothing' {
        $mine = New-Item -ItemType Directory (Join-Path $root 'mine')
        $weights = Join-Path $mine 'weights.pth'
        [IO.File]::WriteAllBytes($weights, [Text.Encoding]::ASCII.GetBytes('not a checkpoint at all'))
        $hash = (Get-FileHash $weights).Hash.ToLowerInvariant()
        $manifest = Join-Path $mine 'manifest.json'
        Set-Content $manifest ('{ "name": "my-pidinet", "kind": "Sketch", "archives": [ { "uri": "weights.pth", "sha256": "' + $hash + '" } ], ' +
            '"files": [ { "path": "pidinet.onnx", "role": "pidinet", "archive": "weights.pth", "convert": "pidinet-checkpoint" } ] }')
        $target = Join-Path $root 'mine-models'
        Install-TextSketchModel -Manifest $manifest -ModelRoot $target -ErrorVariable problems -ErrorAction SilentlyContinue -WarningAction SilentlyContinue |
            Should -BeNullOrEmpty
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'CheckpointCorrupt*'
        $problems[0].Exception.Message | Should -Match "pack 'my-pidinet' is not a PiDiNet checkpoint"
        $problems[0].Exception.Message | Should -Match 'nothing was installed'
        Test-Path (Join-Path $target 'my-pidinet') | Should -BeFalse
        @(Get-ChildItem $target -Recurse -File -ErrorAction SilentlyContinue).Count | Should -Be 0
    }
}

Describe 'ConvertTo-TextSketch -SketchModel pidinet' {
    It 'sketches a sample photo, names the model in the record and its .tsk, and the sketch layer expands' {
        $photo = Join-Path $repo 'samples/chelsea.jpg'
        $tsk = Join-Path $root 'tsk'
        $record = ConvertTo-TextSketch -LiteralPath $photo -SketchModel pidinet -ModelRoot $models -DestinationPath $tsk
        $record.SketchModel | Should -Be 'pidinet'
        $record.SketchBits | Should -BeGreaterThan 400
        $record.TotalBytes | Should -BeLessOrEqual 290
        (Import-TextSketch -LiteralPath $record.Path).SketchModel | Should -Be 'pidinet'

        $layer = Expand-TextSketch -LiteralPath $record.Path -Layer Sketch -DestinationPath (Join-Path $root 'sketch')
        $size = Get-PngSize -LiteralPath $layer.FullName
        "$($size.Width)x$($size.Height)" | Should -Be "$($record.SketchWidth)x$($record.SketchHeight)"

        (ConvertTo-TextSketch -LiteralPath $photo).SketchModel | Should -Be 'builtin'
        (ConvertTo-TextSketch -LiteralPath $photo -SketchModel pidinet -ModelRoot $models -Mode Text).SketchModel | Should -BeNullOrEmpty
    }
}
