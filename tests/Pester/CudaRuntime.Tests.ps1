BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:Module = (Resolve-Path $ModuleUnderTest).Path
    $script:Root = Get-TempFolder
    $script:Models = Join-Path $Root 'models'

    # The NuGet global packages folder has the flat container's layout (<id>/<version>/<id>.<version>.nupkg), so it
    # serves as the pack's -Mirror: the same Microsoft.ML.OnnxRuntime.Gpu.* packages the build restored.
    $line = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    $script:NuGet = $line.Trim().TrimEnd('/', '\') + [IO.Path]::DirectorySeparatorChar
    $script:Platform = if ($IsWindows) { 'win-x64' } else { 'linux-x64' }
    $script:Manifest = Get-Content (Join-Path $Repo 'models/onnxruntime-cuda.json') -Raw | ConvertFrom-Json

    function script:Invoke-ModuleSession([string] $Command) {
        # A new PowerShell session with the module imported: ONNX Runtime's library is chosen once per process.
        $saved = $env:TEXTSKETCH_MODELS
        try {
            $env:TEXTSKETCH_MODELS = $Models
            Invoke-FreshPwsh "`$ErrorActionPreference = 'Stop'; Import-Module '$Module'; $Command"
        }
        finally {
            $env:TEXTSKETCH_MODELS = $saved
        }
    }
}

AfterAll {
    Remove-Item $Root -Recurse -Force -ErrorAction SilentlyContinue
}

# ONNX Runtime publishes its CUDA build for linux-x64 and win-x64 only.
Describe 'The onnxruntime-cuda pack' -Skip:(-not (($IsLinux -or $IsWindows) -and [Runtime.InteropServices.RuntimeInformation]::OSArchitecture -eq 'X64')) {
    It 'installs this platform''s CUDA build of ONNX Runtime from the NuGet packages, each file hash-checked' {
        $photo = (Resolve-Path (Join-Path $Repo 'samples/chelsea.jpg')).Path
        # Measure-TextSketch loads ONNX Runtime (the module's CPU build) before the install, as a user's session might.
        $output = Invoke-ModuleSession @"
`$null = Measure-TextSketch -ReferencePath '$photo' -Path '$photo'
`$pack = Install-TextSketchModel -Name onnxruntime-cuda -Mirror ([System.Uri]::new('$NuGet')) -WarningVariable warnings
"PACK|`$(`$pack.Kind)|`$(`$pack.Installed)|`$(`$pack.Files -join ',')"
foreach (`$w in `$warnings) { "WARN|`$w" }
"@
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $pack = "$(@($output | Where-Object { "$_" -like 'PACK|*' })[0])" -split '\|'
        $pack[1..2] | Should -Be @('Runtime', 'True')
        $expected = @($Manifest.files | Where-Object platform -eq $Platform)
        $pack[3] -split ',' | Should -Be @($expected.path)
        foreach ($file in $expected) {
            $path = Join-Path $Models "onnxruntime-cuda/$($file.path)"
            (Get-Item $path).Length | Should -Be $file.size
            (Get-FileHash $path -Algorithm SHA256).Hash | Should -Be $file.sha256.ToUpperInvariant()
        }
        # Nothing else stays: no other platform's files, no downloaded package, no staging folder.
        (Get-ChildItem (Join-Path $Models 'onnxruntime-cuda') -Recurse -File).Count | Should -Be ($expected.Count + 1)
        Test-Path (Join-Path $Models '.partial') | Should -BeFalse
        ($output | Where-Object { "$_" -like 'WARN|*' }) -join "`n" | Should -Match 'loads in the next PowerShell session'
    }

    It 'is the ONNX Runtime a new session loads, so -Decoder Diffusion finds it' {
        # Tiny diffusion packs beside it (the TinyModels tool; the Test task has built it).
        $built = Join-Path $Repo 'tools/TextSketch.TinyModels/bin/Release/net10.0/TextSketch.TinyModels.dll'
        $out = if (Test-Path $built) { & dotnet $built (Join-Path $Repo 'models') $Models 2>&1 }
        else { & dotnet run --project (Join-Path $Repo 'tools/TextSketch.TinyModels/TextSketch.TinyModels.csproj') -c Release -- (Join-Path $Repo 'models') $Models 2>&1 }
        $LASTEXITCODE | Should -Be 0 -Because "$out"
        $manifestPath = Join-Path $Models 'sd15-canny/manifest.json'
        $tiny = Get-Content $manifestPath -Raw | ConvertFrom-Json
        $tiny.settings.sampleSize = 16
        $tiny | ConvertTo-Json -Depth 10 | Set-Content $manifestPath
        $image = New-TestImage -LiteralPath (Join-Path $Root 'one.bmp') -Width 64 -Height 64

        $output = Invoke-ModuleSession @"
`$record = ConvertTo-TextSketch -LiteralPath '$($image.FullName)' -Caption 'a test'
`$file = `$record | Expand-TextSketch -DestinationPath '$(Join-Path $Root 'out')' -Decoder Diffusion -ModelPack sd15-canny -WarningVariable warnings -Verbose 4>&1 | Tee-Object -Variable all | Where-Object { `$_ -is [IO.FileInfo] }
`$core = ([System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'TextSketch').Assemblies | Where-Object { `$_.GetName().Name -eq 'TextSketch.Core' }
"LOADED|`$(`$core.GetType('TextSketch.Core.Onnx.OnnxRuntimeLibrary').GetProperty('LoadedFromPack').GetValue(`$null))"
"PROVIDERS|`$(`$core.GetType('TextSketch.Core.Onnx.OnnxRuntimeInfo').GetMethod('CompiledProviders').Invoke(`$null, @()) -join ',')"
"FILE|`$(`$file.Name)"
foreach (`$w in `$warnings) { "WARN|`$w" }
foreach (`$v in `$all | Where-Object { `$_ -is [Management.Automation.VerboseRecord] }) { "VERBOSE|`$(`$v.Message)" }
"@
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $library = @($Manifest.files | Where-Object { $_.platform -eq $Platform -and $_.role -eq 'onnxruntime' })[0].path
        "$($output | Where-Object { "$_" -like 'LOADED|*' })" | Should -Be "LOADED|$(Join-Path $Models "onnxruntime-cuda/$library")"
        "$($output | Where-Object { "$_" -like 'PROVIDERS|*' })" | Should -Match 'CUDAExecutionProvider'
        "$($output | Where-Object { "$_" -like 'FILE|*' })" | Should -Be 'FILE|one.png'
        $warnings = ($output | Where-Object { "$_" -like 'WARN|*' }) -join "`n"
        $verbose = ($output | Where-Object { "$_" -like 'VERBOSE|*' }) -join "`n"
        if ($verbose -match 'on CUDAExecutionProvider') {
            $warnings | Should -BeNullOrEmpty
        }
        else {
            # No GPU or no CUDA libraries here: the CUDA build loaded, so the fallback names what is missing and no
            # longer says that the module's ONNX Runtime is the CPU build.
            $warnings | Should -Match 'libcudart|libcublas|libcudnn|libcuda|cudart64|nvcuda'
            $warnings | Should -Not -Match 'CPU build'
        }
    }
}
