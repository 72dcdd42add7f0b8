BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    # Tiny packs (real layouts and signatures, random weights), generated for this run.
    $script:repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:tiny = Get-TempFolder
    $generator = Join-Path $repo 'tools/TextSketch.TinyModels/TextSketch.TinyModels.csproj'
    dotnet run --project $generator -c Release -- (Join-Path $repo 'models') $tiny | Out-Null
    if ($LASTEXITCODE -ne 0) { throw 'The tiny model packs could not be generated.' }

    $script:photos = Get-TempFolder
    New-TestImage -LiteralPath (Join-Path $photos 'one.bmp') -Seed 1 | Out-Null
    New-TestImage -LiteralPath (Join-Path $photos 'two.bmp') -Seed 2 | Out-Null
    New-TestImage -LiteralPath (Join-Path $photos 'three.bmp') -Seed 3 | Out-Null

    function Start-FileServer {
        # Serves a folder over HTTP on 127.0.0.1 (HttpListener in its own runspace) until Stop-FileServer.
        param([Parameter(Mandatory)][string] $Root)
        $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $probe.Start(); $port = $probe.LocalEndpoint.Port; $probe.Stop()
        $listener = [System.Net.HttpListener]::new()
        $listener.Prefixes.Add("http://127.0.0.1:$port/")
        $listener.Start()
        $shell = [powershell]::Create()
        $null = $shell.AddScript({
                param($listener, $root)
                while ($listener.IsListening) {
                    try { $context = $listener.GetContext() } catch { break }
                    $file = Join-Path $root ([Uri]::UnescapeDataString($context.Request.Url.AbsolutePath.TrimStart('/')))
                    if (Test-Path -LiteralPath $file -PathType Leaf) {
                        $bytes = [IO.File]::ReadAllBytes($file)
                        $context.Response.ContentLength64 = $bytes.Length
                        $context.Response.OutputStream.Write($bytes, 0, $bytes.Length)
                    }
                    else { $context.Response.StatusCode = 404 }
                    $context.Response.Close()
                }
            }).AddArgument($listener).AddArgument($Root)
        $null = $shell.BeginInvoke()
        [pscustomobject]@{ Uri = "http://127.0.0.1:$port/"; Listener = $listener; Shell = $shell }
    }

    function Stop-FileServer {
        param($Server)
        $Server.Listener.Stop()
        $Server.Listener.Close()
        $Server.Shell.Dispose()
    }
}

AfterAll {
    Remove-Item $tiny, $photos -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Get-TextSketchModel' {
    It 'lists the shipped packs, installed or not' {
        $empty = Get-TempFolder
        $packs = Get-TextSketchModel -ModelRoot $empty
        $packs.Name | Should -Contain 'hed'
        $packs.Name | Should -Contain 'florence2-base'
        $packs.Name | Should -Contain 'clip-vit-b32'
        $packs.Name | Should -Contain 'pidinet'
        $packs.Name | Should -Contain 'sd15-softedge'
        ($packs | Where-Object Name -eq 'hed').Installed | Should -BeFalse
        ($packs | Where-Object Name -eq 'hed').Kind | Should -Be 'Sketch'
        ($packs | Where-Object Name -eq 'hed').Path | Should -Be (Join-Path $empty 'hed')
        Remove-Item $empty -Recurse -Force
    }

    It 'sees packs in $env:TEXTSKETCH_MODELS and reports their size' {
        $env:TEXTSKETCH_MODELS = $tiny
        try {
            $hed = Get-TextSketchModel -Name hed
            $hed.Installed | Should -BeTrue
            $hed.SizeBytes | Should -Be (Get-Item (Join-Path $tiny 'hed/hed.onnx')).Length
            @(Get-TextSketchModel -Installed -Name '*').Count | Should -BeGreaterOrEqual 3
        }
        finally { Remove-Item Env:TEXTSKETCH_MODELS }
    }

    It 'takes a relative $env:TEXTSKETCH_MODELS from the current location, as -ModelRoot is (not the process''s working folder)' {
        $process = [Environment]::CurrentDirectory
        Push-Location (Split-Path $tiny)
        try {
            [Environment]::CurrentDirectory = $PSHOME   # PowerShell does not move it with Set-Location
            $env:TEXTSKETCH_MODELS = Split-Path $tiny -Leaf
            $hed = Get-TextSketchModel -Name hed
            $hed.Installed | Should -BeTrue
            $hed.Path | Should -Be (Join-Path $tiny 'hed')
            $record = ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'one.bmp') -SketchModel hed -Caption 'a disc'
            $record.SketchModel | Should -Be 'hed'
        }
        finally {
            Remove-Item Env:TEXTSKETCH_MODELS
            [Environment]::CurrentDirectory = $process
            Pop-Location
        }
    }

    It 'reports an unknown name' {
        Get-TextSketchModel -Name nosuchpack -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'ModelPackUnknown*'
    }
}

Describe 'Install-TextSketchModel' {
    BeforeEach {
        $script:root = Get-TempFolder
    }

    AfterEach {
        Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'installs a shipped pack from a mirror the user trusts, pinning the hashes the manifest lacks' {
        # The mirror holds the files at the same relative paths as the pack's source (hed.json: annotators/hed.onnx).
        $mirror = Join-Path $root 'mirror'
        New-Item -ItemType Directory (Join-Path $mirror 'hed/annotators') | Out-Null
        Copy-Item (Join-Path $tiny 'hed/hed.onnx') (Join-Path $mirror 'hed/annotators/hed.onnx')
        $server = Start-FileServer -Root $mirror
        try {
            $pack = Install-TextSketchModel -Name hed -Mirror "$($server.Uri)hed/" -TrustMirror -ModelRoot (Join-Path $root 'models') -WarningVariable notices -WarningAction SilentlyContinue
        }
        finally { Stop-FileServer $server }
        $pack.Installed | Should -BeTrue
        $pack.Name | Should -Be 'hed'
        (Get-FileHash (Join-Path $root 'models/hed/hed.onnx')).Hash | Should -Be (Get-FileHash (Join-Path $tiny 'hed/hed.onnx')).Hash
        ($notices -join "`n") | Should -Match "pinned [0-9a-f]{64} .* from the trusted mirror's copy"
        $installed = Get-Content (Join-Path $root 'models/hed/manifest.json') -Raw | ConvertFrom-Json
        $installed.files[0].sha256 | Should -Be (Get-FileHash (Join-Path $tiny 'hed/hed.onnx')).Hash.ToLowerInvariant()
    }

    It 'takes a folder path as -Mirror (absolute, relative to the current location, or ~), as its help shows (-Mirror ~/.nuget/packages/)' {
        $mirror = Join-Path $root 'mirror folder'
        New-Item -ItemType Directory (Join-Path $mirror 'annotators') | Out-Null
        Copy-Item (Join-Path $tiny 'hed/hed.onnx') (Join-Path $mirror 'annotators/hed.onnx')
        $expected = (Get-FileHash (Join-Path $tiny 'hed/hed.onnx')).Hash
        $pack = Install-TextSketchModel -Name hed -Mirror $mirror -TrustMirror -ModelRoot (Join-Path $root 'absolute') -WarningAction SilentlyContinue -ErrorAction Stop
        $pack.Installed | Should -BeTrue
        (Get-FileHash (Join-Path $root 'absolute/hed/hed.onnx')).Hash | Should -Be $expected
        Push-Location $root
        try {
            $pack = Install-TextSketchModel -Name hed -Mirror './mirror folder' -TrustMirror -ModelRoot (Join-Path $root 'relative') -WarningAction SilentlyContinue -ErrorAction Stop
        }
        finally { Pop-Location }
        $pack.Installed | Should -BeTrue
        (Get-FileHash (Join-Path $root 'relative/hed/hed.onnx')).Hash | Should -Be $expected
        # ~ is the FileSystem provider's home folder.
        $fileSystem = Get-PSProvider FileSystem
        $savedHome = $fileSystem.Home
        try {
            $fileSystem.Home = $root
            $pack = Install-TextSketchModel -Name hed -Mirror '~/mirror folder/' -TrustMirror -ModelRoot (Join-Path $root 'home') -WarningAction SilentlyContinue -ErrorAction Stop
        }
        finally { $fileSystem.Home = $savedHome }
        $pack.Installed | Should -BeTrue
    }

    It 'refuses a -Mirror that is neither an http, https or file URI nor a folder, before downloading anything' {
        $models = Join-Path $root 'models'
        { Install-TextSketchModel -Name hed -Mirror (Join-Path $root 'no such folder') -TrustMirror -ModelRoot $models -ErrorAction Stop } |
            Should -Throw -ErrorId 'MirrorInvalid,TextSketch.Commands.InstallTextSketchModelCommand'
        { Install-TextSketchModel -Name hed -Mirror 'ftp://models.example.internal/hed/' -TrustMirror -ModelRoot $models -ErrorAction Stop } |
            Should -Throw -ErrorId 'MirrorInvalid,TextSketch.Commands.InstallTextSketchModelCommand'
        Test-Path $models | Should -BeFalse
    }

    It 'refuses files without a known hash from a mirror unless -TrustMirror, before downloading anything' {
        $mirror = Join-Path $root 'mirror'
        New-Item -ItemType Directory (Join-Path $mirror 'annotators') | Out-Null
        Copy-Item (Join-Path $tiny 'hed/hed.onnx') (Join-Path $mirror 'annotators/hed.onnx')
        $models = Join-Path $root 'models'
        Install-TextSketchModel -Name hed -Mirror ([Uri]::new("$mirror/")) -ModelRoot $models -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'ModelMirrorUntrusted*'
        $problems[0].CategoryInfo.Category | Should -Be 'SecurityError'
        $problems[0].Exception.Message | Should -Match 'no sha256 for hed\.onnx.*-TrustMirror'
        Test-Path (Join-Path $models 'hed') | Should -BeFalse
        Test-Path (Join-Path $models '.partial') | Should -BeFalse
    }

    It 'fails at install, naming the file and the reason, when the mirror serves 4 KB of random bytes as hed.onnx' {
        # The issue's case: it used to install ("Installed: True") and fail only at first use.
        $mirror = Join-Path $root 'mirror'
        New-Item -ItemType Directory (Join-Path $mirror 'annotators') | Out-Null
        $random = [byte[]]::new(4096); [Random]::new(14).NextBytes($random)
        [IO.File]::WriteAllBytes((Join-Path $mirror 'annotators/hed.onnx'), $random)
        $models = Join-Path $root 'models'
        Install-TextSketchModel -Name hed -Mirror ([Uri]::new("$mirror/")) -TrustMirror -ModelRoot $models -ErrorVariable problems -ErrorAction SilentlyContinue -WarningVariable notices -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        $problems | Should -HaveCount 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'ModelLoadFailed*'
        $problems[0].TargetObject | Should -Be 'hed'
        $problems[0].Exception.Message | Should -Match "^'hed\.onnx' of the pack 'hed' \(from '.*annotators/hed\.onnx'\) is not a model the pack can use: .*nothing was installed\.$"
        ($notices -join "`n") | Should -Not -Match 'pinned'
        (Get-TextSketchModel -Name hed -ModelRoot $models).Installed | Should -BeFalse
        Get-ChildItem $models -Recurse -File -Filter 'hed.onnx*' | Should -BeNullOrEmpty
    }

    It '-WhatIf gives the download size (an archive, not its extracted files) and how each file is verified' {
        $models = Join-Path $root 'models'
        $module = (Resolve-Path $ModuleUnderTest).Path
        $output = Invoke-FreshPwsh "Import-Module '$module'; Install-TextSketchModel -Name onnxruntime-cuda, hed, pidinet -ModelRoot '$models' -WhatIf" | Out-String -Width 1000
        $output = $output -replace '\s+', ' '
        if (($IsLinux -or $IsWindows) -and [Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture -eq 'X64') {
            $archive = if ($IsWindows) { '153.0 MiB' } else { '233.6 MiB' }
            $output | Should -Match ([regex]::Escape("Install model pack 'onnxruntime-cuda' (3 files from 1 archive, download $archive) from api.nuget.org; every file checked against the sha256 in the manifest"))
        }
        $output | Should -Match ([regex]::Escape("Install model pack 'hed' (1 file, download size unknown (the manifest gives none)) from huggingface.co; no sha256 in the manifest: each file's hash is pinned from this first download (with a warning); the ONNX model is loaded and signature-checked before the pack counts as installed"))
        # pidinet downloads the authors' checkpoint (2,871,148 bytes) and converts it here: the checkpoint is what is counted.
        $output | Should -Match ([regex]::Escape("Install model pack 'pidinet' (1 file converted on this machine, download 2.7 MiB) from github.com; every file checked against the sha256 in the manifest; the ONNX model is loaded and signature-checked before the pack counts as installed"))
        Test-Path $models | Should -BeFalse
    }

    It 'reports a 404 and installs nothing' {
        $server = Start-FileServer -Root $tiny
        try {
            Install-TextSketchModel -Name hed -Mirror "$($server.Uri)missing/" -TrustMirror -ModelRoot $root -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        finally { Stop-FileServer $server }
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'ModelDownloadNotFound*'
        $problems[0].TargetObject | Should -Be 'hed'
        Test-Path (Join-Path $root 'hed') | Should -BeFalse
    }

    It 'installs a pack of your own from its manifest, and leaves it alone unless forced' {
        $mine = Join-Path $root 'source'
        New-Item -ItemType Directory $mine | Out-Null
        Copy-Item (Join-Path $tiny 'hed/hed.onnx') (Join-Path $mine 'edges.onnx')
        Set-Content (Join-Path $mine 'manifest.json') '{ "name": "my-hed", "kind": "Sketch", "files": [ { "path": "edges.onnx", "role": "hed" } ] }'
        $models = Join-Path $root 'models'

        Install-TextSketchModel -Manifest (Join-Path $mine 'manifest.json') -ModelRoot $models -WhatIf | Should -BeNullOrEmpty
        Test-Path (Join-Path $models 'my-hed') | Should -BeFalse

        $pack = Install-TextSketchModel -Manifest (Join-Path $mine 'manifest.json') -ModelRoot $models -WarningAction SilentlyContinue
        $pack.Installed | Should -BeTrue
        (Get-TextSketchModel -ModelRoot $models -Name my-hed).Installed | Should -BeTrue

        $stamp = (Get-Item (Join-Path $models 'my-hed/edges.onnx')).LastWriteTimeUtc
        Start-Sleep -Milliseconds 50
        Install-TextSketchModel -Manifest (Join-Path $mine 'manifest.json') -ModelRoot $models | Out-Null
        (Get-Item (Join-Path $models 'my-hed/edges.onnx')).LastWriteTimeUtc | Should -Be $stamp
        Install-TextSketchModel -Manifest (Join-Path $mine 'manifest.json') -ModelRoot $models -Force -WarningAction SilentlyContinue | Out-Null
        (Get-Item (Join-Path $models 'my-hed/edges.onnx')).LastWriteTimeUtc | Should -BeGreaterThan $stamp

        # The user's own sketch pack works with ConvertTo-TextSketch.
        $record = ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'one.bmp') -SketchModel my-hed -ModelRoot $models -Caption ''
        $record.SketchBits | Should -BeGreaterThan 0
    }

    It 'refuses a manifest whose files escape the pack folder' {
        $evil = Join-Path $root 'evil.json'
        Set-Content $evil '{ "name": "evil", "kind": "Sketch", "files": [ { "path": "../outside.onnx" } ] }'
        Install-TextSketchModel -Manifest $evil -ModelRoot (Join-Path $root 'models') -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'ModelPathEscapes*'
        Test-Path (Join-Path $root 'outside.onnx') | Should -BeFalse
    }

    It 'names the known packs for an unknown name' {
        Install-TextSketchModel -Name nosuchpack -ModelRoot $root -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'ModelPackUnknown*'
        $problems[0].Exception.Message | Should -Match 'florence2-base'
        $problems[0].Exception.Message | Should -Not -Match 'Did you mean'
    }

    It 'suggests the closest pack for a typo and installs nothing' {
        Install-TextSketchModel -Name pidnet -ModelRoot $root -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'ModelPackUnknown*'
        $problems[0].Exception.Message | Should -BeLike "No model pack named 'pidnet' is known. Did you mean 'pidinet'? It is not installed; install it with: Install-TextSketchModel -Name pidinet. Known packs: clip-vit-b32, *, sd15-softedge. For a pack of your own*"
        Get-ChildItem $root -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'A mistyped pack name' {
    It 'for <Command> names the known <Kind> packs and the closest, never an install of the typo' -TestCases @(
        @{ Command = 'ConvertTo-TextSketch -SketchModel'; Kind = 'sketch'; Typo = 'pidnet'; Closest = 'pidinet'; Run = { param($m) ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'one.bmp') -Caption x -SketchModel pidnet -ModelRoot $m -ErrorAction Stop } }
        @{ Command = 'Expand-TextSketch -ModelPack'; Kind = 'diffusion'; Typo = 'sd15-cany'; Closest = 'sd15-canny'; Run = { param($m) ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'one.bmp') -Caption x | Expand-TextSketch -DestinationPath (Join-Path $m out) -ModelPack sd15-cany -ModelRoot $m -ErrorAction Stop } }
        @{ Command = 'ConvertTo-TextSketch -Captioner'; Kind = 'captioner or clip'; Typo = 'florence-base'; Closest = 'florence2-base'; Run = { param($m) ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'one.bmp') -Captioner florence-base -ModelRoot $m -ErrorAction Stop } }
    ) {
        $empty = Get-TempFolder
        try {
            { & $Run $empty } | Should -Throw -ErrorId 'ModelPackUnknown*' -ExpectedMessage "No model pack named '$Typo' is known. Did you mean '$Closest'? It is not installed; install it with: Install-TextSketchModel -Name $Closest. Known $Kind packs: *"
            try { & $Run $empty } catch { $_.Exception.Message | Should -Not -BeLike "*-Name $Typo*" }
        }
        finally { Remove-Item $empty -Recurse -Force }
    }

    It 'for Get-TextSketchModel suggests the closest known or installed pack' {
        Get-TextSketchModel -Name sd15-softegde -ModelRoot $tiny -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'ModelPackUnknown*'
        $problems[0].Exception.Message | Should -BeLike "No model pack named 'sd15-softegde' is known. Did you mean 'sd15-softedge'? Known packs: *"
    }

    It 'for a pack of another kind says which kind the parameter takes' {
        { ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'one.bmp') -Caption x -SketchModel sd15-canny -ModelRoot $tiny -ErrorAction Stop } |
            Should -Throw -ErrorId 'ModelPackWrongKind*' -ExpectedMessage "The model pack 'sd15-canny' is a Diffusion pack; -SketchModel needs a Sketch pack. Known sketch packs: hed*pidinet*"
    }
}

Describe 'ConvertTo-TextSketch with model packs' {
    BeforeAll { $env:TEXTSKETCH_MODELS = $tiny }
    AfterAll { Remove-Item Env:TEXTSKETCH_MODELS -ErrorAction SilentlyContinue }

    It 'captions with florence2-base and sketches with hed, deterministically' {
        $first = Get-ChildItem $photos | ConvertTo-TextSketch -Captioner florence2-base -SketchModel hed -ThrottleLimit 2
        $second = Get-ChildItem $photos | ConvertTo-TextSketch -Captioner florence2-base -SketchModel hed -ThrottleLimit 1
        $first.Count | Should -Be 3
        $first | ForEach-Object { $_.CaptionSource | Should -Be 'Model'; $_.Caption | Should -Not -BeNullOrEmpty }
        for ($i = 0; $i -lt 3; $i++) {
            $first[$i].Caption | Should -Be $second[$i].Caption
            [Convert]::ToBase64String($first[$i].SketchBytes) | Should -Be ([Convert]::ToBase64String($second[$i].SketchBytes))
            $first[$i].TotalBytes | Should -Be $second[$i].TotalBytes
        }
    }

    It 'sketches with the tiny pidinet pack and names it in the record' {
        $r = ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'one.bmp') -SketchModel pidinet -Caption ''
        $r.SketchModel | Should -Be 'pidinet'
        $r.SketchWidth | Should -Be 96
    }

    It 'keeps an explicit caption over the captioner' {
        $r = ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'one.bmp') -Captioner florence2-base -Caption 'mine'
        $r.CaptionSource | Should -Be 'Explicit'
        $r.Caption | Should -Be 'mine'
    }

    It 'inverts a CLIP prompt of -PromptTokens words' {
        $r = ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'two.bmp') -Captioner clip-vit-b32 -PromptTokens 3 -Mode Text
        $r.CaptionSource | Should -Be 'Model'
        @($r.Caption -split ' ').Count | Should -BeLessOrEqual 3
    }

    It 'names the install command when a pack is missing' {
        $empty = Get-TempFolder
        { ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'one.bmp') -SketchModel hed -ModelRoot $empty -ErrorAction Stop } |
            Should -Throw -ErrorId 'ModelPackNotInstalled*' -ExpectedMessage '*Install-TextSketchModel -Name hed*'
        Remove-Item $empty -Recurse -Force
    }

    It 'lists expected and found inputs for a pack with the wrong signature' {
        $wrong = Get-TempFolder
        New-Item -ItemType Directory (Join-Path $wrong 'hed') | Out-Null
        Copy-Item (Join-Path $tiny 'clip-vit-b32/onnx/text_model.onnx') (Join-Path $wrong 'hed/hed.onnx')
        Set-Content (Join-Path $wrong 'hed/manifest.json') '{ "name": "hed", "kind": "Sketch", "files": [ { "path": "hed.onnx", "role": "hed" } ] }'
        { ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'one.bmp') -SketchModel hed -ModelRoot $wrong -ErrorAction Stop } |
            Should -Throw -ErrorId 'ModelSignatureMismatch*' -ExpectedMessage '*missing input input: float*Found inputs input_ids*'
        Remove-Item $wrong -Recurse -Force
    }

    It 'keeps the best of -Candidates records: the chosen index makes the record''s own seed' {
        $plain = ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'three.bmp') -Caption 'a photo of a cat'
        $chosen = ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'three.bmp') -Caption 'a photo of a cat' -Candidates 2
        # The seed is derived from the record's bytes (its checksum), and the stored index is part of them.
        $chosen.Seed | Should -Not -Be $plain.Seed
        $chosen.TotalBytes | Should -BeGreaterOrEqual $plain.TotalBytes
        $chosen.Caption | Should -Be $plain.Caption
        (Import-TextSketch -LiteralPath ($chosen | ForEach-Object { $f = Join-Path $photos 'three-chosen.tsk'; [IO.File]::WriteAllBytes($f, $_.GetBytes()); $f })).Seed | Should -Be $chosen.Seed
    }

    It 'refuses -PromptTokens without a CLIP captioner' {
        { ConvertTo-TextSketch -LiteralPath (Join-Path $photos 'one.bmp') -PromptTokens 8 -ErrorAction Stop } |
            Should -Throw -ErrorId 'PromptTokensWithoutCaptioner*'
    }
}
