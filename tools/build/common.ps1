# Build tasks for build.ps1. Each task is a function Invoke-<Name>Task; shared paths live here.

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$script:OutDir = Join-Path $RepoRoot 'out'
$script:ModuleDir = Join-Path $OutDir 'TextSketch'
$script:PackageDir = Join-Path $OutDir 'package'
. (Join-Path $PSScriptRoot 'Packaging.ps1')

function Invoke-Native {
    # Runs a native command given as a script block and stops the build when it fails.
    param([Parameter(Mandatory)][scriptblock] $Command)
    # Output goes to the host, never into a task function's return value.
    & $Command | Out-Host
    if ($LASTEXITCODE -ne 0) {
        throw "'$Command' failed with exit code $LASTEXITCODE."
    }
}

function Invoke-BuildTask {
    param([string] $Configuration = 'Release')

    $publish = Join-Path $OutDir 'publish'
    if (Test-Path $publish) { Remove-Item $publish -Recurse -Force }
    $project = Join-Path $RepoRoot 'src/TextSketch.PowerShell/TextSketch.PowerShell.csproj'
    Invoke-Native { dotnet publish $project -c $Configuration -o $publish --nologo -v quiet }

    if (Test-Path $ModuleDir) { Remove-Item $ModuleDir -Recurse -Force }
    $dependencies = Join-Path $ModuleDir 'dependencies'
    New-Item -ItemType Directory -Path $dependencies -Force | Out-Null

    # The cmdlet assembly is the root module; everything else loads in the module's own load context.
    Copy-Item (Join-Path $publish 'TextSketch.PowerShell.dll') $ModuleDir
    Get-ChildItem $publish -File | Where-Object { $_.Extension -eq '.dll' -and $_.Name -ne 'TextSketch.PowerShell.dll' } |
        Copy-Item -Destination $dependencies
    # ONNX Runtime's native libraries: the CPU build for each platform the module ships for, from
    # Microsoft.ML.OnnxRuntime (the same release as the managed assembly). The GPU build that Core's reference to
    # Microsoft.ML.OnnxRuntime.Gpu brings into the publish folder stays out (its CUDA providers never reach a build
    # folder: Directory.Build.targets); CUDA installs on demand as the onnxruntime-cuda pack (models/onnxruntime-cuda.json).
    $packages = Get-NuGetPackageFolder
    Copy-OnnxRuntimeNative -PackagesFolder $packages -DependencyDirectory $dependencies -Runtimes @($ModuleRuntimes.Keys)

    # The pretrained ResNet-18 behind Measure-TextSketch's FeatureDistance: from the NuGet cache (never from git) into
    # dependencies/DnnImageModels, where ResNetFeatureExtractor looks beside TextSketch.Core.dll.
    $resNet = Join-Path $packages 'microsoft.ml.dnnimagefeaturizer.resnet18/0.23.1/tools/DnnImageModels'
    if (-not (Test-Path (Join-Path $resNet 'ResNet18Onnx/ResNet18.onnx'))) { throw "The ResNet-18 model is missing from $resNet." }
    Copy-Item $resNet (Join-Path $dependencies 'DnnImageModels') -Recurse

    Copy-Item (Join-Path $RepoRoot 'src/TextSketch.PowerShell/Module/*') $ModuleDir -Recurse
    Write-ModuleManifest -SourcePath (Join-Path $RepoRoot 'TextSketch.psd1') -ModuleDirectory $ModuleDir -Runtimes @($ModuleRuntimes.Keys)
    Copy-Item (Join-Path $RepoRoot 'LICENSE') $ModuleDir
    $models = Join-Path $ModuleDir 'models'
    New-Item -ItemType Directory -Path $models -Force | Out-Null
    Get-ChildItem (Join-Path $RepoRoot 'models') -Filter *.json -ErrorAction SilentlyContinue | Copy-Item -Destination $models

    # MAML help from docs/en-US, with parameter facts read from the built cmdlets (in a fresh process).
    $helpScript = Join-Path $RepoRoot 'tools/build/New-MamlHelp.ps1'
    if (Test-Path $helpScript) {
        $docs = Join-Path $RepoRoot 'docs/en-US'
        $helpOut = Join-Path $ModuleDir 'en-US'
        # Get-Help -Online opens each cmdlet's help source in the project's repository (the manifest's ProjectUri).
        $projectUri = (Import-PowerShellDataFile (Join-Path $RepoRoot 'TextSketch.psd1')).PrivateData.PSData.ProjectUri
        $online = "$projectUri/blob/main/docs/en-US/{0}.md"
        Invoke-Native { dotnet pwsh -NoProfile -NonInteractive -File $helpScript -ModulePath $ModuleDir -DocsPath $docs -OutputPath $helpOut -OnlineUriFormat $online }
    }

    # Prove the layout imports from another folder in a fresh process.
    $probe = "Set-Location ([IO.Path]::GetTempPath()); Import-Module '$ModuleDir' -ErrorAction Stop; 'Imported: ' + ((Get-Command -Module TextSketch).Name -join ', ')"
    Invoke-Native { dotnet pwsh -NoProfile -NonInteractive -Command $probe }

    Write-Host "Module laid out in $ModuleDir"
}

function Invoke-PackageTask {
    param([string] $Configuration = 'Release', [string[]] $Runtime = @('linux-x64', 'linux-arm64', 'win-x64', 'osx-arm64', 'any'))
    # One .nupkg per platform (its own ONNX Runtime natives only) and one for all of them, each made by
    # PSResourceGet's Compress-PSResource from a module folder that passed Test-ModuleManifest; plus the updatable
    # help that the manifest's HelpInfoURI names (to attach to the release).
    Invoke-BuildTask -Configuration $Configuration
    if (Test-Path $PackageDir) { Remove-Item $PackageDir -Recurse -Force }
    $rows = foreach ($rid in $Runtime) {
        $folder = Join-Path $PackageDir $rid
        $layout = New-ModuleLayout -ModulePath $ModuleDir -Runtime $rid -OutputPath (Join-Path $folder 'layout') -ManifestSource (Join-Path $RepoRoot 'TextSketch.psd1')
        $package = New-ModulePackage -LayoutPath $layout -OutputPath $folder
        [pscustomobject]@{
            Runtime      = $rid
            ModuleMB     = [Math]::Round((Get-FolderSize $layout) / 1MB, 1)
            PackageMB    = [Math]::Round($package.Length / 1MB, 1)
            Package      = $package.FullName
        }
    }
    $help = New-UpdatableHelp -ModulePath $ModuleDir -OutputPath (Join-Path $PackageDir 'help')
    $rows | Format-Table -AutoSize | Out-Host
    Write-Host "Updatable help: $(($help.Name) -join ', ') in $(Join-Path $PackageDir 'help')"
    Write-Host "Sizes in MiB (1,048,576 bytes). Install one with: Register-PSResourceRepository -Name TextSketchLocal -Uri <folder> -Trusted; Install-PSResource TextSketch -Repository TextSketchLocal"
}

function Invoke-CleanTask {
    param([string] $Configuration)
    foreach ($path in $OutDir, (Get-ChildItem $RepoRoot -Recurse -Directory -Include bin, obj -ErrorAction SilentlyContinue)) {
        if ($path -and (Test-Path $path)) { Remove-Item $path -Recurse -Force }
    }
}

function Get-NuGetPackageFolder {
    # Restores tools/packages (packages used as plain files) and returns the NuGet global packages folder.
    $project = Join-Path $RepoRoot 'tools/packages/ToolPackages.csproj'
    Invoke-Native { dotnet restore $project --nologo -v quiet }
    $line = (dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    return $line.Trim()
}

function Invoke-TestTask {
    param([string] $Configuration = 'Release')

    $results = Join-Path $OutDir 'test-results'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    New-Item -ItemType Directory -Path $results -Force | Out-Null
    $passed = 0
    $failed = 0

    try {
        Invoke-BuildTask -Configuration $Configuration
    }
    catch {
        Write-Host "Build failed: $_" -ForegroundColor Red
        Write-Host '0 passed, 1 failed'
        return 1
    }

    # xunit (Core). A failing test makes dotnet test exit non-zero; the counts come from the TRX file.
    $testProject = Join-Path $RepoRoot 'tests/TextSketch.Core.Tests/TextSketch.Core.Tests.csproj'
    dotnet test $testProject -c $Configuration --nologo --logger 'trx;LogFileName=core.trx' --logger 'console;verbosity=minimal' --results-directory $results | Out-Host
    $trx = Join-Path $results 'core.trx'
    if (Test-Path $trx) {
        $counters = ([xml](Get-Content $trx -Raw)).TestRun.ResultSummary.Counters
        $passed += [int]$counters.passed
        $failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
    }
    else {
        Write-Host 'xunit produced no results.' -ForegroundColor Red
        $failed++
    }

    # Pester, in a fresh pwsh that imports the built module.
    $packages = Get-NuGetPackageFolder
    $pester = Join-Path $packages 'pester/5.7.1/tools/Pester.psd1'
    $runner = Join-Path $RepoRoot 'tools/build/Invoke-PesterTests.ps1'
    $pesterResult = Join-Path $results 'pester.json'
    $tests = Join-Path $RepoRoot 'tests/Pester'
    dotnet pwsh -NoProfile -NonInteractive -File $runner -PesterPath $pester -ModulePath $ModuleDir -TestPath $tests -ResultPath $pesterResult | Out-Host
    if (Test-Path $pesterResult) {
        $counts = Get-Content $pesterResult -Raw | ConvertFrom-Json
        $passed += $counts.Passed
        $failed += $counts.Failed
    }
    else {
        Write-Host 'Pester produced no results.' -ForegroundColor Red
        $failed++
    }

    Write-Host "$passed passed, $failed failed"
    return $failed
}

function Invoke-DemoTask {
    param([string] $Configuration = 'Release')
    Invoke-BuildTask -Configuration $Configuration
    $demo = Join-Path $RepoRoot 'tools/build/Demo.ps1'
    $samples = Join-Path $RepoRoot 'samples'
    $work = Join-Path $OutDir 'demo'
    Invoke-Native { dotnet pwsh -NoProfile -NonInteractive -File $demo -ModulePath $ModuleDir -SamplesPath $samples -WorkPath $work }
}

function Invoke-TinyModelsTask {
    param([string] $Configuration = 'Release')
    # Tiny random-weight packs with the real layouts and signatures, one per models/*.json, in out/tiny-models/<pack>/.
    $project = Join-Path $RepoRoot 'tools/TextSketch.TinyModels/TextSketch.TinyModels.csproj'
    $manifests = Join-Path $RepoRoot 'models'
    $target = Join-Path $OutDir 'tiny-models'
    Invoke-Native { dotnet run --project $project -c $Configuration -- $manifests $target }
    Write-Host "Tiny packs in $target. To use them: `$env:TEXTSKETCH_MODELS = '$target'"
}

function Invoke-BenchTask {
    param([string] $Configuration = 'Release')
    # Each tools/bench/NN-*.ps1 writes one section (out/bench/sections/NN-*.md, plots under docs/bench/);
    # this task puts them together into docs/benchmarks.md.
    Invoke-BuildTask -Configuration $Configuration
    $data = Join-Path $OutDir 'bench-data'
    $sections = Join-Path $OutDir 'bench/sections'
    $assets = Join-Path $RepoRoot 'docs/bench'
    if (Test-Path $sections) { Remove-Item $sections -Recurse -Force }
    New-Item -ItemType Directory -Force -Path $sections, $assets | Out-Null
    Invoke-Native { dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $RepoRoot 'tools/bench/Get-BenchData.ps1') -DataPath $data }

    # -Filter takes no [0-9] ranges on the file system, so the NN- prefix is matched here.
    $sectionScripts = Get-ChildItem (Join-Path $RepoRoot 'tools/bench') -Filter '*.ps1' | Where-Object Name -Match '^\d\d-' | Sort-Object Name
    foreach ($script in $sectionScripts) {
        Write-Host "--> $($script.Name)" -ForegroundColor Cyan
        Invoke-Native { dotnet pwsh -NoProfile -NonInteractive -File $script.FullName -RepoRoot $RepoRoot -ModulePath $ModuleDir -DataPath $data -SectionPath (Join-Path $sections ($script.BaseName + '.md')) -AssetPath $assets -Configuration $Configuration }
    }

    $machine = "$([Environment]::ProcessorCount) cores, $([Math]::Round((Get-CimInstanceSafe), 1)) GiB, $([System.Runtime.InteropServices.RuntimeInformation]::OSDescription), .NET $([Environment]::Version)"
    $lines = @(
        '# Benchmarks'
        ''
        'Every number on this page comes from one command, run from the repository root:'
        ''
        '```bash'
        'dotnet tool restore && dotnet pwsh ./build.ps1 -Task Bench'
        '```'
        ''
        "Generated $(Get-Date -Format 'yyyy-MM-dd HH:mm') UTC on: $machine. Photos: scikit-image's sample photographs"
        "(Debian ``python3-skimage``), cropped to 768x512 (512x768 portrait) by ``tools/bench/Get-BenchData.ps1``."
        ''
    )
    foreach ($section in Get-ChildItem $sections -Filter *.md | Sort-Object Name) {
        $lines += Get-Content $section.FullName
        $lines += ''
    }
    Set-Content -Path (Join-Path $RepoRoot 'docs/benchmarks.md') -Value $lines -Encoding utf8
    Write-Host "Wrote docs/benchmarks.md"
}

function Get-CimInstanceSafe {
    # Total memory in GiB, portable enough for a benchmark header.
    if (Test-Path /proc/meminfo) {
        return [double]((Get-Content /proc/meminfo | Select-String '^MemTotal:\s+(\d+)').Matches[0].Groups[1].Value) / 1MB
    }
    return [double]([System.GC]::GetGCMemoryInfo().TotalAvailableMemoryBytes) / 1GB
}

function Invoke-FuzzTask {
    param([string] $Configuration = 'Release')
    # The full fuzz run: 100,000 mutated records and 10,000 mutated images; fails the build on any failure.
    $project = Join-Path $RepoRoot 'tools/TextSketch.Fuzz/TextSketch.Fuzz.csproj'
    Invoke-Native { dotnet run --project $project -c $Configuration -- 100000 10000 1 }
}
