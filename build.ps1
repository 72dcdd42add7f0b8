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
  Clean       removes build output

.EXAMPLE
dotnet pwsh ./build.ps1 -Task Build

.EXAMPLE
dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'TinyModels', 'Fuzz', 'Clean')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
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
    else {
        & "Invoke-$($name)Task" -Configuration $Configuration
    }
}

exit ([Math]::Min($failures, 1))
