# Runs the Pester suite against a built module and writes {"Passed":n,"Failed":n} to -ResultPath.
param(
    [Parameter(Mandatory)][string] $PesterPath,
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $TestPath,
    [Parameter(Mandatory)][string] $ResultPath
)

$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
$env:TEXTSKETCH_TEST_MODULE = $ModulePath

$configuration = New-PesterConfiguration
$configuration.Run.Path = $TestPath
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Normal'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputPath = [IO.Path]::ChangeExtension($ResultPath, '.xml')
$result = Invoke-Pester -Configuration $configuration

[pscustomobject]@{
    Passed = $result.PassedCount
    # A failed BeforeAll or a broken test file fails its whole block: count those too.
    Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
} | ConvertTo-Json | Set-Content -Path $ResultPath
