BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
}

Describe 'Bulk jobs with ConvertTo-TextSketch' {
    BeforeAll {
        $root = Get-TempFolder
        $photos = New-Item -ItemType Directory (Join-Path $root 'photos')
        New-Item -ItemType Directory (Join-Path $photos '2019/trip'), (Join-Path $photos '2020') | Out-Null
        $i = 0
        foreach ($name in 'a.bmp', 'b.bmp', '2019/c.bmp', '2019/trip/d e.bmp', '2019/trip/[f].bmp', '2020/g.bmp', '2020/h.bmp') {
            New-TestImage -LiteralPath (Join-Path $photos $name) -Seed (++$i) -Width 80 -Height 60 | Out-Null
        }
        # Same stem, different extension: both would be a.tsk.
        Copy-Item -LiteralPath (Join-Path $photos 'b.bmp') -Destination (Join-Path $photos 'a.png')
    }

    AfterAll {
        Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'mirrors the folder tree under -DestinationPath with -BasePath' {
        $out = Join-Path $root 'mirror'
        Get-ChildItem -LiteralPath $photos -Recurse -File | ConvertTo-TextSketch -DestinationPath $out -BasePath $photos | Out-Null
        (Get-Tree $out).Keys | Sort-Object | Should -Be (@('2019/c.tsk', '2019/trip/[f].tsk', '2019/trip/d e.tsk', '2020/g.tsk', '2020/h.tsk', 'a.png.tsk', 'a.tsk', 'b.tsk') | Sort-Object)
    }

    It 'gives colliding names distinct outputs, deterministically by input order' {
        $out = Join-Path $root 'collide'
        $records = Get-ChildItem -LiteralPath $photos -File | Sort-Object Name | ConvertTo-TextSketch -DestinationPath $out
        ($records | Where-Object { $_.SourcePath -like '*a.bmp' }).Path | Should -Be (Join-Path $out 'a.tsk')
        ($records | Where-Object { $_.SourcePath -like '*a.png' }).Path | Should -Be (Join-Path $out 'a.png.tsk')
    }

    It 'refuses sources outside -BasePath, one error each' {
        $elsewhere = New-TestImage -LiteralPath (Join-Path $root 'outside.bmp')
        ConvertTo-TextSketch -LiteralPath $elsewhere.FullName -DestinationPath (Join-Path $root 'mirror2') -BasePath $photos -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'SourceOutsideBasePath*'
    }

    It 'writes one JSON line per item and a summary to -LogPath' {
        $out = Join-Path $root 'logged'
        $log = Join-Path $root 'job.jsonl'
        Set-Content -LiteralPath (Join-Path $photos 'broken.jpg') -Value 'not a jpeg'
        try {
            Get-ChildItem -LiteralPath $photos -File | Sort-Object Name | ConvertTo-TextSketch -DestinationPath $out -LogPath $log -ErrorAction SilentlyContinue -InformationVariable info | Out-Null
        }
        finally {
            Remove-Item -LiteralPath (Join-Path $photos 'broken.jpg')
        }
        $lines = Get-Content -LiteralPath $log | ForEach-Object { $_ | ConvertFrom-Json }
        $items = $lines | Where-Object { $_.PSObject.Properties.Name -contains 'source' }
        $items.Count | Should -Be 4
        $broken = $items | Where-Object source -like '*broken.jpg'
        $broken.status | Should -Be 'failed'
        $broken.errorId | Should -Be 'ImageFormatUnknown'
        $good = $items | Where-Object source -like '*a.bmp'
        $good.status | Should -Be 'written'
        $good.sourceSha256 | Should -Be (Get-FileHash -LiteralPath (Join-Path $photos 'a.bmp') -Algorithm SHA256).Hash.ToLowerInvariant()
        $good.sourceBytes | Should -Be (Get-Item -LiteralPath (Join-Path $photos 'a.bmp')).Length
        $good.bytes | Should -Be (Get-Item -LiteralPath $good.output).Length
        $good.durationMs | Should -BeGreaterThan 0
        $summary = $lines[-1].summary
        $summary.written | Should -Be 3
        $summary.failed | Should -Be 1
        $summary.reductionFactor | Should -BeGreaterThan 1
        ($info | Where-Object Tags -Contains 'TextSketch.Summary').MessageData | Should -Match '3 compressed, 0 skipped, 1 failed'
    }

    It 'splits a job into shards that add up to the single-process output, no file twice' {
        $single = Join-Path $root 'single'
        Get-ChildItem -LiteralPath $photos -Recurse -File | ConvertTo-TextSketch -DestinationPath $single -BasePath $photos | Out-Null
        $sharded = Join-Path $root 'sharded'
        $module = (Resolve-Path $ModuleUnderTest).Path
        $counts = foreach ($i in 0..2) {
            $command = "Import-Module '$module'; (Get-ChildItem -LiteralPath '$photos' -Recurse -File | ConvertTo-TextSketch -DestinationPath '$sharded' -BasePath '$photos' -Shard $i/3).Count"
            [int](Invoke-FreshPwsh $command | Select-Object -Last 1)
        }
        ($counts | Measure-Object -Sum).Sum | Should -Be 8
        $counts | Where-Object { $_ -eq 8 } | Should -BeNullOrEmpty
        $a = Get-Tree $single
        $b = Get-Tree $sharded
        $b.Keys | Should -Be $a.Keys
        foreach ($key in $a.Keys) { $b[$key] | Should -Be $a[$key] -Because $key }
    }

    It 'resumes a killed job to exactly the files a clean run gives, with no stray files' {
        $many = New-Item -ItemType Directory (Join-Path $root 'many')
        1..24 | ForEach-Object { New-TestImage -LiteralPath (Join-Path $many "p$_.bmp") -Seed $_ -Width 320 -Height 240 | Out-Null }
        $clean = Join-Path $root 'clean'
        Get-ChildItem -LiteralPath $many | ConvertTo-TextSketch -DestinationPath $clean | Out-Null

        $killed = Join-Path $root 'killed'
        $module = (Resolve-Path $ModuleUnderTest).Path
        $process = [Environment]::ProcessPath
        $arguments = @('-NoProfile', '-NonInteractive', '-Command', "Import-Module '$module'; Get-ChildItem -LiteralPath '$many' | ConvertTo-TextSketch -DestinationPath '$killed' -ThrottleLimit 1 | Out-Null")
        if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { $arguments = @(Join-Path $PSHOME 'pwsh.dll') + $arguments }
        $job = Start-Process -FilePath $process -ArgumentList $arguments -PassThru
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ([DateTime]::UtcNow -lt $deadline -and @(Get-ChildItem -LiteralPath $killed -Filter *.tsk -ErrorAction SilentlyContinue).Count -lt 3) { Start-Sleep -Milliseconds 20 }
        Stop-Process -Id $job.Id -Force   # SIGKILL: no cleanup runs
        $job.WaitForExit()
        @(Get-ChildItem -LiteralPath $killed -Filter *.tsk).Count | Should -BeLessThan 24

        # A crash mid-write leaves a hidden temporary file; plant one to prove the resume clears it.
        $next = Get-ChildItem -LiteralPath $many | Where-Object { -not (Test-Path -LiteralPath (Join-Path $killed ($_.BaseName + '.tsk'))) } | Select-Object -First 1
        Set-Content -LiteralPath (Join-Path $killed (".{0}.tsk.{1}.tmp" -f $next.BaseName, ('0' * 32))) -Value 'half'

        Get-ChildItem -LiteralPath $many | ConvertTo-TextSketch -DestinationPath $killed -SkipExisting | Out-Null
        $a = Get-Tree $clean
        $b = Get-Tree $killed
        $b.Keys | Should -Be $a.Keys
        foreach ($key in $a.Keys) { $b[$key] | Should -Be $a[$key] -Because $key }
    }
}

Describe 'ConvertTo-TextSketch -RemoveSource' {
    BeforeEach {
        $root = Get-TempFolder
        $src = New-Item -ItemType Directory (Join-Path $root 'src')
        1..3 | ForEach-Object { New-TestImage -LiteralPath (Join-Path $src "i$_.bmp") -Seed $_ | Out-Null }
        Set-Content -LiteralPath (Join-Path $src 'bad.bmp') -Value 'broken'
        $out = Join-Path $root 'out'
    }

    AfterEach {
        Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'removes each source only after its record is written and verified, never a failed one' {
        $records = Get-ChildItem -LiteralPath $src | ConvertTo-TextSketch -DestinationPath $out -RemoveSource -Confirm:$false -ErrorAction SilentlyContinue
        $records.Count | Should -Be 3
        (Get-ChildItem -LiteralPath $src).Name | Should -Be 'bad.bmp'
        foreach ($r in $records) { { Import-TextSketch -LiteralPath $r.Path -ErrorAction Stop } | Should -Not -Throw }
    }

    It 'removes nothing under -WhatIf' {
        Get-ChildItem -LiteralPath $src | ConvertTo-TextSketch -DestinationPath $out -RemoveSource -WhatIf | Out-Null
        @(Get-ChildItem -LiteralPath $src).Count | Should -Be 4
    }

    It 'keeps the source when its output exists and -Force is not given' {
        New-Item -ItemType Directory $out | Out-Null
        Set-Content -LiteralPath (Join-Path $out 'i1.tsk') -Value 'someone else''s file'
        Get-ChildItem -LiteralPath $src -Filter 'i1.bmp' | ConvertTo-TextSketch -DestinationPath $out -RemoveSource -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'OutputExists*'
        Test-Path -LiteralPath (Join-Path $src 'i1.bmp') | Should -BeTrue
    }

    It 'on resume removes a source only when the existing record is this source''s record' {
        New-Item -ItemType Directory $out | Out-Null
        # A valid record of a different image under i1's name.
        ConvertTo-TextSketch -LiteralPath (Join-Path $src 'i2.bmp') -Caption 'other' | ForEach-Object { [IO.File]::WriteAllBytes((Join-Path $out 'i1.tsk'), $_.GetBytes()) }
        ConvertTo-TextSketch -LiteralPath (Join-Path $src 'i3.bmp') -DestinationPath $out | Out-Null
        Get-ChildItem -LiteralPath $src -Filter 'i*.bmp' | ConvertTo-TextSketch -DestinationPath $out -SkipExisting -RemoveSource -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'VerificationFailed*'
        Test-Path -LiteralPath (Join-Path $src 'i1.bmp') | Should -BeTrue
        Test-Path -LiteralPath (Join-Path $src 'i3.bmp') | Should -BeFalse
    }

    It 'says to add -Confirm:$false when a non-interactive session cannot ask, and removes nothing' {
        # A scheduled job (cron, Task Scheduler) runs pwsh -NonInteractive: the removal cannot be confirmed there.
        $module = (Resolve-Path $ModuleUnderTest).Path
        $output = Invoke-FreshPwsh "Import-Module '$module'; try { Get-ChildItem -LiteralPath '$src' -Filter 'i*.bmp' | ConvertTo-TextSketch -DestinationPath '$out' -RemoveSource -Caption x | Out-Null } catch { 'ERRORID ' + `$_.FullyQualifiedErrorId; `$_.Exception.Message }" | Out-String -Width 1000
        $output | Should -Match 'ERRORID RemoveSourceNotConfirmed,'
        $output | Should -Match ([regex]::Escape('-Confirm:$false'))
        @(Get-ChildItem -LiteralPath $src -Filter 'i*.bmp').Count | Should -Be 3
    }

    It 'needs -DestinationPath' {
        { ConvertTo-TextSketch -LiteralPath (Join-Path $src 'i1.bmp') -RemoveSource -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'RemoveSourceWithoutDestination*'
    }
}

Describe 'deploy/run-shard.ps1' {
    It 'runs shards that together equal a single run' {
        $root = Get-TempFolder
        try {
            $photos = New-Item -ItemType Directory (Join-Path $root 'photos/sub') -Force
            1..6 | ForEach-Object { New-TestImage -LiteralPath (Join-Path $root "photos/p$_.jpg") -Seed $_ | Out-Null }
            1..3 | ForEach-Object { New-TestImage -LiteralPath (Join-Path $photos "q$_.png") -Seed (10 + $_) | Out-Null }
            $script = Join-Path $PSScriptRoot '../../deploy/run-shard.ps1'
            $module = (Resolve-Path $ModuleUnderTest).Path
            foreach ($i in 0, 1) {
                Invoke-FreshPwsh "& '$script' -Source '$root/photos' -Destination '$root/tsk' -Index $i -Count 2 -ModulePath '$module'" | Out-Null
            }
            (Get-ChildItem -LiteralPath "$root/tsk" -Recurse -Filter *.tsk).Count | Should -Be 9
            $logs = Get-ChildItem -LiteralPath "$root/tsk" -Filter 'shard-*.jsonl'
            $logs.Name | Sort-Object | Should -Be @('shard-0000-of-0002.jsonl', 'shard-0001-of-0002.jsonl')   # as deploy/README.md names them
            ($logs | ForEach-Object { (Get-Content -LiteralPath $_.FullName -Tail 1 | ConvertFrom-Json).summary.written } | Measure-Object -Sum).Sum | Should -Be 9
        }
        finally {
            Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}

Describe 'Stopping ConvertTo-TextSketch (Ctrl+C)' {
    It 'stops between items and leaves only complete records, no temporary files' {
        $root = Get-TempFolder
        try {
            $src = New-Item -ItemType Directory (Join-Path $root 'src')
            1..40 | ForEach-Object { New-TestImage -LiteralPath (Join-Path $src "s$_.bmp") -Seed $_ -Width 320 -Height 240 | Out-Null }
            $out = Join-Path $root 'out'
            $module = (Resolve-Path $ModuleUnderTest).Path
            $ps = [powershell]::Create()
            $null = $ps.AddScript("Import-Module '$module'; Get-ChildItem -LiteralPath '$src' | ConvertTo-TextSketch -DestinationPath '$out' -ThrottleLimit 2")
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ([DateTime]::UtcNow -lt $deadline -and @(Get-ChildItem -LiteralPath $out -Filter *.tsk -ErrorAction SilentlyContinue).Count -lt 2) { Start-Sleep -Milliseconds 10 }
            $ps.Stop()   # what Ctrl+C does to a running pipeline
            try { $ps.EndInvoke($async) } catch { }
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $ps.Dispose()
            $written = @(Get-ChildItem -LiteralPath $out -Filter *.tsk)
            $written.Count | Should -BeLessThan 40
            foreach ($file in $written) { { Import-TextSketch -LiteralPath $file.FullName -ErrorAction Stop } | Should -Not -Throw }
            Get-ChildItem -LiteralPath $out -Force -Filter '*.tmp' | Should -BeNullOrEmpty
        }
        finally {
            Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}

Describe '-ErrorAction Stop on a parallel job' {
    BeforeAll {
        $script:root = Get-TempFolder
        $script:src = New-Item -ItemType Directory (Join-Path $root 'src')
        1..16 | ForEach-Object { New-TestImage -LiteralPath (Join-Path $src ('p{0:d2}.bmp' -f $_)) -Seed $_ -Width 320 -Height 240 | Out-Null }
        $script:bad = Join-Path $src 'p04.bmp'
        Set-Content -LiteralPath $bad 'not an image'
        $script:out = Join-Path $root 'out'
    }

    AfterAll {
        Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'ConvertTo-TextSketch -ThrottleLimit 4 stops at the failing item: records before it, complete files only, and -SkipExisting finishes the job' {
        $records = [System.Collections.Generic.List[object]]::new()
        { Get-ChildItem -LiteralPath $src -File | Sort-Object Name | ConvertTo-TextSketch -Caption 'a test' -DestinationPath $out -ThrottleLimit 4 -ErrorAction Stop -WarningAction SilentlyContinue |
                ForEach-Object { $records.Add($_) } } | Should -Throw -ErrorId 'ImageFormatUnknown*'
        # Output stops in input order at the failing item; items already in flight may have written their files.
        @($records | ForEach-Object { Split-Path $_.Path -Leaf }) | Should -Be @('p01.tsk', 'p02.tsk', 'p03.tsk')
        $written = @(Get-ChildItem -LiteralPath $out -Force)
        $written.Name | Should -Not -Contain 'p04.tsk'
        $written | Where-Object Name -NotLike '*.tsk' | Should -BeNullOrEmpty   # no temporary or partial files
        foreach ($file in $written) { { Import-TextSketch -LiteralPath $file.FullName -ErrorAction Stop } | Should -Not -Throw }

        # Once the bad source is gone, a rerun with -SkipExisting skips exactly what was written and codes the rest.
        Remove-Item -LiteralPath $bad
        $verbose = Get-ChildItem -LiteralPath $src -File | ConvertTo-TextSketch -Caption 'a test' -DestinationPath $out -ThrottleLimit 4 -SkipExisting -ErrorAction Stop -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $verbose[-1].Message | Should -Match "^$(15 - $written.Count) compressed, $($written.Count) skipped, 0 failed"
        (Get-ChildItem -LiteralPath $out -Force).Name | Should -Be (1..16 | Where-Object { $_ -ne 4 } | ForEach-Object { 'p{0:d2}.tsk' -f $_ })
    }

    It 'Expand-TextSketch (parallel Paint decoder) stops at the failing record: complete images only, and -SkipExisting finishes the job' {
        $images = Join-Path $root 'images'
        $garbage = Join-Path $out 'p03.tsk'
        Set-Content -LiteralPath $garbage 'not a record'
        $files = [System.Collections.Generic.List[object]]::new()
        { Get-ChildItem -LiteralPath $out -Filter *.tsk | Sort-Object Name | Expand-TextSketch -DestinationPath $images -Decoder Paint -ErrorAction Stop |
                ForEach-Object { $files.Add($_) } } | Should -Throw -ErrorId 'TskNotARecord*'
        @($files.Name) | Should -Be @('p01.png', 'p02.png')
        $written = @(Get-ChildItem -LiteralPath $images -Force)
        $written | Where-Object Name -NotLike '*.png' | Should -BeNullOrEmpty
        foreach ($file in $written) { Get-PngSize -LiteralPath $file.FullName | Should -BeLike '*Width=320*Height=240*' }

        Remove-Item -LiteralPath $garbage
        $verbose = Get-ChildItem -LiteralPath $out -Filter *.tsk | Expand-TextSketch -DestinationPath $images -Decoder Paint -SkipExisting -ErrorAction Stop -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $verbose[-1].Message | Should -Match "^$(14 - $written.Count) expanded, $($written.Count) skipped, 0 failed"
        @(Get-ChildItem -LiteralPath $images -Force).Count | Should -Be 14
    }
}
