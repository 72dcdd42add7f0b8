BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    $script:root = Get-TempFolder
    # 200x170: big enough for MS-SSIM's five scales, so every quality column has a value.
    $script:photos = New-Item -ItemType Directory (Join-Path $root 'photos')
    New-TestImage -LiteralPath (Join-Path $photos 'one.bmp') -Width 200 -Height 170 -Seed 1 | Out-Null
    New-TestImage -LiteralPath (Join-Path $photos 'two [b].bmp') -Width 120 -Height 80 -Seed 2 | Out-Null
    New-TestImage -LiteralPath (Join-Path $photos 'three.bmp') -Width 90 -Height 130 -Seed 3 | Out-Null
    $script:records = Get-ChildItem -LiteralPath $photos | Sort-Object Name | ConvertTo-TextSketch -DestinationPath (Join-Path $root 'arch') -Caption 'a test picture'

    function Get-ViewColumns {
        # Column names of the module's default views, by type: table headers (the label, else the item's property)
        # and list items.
        $file = Join-Path $ModuleUnderTest 'TextSketch.format.ps1xml'
        $xml = [xml](Get-Content $file -Raw)
        foreach ($view in $xml.Configuration.ViewDefinitions.View) {
            $type = $view.ViewSelectedBy.TypeName
            if ($view.TableControl) {
                $headers = @($view.TableControl.TableHeaders.TableColumnHeader)
                $items = @($view.TableControl.TableRowEntries.TableRowEntry.TableColumnItems.TableColumnItem)
                for ($i = 0; $i -lt $items.Count; $i++) {
                    $label = $headers[$i].Label
                    [pscustomobject]@{ Type = $type; Column = if ($label) { $label } else { $items[$i].PropertyName } }
                }
            }
            else {
                foreach ($item in $view.ListControl.ListEntries.ListEntry.ListItems.ListItem) {
                    [pscustomobject]@{ Type = $type; Column = if ($item.Label) { $item.Label } else { $item.PropertyName } }
                }
            }
        }
    }

    function Get-PngBytes {
        # The PNG that Expand-TextSketch writes for each of -InputObject (piped to it), as base64 strings, in order.
        param([Parameter(Mandatory)] [object[]] $InputObject, [Parameter(Mandatory)][string] $Destination)
        $pngs = @($InputObject | Expand-TextSketch -DestinationPath $Destination -Decoder Preview -ErrorAction Stop |
                ForEach-Object { [Convert]::ToBase64String([IO.File]::ReadAllBytes($_.FullName)) })
        $pngs.Count | Should -Be $InputObject.Count -Because 'every record expands'
        $pngs
    }
}

AfterAll {
    Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Default views show properties' {
    BeforeAll {
        $tiny = Get-TempFolder
        $generator = Join-Path $PSScriptRoot '../../tools/TextSketch.TinyModels/TextSketch.TinyModels.csproj'
        dotnet run --project $generator -c Release -- (Join-Path $PSScriptRoot '../../models') $tiny | Out-Null
        if ($LASTEXITCODE -ne 0) { throw 'The tiny model packs could not be generated.' }
        $restored = Join-Path $root 'restored'
        $records | Expand-TextSketch -DestinationPath $restored -Decoder Preview | Out-Null
        # One object of every type the module formats, each with every value a column can show (CLIP from the tiny pack).
        $samples = @{
            'TextSketch.TextSketchRecord'    = $records[0]
            'TextSketch.ModelPackInfo'       = Get-TextSketchModel -Name hed -ModelRoot $tiny
            'TextSketch.TextSketchQuality'   = Measure-TextSketch -ReferencePath (Join-Path $photos 'one.bmp') -Path (Join-Path $restored 'one.png') -ModelRoot $tiny
            'TextSketch.TextSketchQualitySet' = Measure-TextSketch -ReferencePath $photos -Path $restored -ModelRoot $tiny
        }
    }

    AfterAll { Remove-Item $tiny -Recurse -Force -ErrorAction SilentlyContinue }

    It 'has one sample object for every formatted type' {
        @(Get-ViewColumns).Type | Sort-Object -Unique | Should -Be @($samples.Keys | Sort-Object)
    }

    It 'every column of the <_> view is a property with a value' -ForEach @(
        'TextSketch.TextSketchRecord', 'TextSketch.ModelPackInfo', 'TextSketch.TextSketchQuality', 'TextSketch.TextSketchQualitySet'
    ) {
        $columns = @(Get-ViewColumns | Where-Object Type -eq $_ | ForEach-Object Column)
        $columns.Count | Should -BeGreaterThan 2
        $selected = $samples[$_] | Select-Object -Property $columns
        foreach ($column in $columns) {
            $samples[$_].PSObject.Properties[$column] | Should -Not -BeNullOrEmpty -Because "the $_ view shows a '$column' column"
            "$($selected.$column)" | Should -Not -BeNullOrEmpty -Because "Select-Object $column of a $_"
        }
    }

    It 'shows the record''s Name, Size and Bytes as Select, Sort, Where, Group and Export-Csv see them' {
        $r = $records[0]
        $r.Name | Should -Be 'one.bmp'
        $r.Size | Should -Be '200x170'
        $r.Bytes | Should -Be $r.TotalBytes
        ($r | Format-Table | Out-String) | Should -Match ([regex]::Escape("one.bmp")) 
        ($r | Format-Table | Out-String) | Should -Match "200x170\s+$($r.Bytes)\s+$([regex]::Escape($r.Bpp.ToString('0.0000')))"

        $sorted = $records | Sort-Object Bytes
        $sorted.Bytes | Should -Be ($records.TotalBytes | Sort-Object)
        ($records | Sort-Object Bytes -Descending)[0].Bytes | Should -Be ($records.TotalBytes | Measure-Object -Maximum).Maximum
        @($records | Where-Object Bytes -gt 0).Count | Should -Be 3
        @($records | Group-Object Size).Count | Should -Be 3
        $csv = Join-Path $root 'records.csv'
        $records | Select-Object Name, Size, Bytes, Bpp, Caption | Export-Csv $csv
        $rows = Import-Csv $csv
        $rows.Name | Should -Be $records.Name
        [int[]]$rows.Bytes | Should -Be $records.Bytes
    }

    It 'sorts packs by Size as a number' {
        $packs = Get-TextSketchModel -ModelRoot $tiny -Installed | Sort-Object Size
        $packs.Size | Should -Be ($packs.SizeBytes | Sort-Object)
        $packs[0].Size | Should -BeOfType ([long])
    }
}

Describe 'Deserialized records' {
    BeforeAll {
        $live = Get-PngBytes -InputObject $records -Destination (Join-Path $root 'live')
    }

    It 'carry their .tsk bytes' {
        $records[0].TskBytes | Should -Be ([IO.File]::ReadAllBytes($records[0].Path))
    }

    It 'expand from Export-Clixml / Import-Clixml exactly like live ones' {
        $xml = Join-Path $root 'records.xml'
        $records | Export-Clixml $xml
        $back = Import-Clixml $xml
        $back[0].PSObject.TypeNames | Should -Contain 'Deserialized.TextSketch.TextSketchRecord'
        Get-PngBytes -InputObject $back -Destination (Join-Path $root 'clixml') | Should -Be $live
    }

    It 'expand from Start-Job exactly like live ones' {
        $module = (Resolve-Path $ModuleUnderTest).Path
        $job = Start-Job -ScriptBlock {
            param($module, $photos)
            Import-Module $module
            Get-ChildItem -LiteralPath $photos | Sort-Object Name | ConvertTo-TextSketch -Caption 'a test picture'
        } -ArgumentList $module, $photos.FullName
        $fromJob = $job | Receive-Job -Wait -AutoRemoveJob -ErrorAction Stop
        $fromJob.Count | Should -Be 3
        $fromJob[0].PSObject.TypeNames | Should -Contain 'Deserialized.TextSketch.TextSketchRecord'
        $fromJob.Caption | Should -Be $records.Caption
        Get-PngBytes -InputObject $fromJob -Destination (Join-Path $root 'job') | Should -Be $live
    }

    It 'expand from ForEach-Object -Parallel exactly like live ones' {
        $module = (Resolve-Path $ModuleUnderTest).Path
        $parallel = Get-ChildItem -LiteralPath $photos | Sort-Object Name | ForEach-Object -ThrottleLimit 2 -Parallel {
            Import-Module $using:module
            ConvertTo-TextSketch -LiteralPath $_.FullName -Caption 'a test picture'
        }
        $parallel = $parallel | Sort-Object { $_.SourcePath }
        Get-PngBytes -InputObject $parallel -Destination (Join-Path $root 'parallel') | Should -Be (Get-PngBytes -InputObject ($records | Sort-Object SourcePath) -Destination (Join-Path $root 'live-sorted'))
    }

    It 'convert with a cast and keep their paths' {
        $back = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($records[0]))
        $again = [TextSketch.TextSketchRecord]$back
        $again.Path | Should -Be $records[0].Path
        $again.SourcePath | Should -Be $records[0].SourcePath
        $again.TskBytes | Should -Be $records[0].TskBytes
    }

    It 'refuse a tampered copy with the checksum error a .tsk file gets' {
        $back = [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($records[0]))
        $back.TskBytes[10] = $back.TskBytes[10] -bxor 0xFF
        { [TextSketch.TextSketchRecord]$back } | Should -Throw '*checksum*'
        # Piped, it binds to nothing that decodes (the binder then tries it as a -Path): nothing is written.
        $back | Expand-TextSketch -DestinationPath (Join-Path $root 'tampered') -Decoder Preview -ErrorAction SilentlyContinue -ErrorVariable problems
        $problems | Should -Not -BeNullOrEmpty
        Get-ChildItem (Join-Path $root 'tampered') -File -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}
