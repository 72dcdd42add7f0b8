BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'The TextSketch module' {
    It 'imports from another folder in a fresh process' {
        $module = (Resolve-Path $ModuleUnderTest).Path
        $output = Invoke-FreshPwsh "Set-Location ([IO.Path]::GetTempPath()); Import-Module '$module'; (Get-Command -Module TextSketch).Count"
        $LASTEXITCODE | Should -Be 0
        [int]($output | Select-Object -Last 1) | Should -BeGreaterOrEqual 3
    }

    It 'exports the cmdlets of the contract' {
        $names = (Get-Command -Module TextSketch).Name
        $names | Should -Contain 'ConvertTo-TextSketch'
        $names | Should -Contain 'Expand-TextSketch'
        $names | Should -Contain 'Import-TextSketch'
    }

    It 'declares PowerShell 7.4 and the Core edition' {
        $manifest = Import-PowerShellDataFile (Join-Path $ModuleUnderTest 'TextSketch.psd1')
        $manifest.PowerShellVersion | Should -Be '7.4'
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        $manifest.ContainsKey('RequiredAssemblies') | Should -BeFalse
    }

    It 'has a repository manifest that passes Test-ModuleManifest and carries the gallery metadata' {
        $source = Test-ModuleManifest (Join-Path $PSScriptRoot '../../TextSketch.psd1') -ErrorAction Stop
        $source.HelpInfoUri | Should -Match '^https://'
        $source.ProjectUri | Should -Match '^https://'
        $source.LicenseUri | Should -Match '^https://'
        $source.ReleaseNotes | Should -Match '0\.1\.0'
        $source.Tags | Should -Contain 'PSEdition_Core'
        $built = Test-ModuleManifest (Join-Path $ModuleUnderTest 'TextSketch.psd1') -ErrorAction Stop
        $built.RootModule | Should -Be 'TextSketch.PowerShell.dll'
        $built.ExportedFormatFiles | Should -Not -BeNullOrEmpty
        $built.Version | Should -Be $source.Version
        $built.HelpInfoUri | Should -Be $source.HelpInfoUri
    }

    It 'carries the CPU build of ONNX Runtime for linux-x64, linux-arm64, win-x64 and osx-arm64 and no CUDA provider' {
        $runtimes = Join-Path $ModuleUnderTest 'dependencies/runtimes'
        (Get-ChildItem $runtimes -Directory).Name | Sort-Object | Should -Be @('linux-arm64', 'linux-x64', 'osx-arm64', 'win-x64')
        Get-ChildItem $runtimes -Recurse -File -Filter '*providers_cuda*' | Should -BeNullOrEmpty
        Get-ChildItem $runtimes -Recurse -File -Filter '*onnxruntime.*' | Should -HaveCount 4
    }

    It 'lets scripts name the record type' {
        [TextSketch.TextSketchRecord] | Should -Not -BeNullOrEmpty
        [TextSketch.TextSketchMode]::Text | Should -Be 'Text'
    }

    It 'loads its dependencies in its own load context' {
        $alc = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'TextSketch'
        $alc | Should -Not -BeNullOrEmpty
        $alc.Assemblies.GetName().Name | Should -Contain 'TextSketch.Core'
        [AppDomain]::CurrentDomain.GetAssemblies().Where({ $_.GetName().Name -eq 'SixLabors.ImageSharp' -and
            [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name -eq 'Default' }) | Should -BeNullOrEmpty
    }

    It 'resolves the ONNX Runtime native library from the module folder' {
        $alc = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'TextSketch'
        $core = $alc.Assemblies | Where-Object { $_.GetName().Name -eq 'TextSketch.Core' }
        $info = $core.GetType('TextSketch.Core.Onnx.OnnxRuntimeInfo', $true)
        $version = $info.GetMethod('NativeVersion').Invoke($null, @())
        $version | Should -Match '^1\.\d+'
    }

    Context 'help' -ForEach @(
        @{ Name = 'ConvertTo-TextSketch' }
        @{ Name = 'Expand-TextSketch' }
        @{ Name = 'Import-TextSketch' }
    ) {
        It '<Name> has a synopsis, a description and at least two examples' {
            $help = Get-Help $Name -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty
            $help.Synopsis | Should -Not -Match '^\s*\S+\s*\[' # not the auto-generated syntax line
            ($help.description.Text -join '') | Should -Not -BeNullOrEmpty
            @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        }

        It '<Name> documents every parameter' {
            $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
            $help = Get-Help $Name -Full
            foreach ($parameter in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }) {
                $entry = $help.parameters.parameter | Where-Object name -eq $parameter
                ($entry.description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
            }
        }
    }
}
