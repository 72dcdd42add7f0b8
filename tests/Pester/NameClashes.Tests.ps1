BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    $script:root = Get-TempFolder
    # pic.bmp in two folders (different pictures): a flat job gives both the name pic.
    $script:x = New-Item -ItemType Directory (Join-Path $root 'x')
    $script:y = New-Item -ItemType Directory (Join-Path $root 'y')
    New-TestImage -LiteralPath (Join-Path $x 'pic.bmp') -Seed 1 -Width 96 -Height 64 | Out-Null
    New-TestImage -LiteralPath (Join-Path $y 'pic.bmp') -Seed 2 -Width 64 -Height 96 | Out-Null
    New-TestImage -LiteralPath (Join-Path $x 'other.bmp') -Seed 3 | Out-Null
    $script:sources = @((Join-Path $x 'pic.bmp'), (Join-Path $y 'pic.bmp'), (Join-Path $x 'other.bmp'))
}

AfterAll {
    Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'One name-clash rule in both directions' {
    It 'ConvertTo-TextSketch gives the later same-named source its extension, says so once, and logs it' {
        $out = Join-Path $root 'tsk1'
        $log = Join-Path $root 'tsk1.jsonl'
        $records = ConvertTo-TextSketch -LiteralPath $sources -DestinationPath $out -LogPath $log -WarningVariable warned -WarningAction SilentlyContinue
        $records.Path | Should -Be @((Join-Path $out 'pic.tsk'), (Join-Path $out 'pic.bmp.tsk'), (Join-Path $out 'other.tsk'))
        $renames = @($warned | Where-Object { $_ -match 'already the output of an earlier item' })
        $renames.Count | Should -Be 1
        $renames[0] | Should -Match ([regex]::Escape("'$(Join-Path $y 'pic.bmp')' is written as '$(Join-Path $out 'pic.bmp.tsk')'"))
        $entry = Get-Content $log | ForEach-Object { $_ | ConvertFrom-Json } | Where-Object { $_.PSObject.Properties.Name -contains 'clashedWith' }
        $entry.source | Should -Be (Join-Path $y 'pic.bmp')
        $entry.clashedWith | Should -Be (Join-Path $out 'pic.tsk')
        (Get-Content $log -Tail 1 | ConvertFrom-Json).summary.renamed | Should -Be 1
    }

    It 'Expand-TextSketch gives same-named records distinct images by the same rule, instead of an error' {
        $tsk = Join-Path $root 'two-folders'
        ConvertTo-TextSketch -LiteralPath (Join-Path $x 'pic.bmp') -DestinationPath (Join-Path $tsk 'x') | Out-Null
        ConvertTo-TextSketch -LiteralPath (Join-Path $y 'pic.bmp') -DestinationPath (Join-Path $tsk 'y') | Out-Null
        $out = Join-Path $root 'png1'
        $files = Get-ChildItem -LiteralPath $tsk -Recurse -Filter *.tsk | Sort-Object FullName |
            Expand-TextSketch -DestinationPath $out -Decoder Preview -WarningVariable warned -WarningAction SilentlyContinue -ErrorVariable problems
        $problems | Should -BeNullOrEmpty
        $files.Name | Should -Be @('pic.png', 'pic.tsk.png')
        (Get-PngSize $files[0].FullName).Width | Should -Be 96
        (Get-PngSize $files[1].FullName).Width | Should -Be 64
        @($warned | Where-Object { $_ -match 'already the output of an earlier item' }).Count | Should -Be 1
    }

    It 'records in memory are named after their source image, the same way' {
        $out = Join-Path $root 'png2'
        $files = ConvertTo-TextSketch -LiteralPath $sources | Expand-TextSketch -DestinationPath $out -Decoder Preview -WarningAction SilentlyContinue
        $files.Name | Should -Be @('pic.png', 'pic.bmp.png', 'other.png')
    }
}

Describe '-SkipExisting resumes to the same names' {
    It 'reruns Expand-TextSketch after Ctrl+C without a single error, to exactly the files a clean run gives' {
        $many = New-Item -ItemType Directory (Join-Path $root 'many')
        1..30 | ForEach-Object { New-TestImage -LiteralPath (Join-Path $many "p$_.bmp") -Seed $_ -Width 320 -Height 240 | Out-Null }
        $records = @(ConvertTo-TextSketch -LiteralPath $sources) + @(Get-ChildItem -LiteralPath $many | Sort-Object Name | ConvertTo-TextSketch)
        $clean = Join-Path $root 'clean'
        $records | Expand-TextSketch -DestinationPath $clean -Decoder Preview -WarningAction SilentlyContinue | Out-Null

        # Ctrl+C part way: the pipeline is stopped between records.
        $xml = Join-Path $root 'records.xml'
        $records | Export-Clixml $xml
        $stopped = Join-Path $root 'stopped'
        $module = (Resolve-Path $ModuleUnderTest).Path
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$module'; Import-Clixml '$xml' | Expand-TextSketch -DestinationPath '$stopped' -Decoder Preview -WarningAction SilentlyContinue")
        $async = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ([DateTime]::UtcNow -lt $deadline -and @(Get-ChildItem -LiteralPath $stopped -Filter *.png -ErrorAction SilentlyContinue).Count -lt 4) { Start-Sleep -Milliseconds 5 }
        $ps.Stop()
        try { $ps.EndInvoke($async) } catch { }
        $ps.Dispose()
        @(Get-ChildItem -LiteralPath $stopped -Filter *.png).Count | Should -BeLessThan $records.Count
        # A process killed mid-write leaves a hidden temporary file; plant one for an image not yet written.
        $next = (Get-Tree $clean).Keys | Where-Object { -not (Test-Path -LiteralPath (Join-Path $stopped $_)) } | Select-Object -First 1
        Set-Content -LiteralPath (Join-Path $stopped (".{0}.{1}.tmp" -f $next, ('0' * 32))) -Value 'half'

        $records | Expand-TextSketch -DestinationPath $stopped -Decoder Preview -SkipExisting -ErrorVariable problems -WarningAction SilentlyContinue | Out-Null
        $problems | Should -BeNullOrEmpty
        $a = Get-Tree $clean
        $b = Get-Tree $stopped
        $b.Keys | Should -Be $a.Keys
        foreach ($key in $a.Keys) { $b[$key] | Should -Be $a[$key] -Because $key }
    }

    It 'reruns ConvertTo-TextSketch with clashing names to the same records, skipping every one' {
        $out = Join-Path $root 'tsk2'
        $first = ConvertTo-TextSketch -LiteralPath $sources -DestinationPath $out -WarningAction SilentlyContinue
        $again = ConvertTo-TextSketch -LiteralPath $sources -DestinationPath $out -SkipExisting -WarningAction SilentlyContinue -Verbose 4>&1
        $records = $again | Where-Object { $_ -is [TextSketch.TextSketchRecord] }
        $records.Path | Should -Be $first.Path
        @($again | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -like 'Skipped*' }).Count | Should -Be 3
    }
}

Describe '-WhatIf and -Verbose with -SkipExisting announce only the writes that will happen' {
    BeforeAll {
        $script:tskOut = Join-Path $root 'whatif-tsk'
        ConvertTo-TextSketch -LiteralPath (Join-Path $x 'pic.bmp') -DestinationPath $tskOut | Out-Null
        $script:pngOut = Join-Path $root 'whatif-png'
        Import-TextSketch -LiteralPath (Join-Path $tskOut 'pic.tsk') | Expand-TextSketch -DestinationPath $pngOut -Decoder Preview | Out-Null
        $script:module = (Resolve-Path $ModuleUnderTest).Path
    }

    It 'ConvertTo-TextSketch -WhatIf' {
        $output = Invoke-FreshPwsh "Import-Module '$module'; ConvertTo-TextSketch -LiteralPath '$(Join-Path $x 'pic.bmp')', '$(Join-Path $x 'other.bmp')' -DestinationPath '$tskOut' -SkipExisting -WhatIf | Out-Null" | Out-String -Width 1000
        $lines = @($output -split "`n" | Where-Object { $_ -match 'What if:' })
        $lines.Count | Should -Be 1
        $lines[0] | Should -Match ([regex]::Escape((Join-Path $tskOut 'other.tsk')))
        Test-Path (Join-Path $tskOut 'other.tsk') | Should -BeFalse
    }

    It 'ConvertTo-TextSketch -Verbose' {
        $stream = ConvertTo-TextSketch -LiteralPath (Join-Path $x 'pic.bmp') -DestinationPath $tskOut -SkipExisting -Verbose 4>&1
        $messages = @($stream | Where-Object { $_ -is [Management.Automation.VerboseRecord] }).Message
        $messages | Where-Object { $_ -match 'Performing the operation' } | Should -BeNullOrEmpty
        $messages | Should -Contain "Skipped '$(Join-Path $x 'pic.bmp')': '$(Join-Path $tskOut 'pic.tsk')' already holds a valid record."
    }

    It 'Expand-TextSketch -WhatIf' {
        $tsk = Join-Path $tskOut 'pic.tsk'
        $other = ConvertTo-TextSketch -LiteralPath (Join-Path $x 'other.bmp') -DestinationPath (Join-Path $root 'whatif-other')
        $output = Invoke-FreshPwsh "Import-Module '$module'; Expand-TextSketch -LiteralPath '$tsk', '$($other.Path)' -DestinationPath '$pngOut' -Decoder Preview -SkipExisting -WhatIf | Out-Null" | Out-String -Width 1000
        $lines = @($output -split "`n" | Where-Object { $_ -match 'What if:' })
        $lines.Count | Should -Be 1
        $lines[0] | Should -Match ([regex]::Escape((Join-Path $pngOut 'other.png')))
    }

    It 'Expand-TextSketch -Verbose' {
        $stream = Expand-TextSketch -LiteralPath (Join-Path $tskOut 'pic.tsk') -DestinationPath $pngOut -Decoder Preview -SkipExisting -Verbose 4>&1
        $messages = @($stream | Where-Object { $_ -is [Management.Automation.VerboseRecord] }).Message
        $messages | Where-Object { $_ -match 'Performing the operation' } | Should -BeNullOrEmpty
        $messages | Should -Contain "Skipped '$(Join-Path $tskOut 'pic.tsk')': '$(Join-Path $pngOut 'pic.png')' already holds its image."
    }
}
