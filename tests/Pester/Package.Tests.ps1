BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot '../../tools/build/Packaging.ps1')
    $script:Repo = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

    # This machine's platform package ('any' where the module ships no platform package of its own).
    $os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
    $arch = [System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString().ToLowerInvariant()
    $script:Runtime = if ($ModuleRuntimes.Contains("$os-$arch")) { "$os-$arch" } else { 'any' }

    $script:Work = Get-TempFolder
    $script:Layout = New-ModuleLayout -ModulePath $ModuleUnderTest -Runtime $Runtime -OutputPath (Join-Path $Work 'layout') -ManifestSource (Join-Path $Repo 'TextSketch.psd1')
}

AfterAll {
    if ($Work -and (Test-Path $Work)) { Remove-Item $Work -Recurse -Force }
}

Describe 'The module package' {
    It 'carries only its platform''s native libraries and stays within 150 MB' {
        (Get-ChildItem (Join-Path $Layout 'dependencies/runtimes') -Directory).Name | Should -Be @($Runtime)
        Get-FolderSize $Layout | Should -BeLessOrEqual 150MB
        $manifest = Test-ModuleManifest (Join-Path $Layout 'TextSketch.psd1') -ErrorAction Stop
        $manifest.Tags | Should -Contain $ModuleRuntimes[$Runtime]
    }

    It 'publishes to a local repository, installs in a fresh pwsh, imports by name and round-trips a photo' {
        $repository = New-Item -ItemType Directory -Path (Join-Path $Work 'repository') -Force
        $data = Join-Path $Work 'data'
        $output = Join-Path $Work 'output'
        $photo = (Resolve-Path (Join-Path $Repo 'samples/chelsea.jpg')).Path
        $command = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name TextSketchTest -Uri '$($repository.FullName)' -Trusted
Publish-PSResource -Path '$Layout' -Repository TextSketchTest
Install-PSResource -Name TextSketch -Repository TextSketchTest -Scope CurrentUser -TrustRepository -Quiet
Import-Module TextSketch
`$module = Get-Module TextSketch
`$record = ConvertTo-TextSketch -LiteralPath '$photo' -DestinationPath '$output'
`$image = Expand-TextSketch -LiteralPath `$record.Path -DestinationPath '$output' -Decoder Preview
"RESULT|`$(`$module.ModuleBase)|`$(`$module.Version)|`$(`$record.TotalBytes)|`$(`$image.FullName)"
"@
        # The user's folders (PSResourceGet's repository list, the CurrentUser module folder) are temporary ones:
        # PSResourceGet keeps its repositories under the local application data folder and installs CurrentUser
        # modules under the home folder (Unix) or Documents (Windows).
        # .NET reports a special folder only when it exists, else "" (and PSResourceGet would write beside the
        # working folder), so the folders are made first.
        New-Item -ItemType Directory -Path (Join-Path $data '.local/share'), (Join-Path $data 'Documents') -Force | Out-Null
        $saved = $env:HOME, $env:XDG_DATA_HOME, $env:LOCALAPPDATA, $env:USERPROFILE
        try {
            $env:HOME = $data; $env:XDG_DATA_HOME = Join-Path $data '.local/share'; $env:LOCALAPPDATA = $data; $env:USERPROFILE = $data
            $result = Invoke-FreshPwsh $command
        }
        finally {
            $env:HOME, $env:XDG_DATA_HOME, $env:LOCALAPPDATA, $env:USERPROFILE = $saved
        }
        $LASTEXITCODE | Should -Be 0 -Because ($result -join "`n")
        Get-ChildItem $repository -Filter 'TextSketch.*.nupkg' | Should -HaveCount 1
        $line = @($result | Where-Object { "$_" -like 'RESULT|*' })
        $line | Should -HaveCount 1 -Because ($result -join "`n")
        $null, $base, $version, $bytes, $image = "$($line[0])" -split '\|'
        $base | Should -BeLike "$data*"
        $version | Should -Be (Import-PowerShellDataFile (Join-Path $Repo 'TextSketch.psd1')).ModuleVersion
        [int]$bytes | Should -BeGreaterThan 0
        [int]$bytes | Should -BeLessOrEqual 288
        Get-PngSize -LiteralPath $image | Should -BeLike '@{Width=768; Height=512}'
    }
}
