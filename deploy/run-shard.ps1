<#
.SYNOPSIS
Compresses one shard of a photo share into TextSketch records: the entry point of the container and of the
Kubernetes and Slurm recipes in this folder.

.DESCRIPTION
Every worker lists the same source tree and keeps only its shard (ConvertTo-TextSketch -Shard i/N), so N workers
split the share with no coordination. Records keep the source tree under the destination (-BasePath), existing
valid records are skipped (a restarted worker resumes where it stopped), and each worker appends to its own JSON-lines
log. Parameters default to environment variables, so a scheduler only has to set the shard index.

.EXAMPLE
pwsh ./deploy/run-shard.ps1 -Source /data/photos -Destination /data/tsk -Index 0 -Count 4
#>
[CmdletBinding()]
param(
    [string] $Source = $env:TEXTSKETCH_SOURCE,
    [string] $Destination = $env:TEXTSKETCH_DESTINATION,
    # Kubernetes Indexed Jobs set JOB_COMPLETION_INDEX, Slurm job arrays SLURM_ARRAY_TASK_ID.
    [int] $Index = $(if ($env:JOB_COMPLETION_INDEX) { $env:JOB_COMPLETION_INDEX } elseif ($env:SLURM_ARRAY_TASK_ID) { $env:SLURM_ARRAY_TASK_ID } else { 0 }),
    [int] $Count = $(if ($env:TEXTSKETCH_SHARDS) { $env:TEXTSKETCH_SHARDS } elseif ($env:SLURM_ARRAY_TASK_COUNT) { $env:SLURM_ARRAY_TASK_COUNT } else { 1 }),
    [string] $LogDirectory = $(if ($env:TEXTSKETCH_LOGS) { $env:TEXTSKETCH_LOGS } else { $Destination }),
    [string[]] $Include = @('*.jpg', '*.jpeg', '*.png', '*.webp', '*.tif', '*.tiff'),
    [string] $ModulePath = $(if ($env:TEXTSKETCH_MODULE) { $env:TEXTSKETCH_MODULE } else { Join-Path $PSScriptRoot 'TextSketch' }),
    [switch] $RemoveSource
)

$ErrorActionPreference = 'Stop'
if (-not $Source -or -not $Destination) {
    throw 'Set -Source and -Destination (or TEXTSKETCH_SOURCE and TEXTSKETCH_DESTINATION).'
}
if (-not (Test-Path $ModulePath)) {
    # Run from a clone: the module built by build.ps1.
    $ModulePath = Join-Path $PSScriptRoot '../out/TextSketch'
}
Import-Module $ModulePath

$log = Join-Path $LogDirectory ("shard-{0:D4}-of-{1:D4}.jsonl" -f $Index, $Count)
Write-Host "TextSketch shard $Index/${Count}: $Source -> $Destination (log $log)"
$parameters = @{
    DestinationPath = $Destination
    BasePath        = $Source
    Shard           = "$Index/$Count"
    SkipExisting    = $true
    LogPath         = $log
    ErrorAction     = 'Continue'
}
if ($RemoveSource) {
    $parameters.RemoveSource = $true
    $parameters.Confirm = $false
}

Get-ChildItem -LiteralPath $Source -Recurse -File -Include $Include |
    ConvertTo-TextSketch @parameters -InformationAction Continue |
    Out-Null

# Failed items are in the log (status "failed"); exit non-zero so the scheduler shows the shard needs a look.
$failed = (Get-Content -LiteralPath $log -Tail 1 | ConvertFrom-Json).summary.failed
exit ([int]($failed -gt 0))
