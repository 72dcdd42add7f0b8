#Requires -Version 7.4
<#
.SYNOPSIS
Builds, tests, demonstrates and benchmarks the TextSketch module.

.DESCRIPTION
Tasks:
  Build       builds and lays out the importable module in out/TextSketch
  Test        all xunit and Pester tests; the last line printed is "N passed, N failed"
  Demo        compresses and expands sample photos with the embedded default (no model weights)
  Bench       writes docs/benchmarks.md (and plots) with the command that reproduces every number
  TinyModels  writes tiny random-weight model packs to out/tiny-models/<pack>/
  Fuzz        mutation-fuzzes the .tsk reader (100,000 inputs) and the image readers (10,000)
  Package     PowerShell packages (.nupkg, via PSResourceGet) in out/package/<runtime>/: one per platform (-Runtime)
              and updatable help in out/package/help/
  Clean       removes build output

.EXAMPLE
dotnet pwsh ./build.ps1 -Task Build

.EXAMPLE
dotnet pwsh ./build.ps1 -Task Test

.EXAMPLE
dotnet pwsh ./build.ps1 -Task Package -Runtime linux-x64, any
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'TinyModels', 'Fuzz', 'Package', 'Clean')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Package: the platforms to make packages for ('any' = one package carrying all four).
    [ValidateSet('linux-x64', 'linux-arm64', 'win-x64', 'osx-arm64', 'any')]
    [string[]] $Runtime = @('linux-x64', 'linux-arm64', 'win-x64', 'osx-arm64', 'any')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot 'tools/build/common.ps1')

$failures = 0
foreach ($name in $Task) {
    Write-Host "==> $name" -ForegroundColor Cyan
    if ($name -eq 'Test') {
        # The Test task prints "N passed, N failed" as its last line and returns the failure count.
        $failures += Invoke-TestTask -Configuration $Configuration
    }
    elseif ($name -eq 'Package') {
        Invoke-PackageTask -Configuration $Configuration -Runtime $Runtime
    }
    else {
        & "Invoke-$($name)Task" -Configuration $Configuration
    }
}

exit ([Math]::Min($failures, 1))
