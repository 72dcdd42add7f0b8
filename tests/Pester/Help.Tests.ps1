BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Docs = Join-Path $PSScriptRoot '../../docs/en-US'
    $script:Cmdlets = (Get-Command -Module TextSketch -CommandType Cmdlet).Name

    function Get-DocumentedLinks {
        # The "- text" lines of a help source's RELATED LINKS section, in order.
        param([string] $Name)
        $inLinks = $false
        foreach ($line in Get-Content (Join-Path $Docs "$Name.md")) {
            if ($line -match '^##\s+(.+?)\s*$') { $inLinks = $Matches[1] -eq 'RELATED LINKS'; continue }
            if ($inLinks -and $line -match '^\s*-\s*(?:\[(?<t>[^\]]+)\]\([^)]*\)|(?<t>.+?))\s*$') { $Matches['t'] }
        }
    }

    function Get-SyntaxText {
        param([string] $Name)
        (Get-Help $Name).syntax | Out-String -Width 1000
    }
}

Describe 'Cmdlet help' {
    It '<_> lists every related link of its help source once, in order' -ForEach @(
        'ConvertTo-TextSketch', 'Expand-TextSketch', 'Import-TextSketch', 'Get-TextSketchModel', 'Install-TextSketchModel', 'Measure-TextSketch'
    ) {
        $expected = @(Get-DocumentedLinks $_)
        $expected.Count | Should -BeGreaterThan 1
        $links = @((Get-Help $_).relatedLinks.navigationLink | Where-Object linkText -ne 'Online Version:' | ForEach-Object linkText)
        $links | Should -Be $expected
    }

    It 'has one code block in each example of <_>, so that its remarks read as written once Get-Help puts the code first' -ForEach @(
        'ConvertTo-TextSketch', 'Expand-TextSketch', 'Import-TextSketch', 'Get-TextSketchModel', 'Install-TextSketchModel', 'Measure-TextSketch'
    ) {
        # MAML has one code element per example: the builder joins every block of an example into it, and text
        # written between two blocks would then introduce code that is no longer there.
        $examples = ((Get-Content (Join-Path $Docs "$_.md") -Raw) -split '(?m)^## ')[1..99] | Where-Object { $_ -like "EXAMPLES*" }
        foreach ($example in ($examples -split '(?m)^### ' | Select-Object -Skip 1)) {
            $title = ($example -split "`n")[0]
            @([regex]::Matches($example, '(?m)^```')).Count | Should -Be 2 -Because "$_ $title"
        }
    }

    It 'shows the type a nullable parameter binds, never Nullable`1' {
        (Get-Help Expand-TextSketch -Parameter Seed).type.name | Should -Be 'System.Int32'
        (Get-Help Expand-TextSketch -Parameter GuidanceScale).parameterValue | Should -Be 'Double'
        foreach ($name in $Cmdlets) {
            Get-SyntaxText $name | Should -Not -Match 'Nullable|`1'
            foreach ($parameter in (Get-Help $name).parameters.parameter) {
                $parameter.type.name | Should -Not -Match 'Nullable|`' -Because "$name -$($parameter.name)"
            }
        }
    }

    It 'shows the accepted values of an enum parameter, also when it is nullable' {
        $help = Get-Help Expand-TextSketch -Parameter Scheduler
        $help.type.name | Should -Be 'TextSketch.Commands.TextSketchScheduler'
        ($help.description.Text -join ' ') | Should -Match 'Accepted values: UniPC, DDIM, Euler, LCM'
        Get-SyntaxText Expand-TextSketch | Should -Match ([regex]::Escape('[-Scheduler {UniPC | DDIM | Euler | LCM}]'))
        Get-SyntaxText ConvertTo-TextSketch | Should -Match ([regex]::Escape('[-Mode {TextSketch | Text}]'))
    }

    It 'gives every optional parameter its default value, from the help source or the code' {
        foreach ($name in $Cmdlets) {
            foreach ($parameter in (Get-Help $name).parameters.parameter) {
                "$($parameter.defaultValue)" | Should -Not -BeNullOrEmpty -Because "$name -$($parameter.name)"
            }
        }
        $expected = @(
            @{ Cmdlet = 'Expand-TextSketch'; Parameter = 'Format'; Value = 'Png' }
            @{ Cmdlet = 'Expand-TextSketch'; Parameter = 'Scheduler'; Value = 'UniPC' }
            @{ Cmdlet = 'Expand-TextSketch'; Parameter = 'Steps'; Value = "the pack's (25)" }
            @{ Cmdlet = 'Expand-TextSketch'; Parameter = 'Strength'; Value = "the pack's (0.8)" }
            @{ Cmdlet = 'Expand-TextSketch'; Parameter = 'MaxPixels'; Value = '100,000,000' }
            @{ Cmdlet = 'Expand-TextSketch'; Parameter = 'Force'; Value = 'False' }
            @{ Cmdlet = 'Expand-TextSketch'; Parameter = 'DestinationPath'; Value = 'None' }
            @{ Cmdlet = 'ConvertTo-TextSketch'; Parameter = 'Mode'; Value = 'TextSketch' }
            @{ Cmdlet = 'ConvertTo-TextSketch'; Parameter = 'MaxBytes'; Value = '288 bytes' }
            @{ Cmdlet = 'ConvertTo-TextSketch'; Parameter = 'ThrottleLimit'; Value = 'the number of processors' }
            @{ Cmdlet = 'ConvertTo-TextSketch'; Parameter = 'PromptTokens'; Value = '16' }
            @{ Cmdlet = 'Install-TextSketchModel'; Parameter = 'TimeoutSec'; Value = '100' }
        )
        foreach ($case in $expected) {
            (Get-Help $case.Cmdlet -Parameter $case.Parameter).defaultValue | Should -Be $case.Value -Because "$($case.Cmdlet) -$($case.Parameter)"
        }
    }

    It 'Get-Help -Online opens the cmdlet''s page under the manifest''s ProjectUri' -Skip:$IsWindows {
        # A stand-in for the browser: the first xdg-open on PATH records the URI it is asked to open.
        $bin = Get-TempFolder
        $opened = Join-Path $bin 'opened.txt'
        Set-Content -Path (Join-Path $bin 'xdg-open') -Value "#!/bin/sh`necho `"`$1`" >> '$opened'" -NoNewline
        chmod +x (Join-Path $bin 'xdg-open')
        if ($IsMacOS) { Copy-Item (Join-Path $bin 'xdg-open') (Join-Path $bin 'open') }
        $module = (Resolve-Path $ModuleUnderTest).Path
        $path = $env:PATH
        try {
            $env:PATH = "$bin$([IO.Path]::PathSeparator)$path"
            $output = Invoke-FreshPwsh "Import-Module '$module'; Get-Help Expand-TextSketch -Online; Start-Sleep -Milliseconds 500"
        }
        finally {
            $env:PATH = $path
        }
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $project = (Import-PowerShellDataFile (Join-Path $ModuleUnderTest 'TextSketch.psd1')).PrivateData.PSData.ProjectUri
        Get-Content $opened | Should -Be "$project/blob/main/docs/en-US/Expand-TextSketch.md"
        Remove-Item $bin -Recurse -Force
    }

    It 'Update-Help installs the updatable help the Package task builds' {
        . (Join-Path $PSScriptRoot '../../tools/build/Packaging.ps1')
        $work = Get-TempFolder
        $source = Join-Path $work 'help'
        $files = New-UpdatableHelp -ModulePath $ModuleUnderTest -OutputPath $source
        $files.Name | Should -Contain 'TextSketch_6d7b3c1e-2f4a-4e8b-9a57-3c1d0e9b7f42_HelpInfo.xml'
        $module = (Resolve-Path $ModuleUnderTest).Path
        # Update-Help -Scope CurrentUser writes under the user's data folder: a temporary one here.
        $saved = $env:XDG_DATA_HOME, $env:LOCALAPPDATA
        try {
            $env:XDG_DATA_HOME = Join-Path $work 'data'; $env:LOCALAPPDATA = Join-Path $work 'data'
            $output = Invoke-FreshPwsh "Import-Module '$module'; Update-Help -Module TextSketch -SourcePath '$source' -UICulture en-US -Scope CurrentUser -Force -ErrorAction Stop; 'updated'"
        }
        finally {
            $env:XDG_DATA_HOME, $env:LOCALAPPDATA = $saved
        }
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $output | Select-Object -Last 1 | Should -Be 'updated'
        $installed = Get-ChildItem (Join-Path $work 'data') -Recurse -Filter 'TextSketch.PowerShell.dll-Help.xml'
        $installed | Should -Not -BeNullOrEmpty
        (Get-FileHash $installed[0].FullName).Hash | Should -Be (Get-FileHash (Join-Path $ModuleUnderTest 'en-US/TextSketch.PowerShell.dll-Help.xml')).Hash
        Remove-Item $work -Recurse -Force
    }
}
