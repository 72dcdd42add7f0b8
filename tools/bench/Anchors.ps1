# Shared by the quality (30) and rate-distortion (35) sections: the classical codecs at the plan's byte budgets
# (tools/TextSketch.Bench anchors: WebP, AVIF, JPEG XL, best PSNR of any thumbnail size and quality that fits), and
# their results as rows beside the TextSketch rows. Dot-source it; it is not a section (no NN- prefix).

function Invoke-AnchorSearch {
    # Writes $Plan to $PlanFile and returns the anchors file. The search takes minutes, so its results are kept in
    # $AnchorWork and reused while the plan and the search code are unchanged.
    param(
        [Parameter(Mandatory)][string] $RepoRoot,
        [Parameter(Mandatory)][string] $BenchDll,
        [Parameter(Mandatory)][object[]] $Plan,
        [Parameter(Mandatory)][string] $PlanFile,
        [Parameter(Mandatory)][string] $AnchorWork
    )
    $Plan | ConvertTo-Json -Depth 5 | Set-Content $PlanFile
    $anchorSources = 'AnchorCodec.cs', 'AnchorSearch.cs', 'Records.cs', 'Program.cs' | ForEach-Object { Join-Path $RepoRoot "tools/TextSketch.Bench/$_" }
    $key = (($anchorSources + $PlanFile | ForEach-Object { (Get-FileHash $_).Hash }) -join '')
    $keyFile = Join-Path $AnchorWork 'key.txt'
    $anchorFile = Join-Path $AnchorWork 'anchors.json'
    if ((Test-Path $keyFile) -and (Get-Content $keyFile -Raw).Trim() -eq $key -and (Test-Path $anchorFile)) {
        Write-Host "Reusing the anchor codec results in $AnchorWork (same plan, same search code)."
    }
    else {
        if (Test-Path $AnchorWork) { Remove-Item $AnchorWork -Recurse -Force }
        New-Item -ItemType Directory -Force -Path $AnchorWork | Out-Null
        dotnet $BenchDll anchors $PlanFile $AnchorWork $anchorFile | Out-Host
        if ($LASTEXITCODE -ne 0) { throw 'The anchor codecs failed.' }
        Set-Content $keyFile $key
    }
    $anchorFile
}

function ConvertFrom-AnchorResult {
    # One result row per anchor in $AnchorFile, sized like its photo's first row in $Rows; $Extra adds properties
    # every row of the section carries.
    param(
        [Parameter(Mandatory)][string] $AnchorFile,
        [Parameter(Mandatory)][object[]] $Photos,
        [Parameter(Mandatory)][object[]] $Rows,
        [hashtable] $Extra = @{}
    )
    foreach ($a in (Get-Content $AnchorFile -Raw | ConvertFrom-Json)) {
        $photo = $Photos | Where-Object BaseName -eq $a.Name
        $size = $Rows | Where-Object { $_.Name -eq $a.Name } | Select-Object -First 1
        $row = [pscustomobject]@{
            Name = $a.Name; Codec = $a.Codec; BudgetLabel = $a.BudgetLabel; Fits = $a.Fits; Bytes = $a.Bytes
            Bpp = $a.Bytes * 8.0 / ($size.Width * $size.Height)
            Setting = $(if ($a.Fits) { "$($a.ThumbWidth)x$($a.ThumbHeight) $($a.Setting)" } else { "needs > $($a.Budget) B" })
            EncodeMs = $(if ($a.Fits) { $a.EncodeMs } else { $null }); Photo = $photo.FullName; Path = $a.Path; SketchPath = $null
            Width = $size.Width; Height = $size.Height
        }
        foreach ($name in $Extra.Keys | Sort-Object) { $row | Add-Member -NotePropertyName $name -NotePropertyValue $Extra[$name] }
        $row
    }
}
