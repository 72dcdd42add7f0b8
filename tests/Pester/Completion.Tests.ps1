BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    function Complete {
        # The texts TabExpansion2 offers at the end of a command line.
        param([Parameter(Mandatory)][string] $Line)
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText)
    }

    function New-InstalledPack {
        # A pack folder that counts as installed (its manifest and its one file), of the given kind.
        param([string] $Root, [string] $Name, [string] $Kind)
        $folder = New-Item -ItemType Directory -Force (Join-Path $Root $Name)
        Set-Content (Join-Path $folder 'weights.bin') 'x' -NoNewline
        Set-Content (Join-Path $folder 'manifest.json') "{ `"name`": `"$Name`", `"kind`": `"$Kind`", `"description`": `"mine`", `"files`": [ { `"path`": `"weights.bin`", `"size`": 1 } ] }"
    }

    $script:root = Get-TempFolder
    New-InstalledPack -Root $root -Name 'my-sd' -Kind Diffusion
    New-InstalledPack -Root $root -Name 'my-edges' -Kind Sketch
    New-InstalledPack -Root $root -Name 'my-captions' -Kind Captioner
    $script:empty = Get-TempFolder
}

AfterAll {
    Remove-Item $root, $empty -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Pack names complete by kind' {
    It 'Expand-TextSketch -ModelPack offers diffusion packs only' {
        $offered = Complete "Expand-TextSketch -ModelRoot '$empty' -ModelPack "
        $offered | Should -Be @('sd15-canny', 'sd15-hed', 'sd15-softedge')
    }

    It 'ConvertTo-TextSketch -ModelPack, -Captioner and -SketchModel offer their kinds, with the packs installed in -ModelRoot' {
        Complete "ConvertTo-TextSketch -ModelRoot '$root' -ModelPack " | Should -Be @('my-sd', 'sd15-canny', 'sd15-hed', 'sd15-softedge')
        Complete "ConvertTo-TextSketch -ModelRoot '$root' -Captioner " | Should -Be @('clip-vit-b32', 'florence2-base', 'my-captions')
        $sketch = Complete "ConvertTo-TextSketch -ModelRoot '$root' -SketchModel "
        $sketch[0] | Should -Be 'builtin'
        $sketch | Should -Contain 'hed'
        $sketch | Should -Contain 'pidinet'
        $sketch | Should -Contain 'my-edges'
        $sketch | Should -Not -Contain 'florence2-base'
        $sketch | Should -Not -Contain 'sd15-canny'
    }

    It 'completes from the typed prefix' {
        Complete "ConvertTo-TextSketch -ModelRoot '$empty' -Captioner fl" | Should -Be @('florence2-base')
        Complete "Expand-TextSketch -ModelRoot '$empty' -ModelPack sd15-h" | Should -Be @('sd15-hed')
        Complete "ConvertTo-TextSketch -ModelRoot '$empty' -SketchModel bu" | Should -Be @('builtin')
        Complete "ConvertTo-TextSketch -ModelRoot '$empty' -SketchModel " | Should -Be @('builtin', 'hed', 'pidinet')
    }

    It 'Get-TextSketchModel -Name offers every shipped and installed pack; Install-TextSketchModel -Name the shipped ones' {
        $shipped = (Get-TextSketchModel -ModelRoot $empty).Name
        $get = Complete "Get-TextSketchModel -ModelRoot '$root' -Name "
        foreach ($name in $shipped + 'my-sd', 'my-edges', 'my-captions') { $get | Should -Contain $name }
        $install = Complete "Install-TextSketchModel -ModelRoot '$root' -Name "
        $install | Should -Be @($shipped)
        $install | Should -Contain 'onnxruntime-cuda'
    }

    It 'reads $env:TEXTSKETCH_MODELS when -ModelRoot is not typed, and a relative -ModelRoot from the current location' {
        $env:TEXTSKETCH_MODELS = $root
        try { Complete 'Expand-TextSketch -ModelPack my' | Should -Be @('my-sd') }
        finally { Remove-Item Env:TEXTSKETCH_MODELS }
        Push-Location (Split-Path $root)
        try { Complete "Expand-TextSketch -ModelRoot ./$(Split-Path $root -Leaf) -ModelPack my" | Should -Be @('my-sd') }
        finally { Pop-Location }
    }

    It 'says in the tooltip what a pack is and whether it is installed' {
        $line = "ConvertTo-TextSketch -ModelRoot '$root' -Captioner my"
        $match = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | Select-Object -First 1
        $match.ToolTip | Should -Be 'Captioner, installed: mine'
    }

    It 'takes builtin as the built-in detector' {
        $photo = Join-Path $empty 'p.bmp'
        New-TestImage -LiteralPath $photo | Out-Null
        $builtin = ConvertTo-TextSketch -LiteralPath $photo -SketchModel builtin -Caption ''
        $default = ConvertTo-TextSketch -LiteralPath $photo -Caption ''
        $builtin.TskBytes | Should -Be $default.TskBytes
    }
}
