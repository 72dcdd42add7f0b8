BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:root = Get-TempFolder
    $script:photos = New-Item -ItemType Directory (Join-Path $root 'photos')
    1..6 | ForEach-Object { New-TestImage -LiteralPath (Join-Path $photos "p$_.bmp") -Seed $_ | Out-Null }
    $script:module = (Resolve-Path $ModuleUnderTest).Path

    function Get-ProgressRecords {
        # The progress records a command line writes, from a PowerShell instance of its own (the Progress stream).
        param([Parameter(Mandatory)][string] $Command, [Parameter(Mandatory)][string] $Activity)
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$module'; $Command | Out-Null").Invoke()
            $ps.Streams.Error | Should -BeNullOrEmpty
            @($ps.Streams.Progress | Where-Object { $_.Activity -eq $Activity -and $_.RecordType -eq 'Processing' })
        }
        finally { $ps.Dispose() }
    }
}

AfterAll {
    Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Progress' {
    It 'shows the count, the rate and the time elapsed in the README''s pipeline form (count unknown)' {
        $records = Get-ProgressRecords "Get-ChildItem -LiteralPath '$photos' | ConvertTo-TextSketch -Caption 'x' -DestinationPath '$root/a'" 'Compressing images to TextSketch records'
        $records.Count | Should -BeGreaterThan 0
        foreach ($r in $records) {
            $r.StatusDescription | Should -Match '^\d+ done, \d+\.\d images/s, \d\d:\d\d:\d\d elapsed$'
            $r.PercentComplete | Should -Be -1
            $r.CurrentOperation | Should -BeLike (Join-Path $photos 'p*.bmp')
        }
        $records[0].StatusDescription | Should -Match '^1 done, '
    }

    It 'adds the percentage and the time left when the count is known (-Path wildcards resolved up front)' {
        $records = Get-ProgressRecords "ConvertTo-TextSketch -Path '$photos/*.bmp' -Caption 'x'" 'Compressing images to TextSketch records'
        foreach ($r in $records) {
            $r.StatusDescription | Should -Match '^\d of 6 \(\d+%\), \d+\.\d images/s, \d\d:\d\d:\d\d elapsed, \d\d:\d\d:\d\d left$'
            $r.PercentComplete | Should -BeGreaterOrEqual 16
            $r.SecondsRemaining | Should -BeGreaterOrEqual 0
        }
        $records[-1].StatusDescription | Should -Match '^6 of 6 \(100%\), .* 00:00:00 left$'
        $records[-1].PercentComplete | Should -Be 100
        $records[-1].SecondsRemaining | Should -Be 0
    }

    It 'does the same for Expand-TextSketch, piped and with an array given as a parameter' {
        $tsk = Join-Path $root 'tsk'
        Get-ChildItem -LiteralPath $photos | ConvertTo-TextSketch -Caption 'x' -DestinationPath $tsk | Out-Null
        $piped = Get-ProgressRecords "Get-ChildItem -LiteralPath '$tsk' | Expand-TextSketch -DestinationPath '$root/b' -Decoder Preview" 'Expanding TextSketch records'
        $piped.Count | Should -BeGreaterThan 0
        $piped | ForEach-Object { $_.StatusDescription | Should -Match '^\d+ done, \d+\.\d records/s, \d\d:\d\d:\d\d elapsed$' }
        $known = Get-ProgressRecords "Expand-TextSketch -InputObject (Import-TextSketch -Path '$tsk/*.tsk') -DestinationPath '$root/c' -Decoder Preview" 'Expanding TextSketch records'
        $known[-1].StatusDescription | Should -Match '^6 of 6 \(100%\), \d+\.\d records/s, \d\d:\d\d:\d\d elapsed, 00:00:00 left$'
    }
}
