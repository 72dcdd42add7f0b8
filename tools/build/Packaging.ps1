# Module layout and packaging helpers, shared by the Build and Package tasks (tools/build/common.ps1) and by the
# package round-trip test (tests/Pester/Package.Tests.ps1). Dot-source it.

# The platforms the module ships a CPU build of ONNX Runtime for, with the gallery tag each one implies.
$script:ModuleRuntimes = [ordered]@{
    'linux-x64'   = 'Linux'
    'linux-arm64' = 'Linux'
    'win-x64'     = 'Windows'
    'osx-arm64'   = 'MacOS'
}

# The ONNX Runtime release: the version of Microsoft.ML.OnnxRuntime.Gpu in Directory.Packages.props, which brings the
# managed assembly (Microsoft.ML.OnnxRuntime.Managed) of that version. The CPU native libraries come from
# Microsoft.ML.OnnxRuntime of the same version (tools/packages/ToolPackages.csproj pins it; the Build task checks).
$script:OnnxRuntimeVersion = ((([xml](Get-Content (Join-Path $PSScriptRoot '../../Directory.Packages.props') -Raw)).Project.ItemGroup.PackageVersion |
    Where-Object Include -eq 'Microsoft.ML.OnnxRuntime.Gpu').Version)

function Write-ModuleManifest {
    # Writes the built module's TextSketch.psd1: the repository's manifest plus the entries that name built files
    # (RootModule, and FormatsToProcess / TypesToProcess from the *.format.ps1xml / *.types.ps1xml files laid out in
    # the module folder), with the platform tags of the runtimes this layout carries.
    param(
        [Parameter(Mandatory)][string] $SourcePath,
        [Parameter(Mandatory)][string] $ModuleDirectory,
        [Parameter(Mandatory)][string[]] $Runtimes
    )
    $formats = @(Get-ChildItem $ModuleDirectory -Filter '*.format.ps1xml' | Sort-Object Name | ForEach-Object { "'$($_.Name)'" })
    $types = @(Get-ChildItem $ModuleDirectory -Filter '*.types.ps1xml' | Sort-Object Name | ForEach-Object { "'$($_.Name)'" })
    $entries = @("    RootModule             = 'TextSketch.PowerShell.dll'")
    if ($formats.Count) { $entries += "    FormatsToProcess       = @($($formats -join ', '))" }
    if ($types.Count) { $entries += "    TypesToProcess         = @($($types -join ', '))" }

    $platforms = @($Runtimes | ForEach-Object { $ModuleRuntimes[$_] } | Select-Object -Unique | ForEach-Object { "'$_'" }) -join ', '
    $text = Get-Content $SourcePath -Raw
    $lines = $text -split "`r?`n"
    $start = [Array]::IndexOf($lines, '@{')
    if ($start -lt 0) { throw "$SourcePath does not start its hashtable with a line '@{'." }
    $tagsPattern = "'Windows', 'Linux', 'MacOS'"
    if ($text -notmatch [regex]::Escape($tagsPattern)) { throw "$SourcePath has no platform tags $tagsPattern to narrow." }
    $body = ($lines[($start + 1)..($lines.Count - 1)] -join "`n") -replace [regex]::Escape($tagsPattern), $platforms
    $header = @(
        "# Written by the Build task from the repository's TextSketch.psd1. Native ONNX Runtime $OnnxRuntimeVersion (CPU) for:"
        "# $($Runtimes -join ', ')."
        '@{'
    )
    Set-Content -Path (Join-Path $ModuleDirectory 'TextSketch.psd1') -Value (($header + $entries) -join "`n") -Encoding utf8 -NoNewline
    Add-Content -Path (Join-Path $ModuleDirectory 'TextSketch.psd1') -Value ("`n" + $body) -Encoding utf8 -NoNewline
}

function Copy-OnnxRuntimeNative {
    # Copies ONNX Runtime's CPU native libraries for each runtime into dependencies/runtimes/<rid>/native, where the
    # managed ONNX Runtime and the module's load context look. Import libraries (.lib) are build-time only.
    param(
        [Parameter(Mandatory)][string] $PackagesFolder,
        [Parameter(Mandatory)][string] $DependencyDirectory,
        [Parameter(Mandatory)][string[]] $Runtimes
    )
    $package = Join-Path $PackagesFolder "microsoft.ml.onnxruntime/$OnnxRuntimeVersion/runtimes"
    foreach ($rid in $Runtimes) {
        $source = Join-Path $package "$rid/native"
        if (-not (Test-Path $source)) { throw "Microsoft.ML.OnnxRuntime $OnnxRuntimeVersion has no native folder for $rid ($source)." }
        $target = Join-Path $DependencyDirectory "runtimes/$rid/native"
        New-Item -ItemType Directory -Path $target -Force | Out-Null
        Get-ChildItem $source -File | Where-Object Extension -ne '.lib' | Copy-Item -Destination $target
    }
}

function New-ModuleLayout {
    # A copy of the built module that carries the native libraries of one runtime only ('any': all of them), in
    # <OutputPath>/TextSketch. Returns the folder.
    param(
        [Parameter(Mandatory)][string] $ModulePath,
        [Parameter(Mandatory)][string] $Runtime,
        [Parameter(Mandatory)][string] $OutputPath,
        [Parameter(Mandatory)][string] $ManifestSource
    )
    $runtimes = if ($Runtime -eq 'any') { @($ModuleRuntimes.Keys) } else { @($Runtime) }
    foreach ($rid in $runtimes) {
        if (-not $ModuleRuntimes.Contains($rid)) { throw "'$rid' is not a runtime the module ships for ($($ModuleRuntimes.Keys -join ', '), any)." }
    }
    $layout = Join-Path $OutputPath 'TextSketch'
    if (Test-Path $layout) { Remove-Item $layout -Recurse -Force }
    New-Item -ItemType Directory -Path $OutputPath -Force | Out-Null
    Copy-Item $ModulePath $layout -Recurse
    foreach ($native in Get-ChildItem (Join-Path $layout 'dependencies/runtimes') -Directory) {
        if ($native.Name -notin $runtimes) { Remove-Item $native.FullName -Recurse -Force }
    }
    Write-ModuleManifest -SourcePath $ManifestSource -ModuleDirectory $layout -Runtimes $runtimes
    $layout
}

function New-ModulePackage {
    # <OutputPath>/TextSketch.<version>.nupkg from a module folder, through PSResourceGet (Compress-PSResource checks
    # the manifest as Publish-PSResource does). Returns the package file.
    param(
        [Parameter(Mandatory)][string] $LayoutPath,
        [Parameter(Mandatory)][string] $OutputPath
    )
    Import-Module Microsoft.PowerShell.PSResourceGet -ErrorAction Stop
    Test-ModuleManifest (Join-Path $LayoutPath 'TextSketch.psd1') -ErrorAction Stop | Out-Null
    New-Item -ItemType Directory -Path $OutputPath -Force | Out-Null
    $version = (Import-PowerShellDataFile (Join-Path $LayoutPath 'TextSketch.psd1')).ModuleVersion
    Compress-PSResource -Path $LayoutPath -DestinationPath $OutputPath -ErrorAction Stop
    $package = Join-Path $OutputPath "TextSketch.$version.nupkg"
    if (-not (Test-Path $package)) { throw "Compress-PSResource wrote no $package." }
    Get-Item $package
}

function New-UpdatableHelp {
    # Updatable help for Update-Help: <Module>_<GUID>_HelpInfo.xml and <Module>_<GUID>_en-US_HelpContent.zip (the
    # format PowerShell 7 reads; the module runs on PowerShell 7.4+ only, so no .cab is made). The version of the
    # help is the module's version.
    param(
        [Parameter(Mandatory)][string] $ModulePath,
        [Parameter(Mandatory)][string] $OutputPath
    )
    $manifest = Import-PowerShellDataFile (Join-Path $ModulePath 'TextSketch.psd1')
    $prefix = "TextSketch_$($manifest.GUID)"
    New-Item -ItemType Directory -Path $OutputPath -Force | Out-Null
    $zip = Join-Path $OutputPath "${prefix}_en-US_HelpContent.zip"
    if (Test-Path $zip) { Remove-Item $zip -Force }
    $helpFiles = Get-ChildItem (Join-Path $ModulePath 'en-US') -File
    Compress-Archive -Path $helpFiles.FullName -DestinationPath $zip
    $version = [version]$manifest.ModuleVersion
    $helpVersion = '{0}.{1}.{2}.{3}' -f $version.Major, $version.Minor, [Math]::Max($version.Build, 0), [Math]::Max($version.Revision, 0)
    $helpInfo = @"
<?xml version="1.0" encoding="utf-8"?>
<HelpInfo xmlns="http://schemas.microsoft.com/powershell/help/2010/05">
  <HelpContentURI>$($manifest.HelpInfoURI)</HelpContentURI>
  <SupportedUICultures>
    <UICulture>
      <UICultureName>en-US</UICultureName>
      <UICultureVersion>$helpVersion</UICultureVersion>
    </UICulture>
  </SupportedUICultures>
</HelpInfo>
"@
    Set-Content -Path (Join-Path $OutputPath "${prefix}_HelpInfo.xml") -Value $helpInfo -Encoding utf8
    Get-ChildItem $OutputPath -Filter "$prefix*"
}

function Get-FolderSize {
    param([Parameter(Mandatory)][string] $Path)
    [long](Get-ChildItem $Path -Recurse -File | Measure-Object Length -Sum).Sum
}
