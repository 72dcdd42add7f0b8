<#
Rebuilds src/TextSketch.Core/Coding/Text/caption-corpus.txt, the corpus the English caption model is built from.

Source: the glosses (definitions and example sentences) of WordNet 3.0, from Debian's wordnet-base package
(apt-get download wordnet-base; dpkg -x). Licence: the WordNet 3.0 licence (permissive, notice required; see
src/TextSketch.Core/Coding/Text/README.md). Every gloss is split at ';', stripped of quotes and parenthesised
asides, whitespace-collapsed; pieces of 12-120 printable ASCII characters are kept, and every 20th of them (in
file order: data.noun, data.verb, data.adj, data.adv) goes into the corpus, one per line.

Changing the corpus changes the model: records coded with caption coder 1 would no longer decode. A new corpus
needs a new caption coder id.
#>
param(
    [Parameter(Mandatory)][string] $WordNetDataPath,
    [string] $OutputPath = (Join-Path $PSScriptRoot '../../src/TextSketch.Core/Coding/Text/caption-corpus.txt')
)

$ErrorActionPreference = 'Stop'
$latin1 = [Text.Encoding]::Latin1
$pieces = [System.Collections.Generic.List[string]]::new()
foreach ($pos in 'noun', 'verb', 'adj', 'adv') {
    foreach ($line in [IO.File]::ReadLines((Join-Path $WordNetDataPath "data.$pos"), $latin1)) {
        if ($line.StartsWith('  ')) { continue }
        $bar = $line.IndexOf('|')
        if ($bar -lt 0) { continue }
        foreach ($part in $line.Substring($bar + 1).Trim().Split(';')) {
            $text = $part.Trim().Trim('"').Trim()
            $text = [regex]::Replace($text, '\([^)]*\)', '')
            $text = [regex]::Replace($text, '\s+', ' ').Trim()
            if ($text.Length -lt 12 -or $text.Length -gt 120) { continue }
            if ([regex]::IsMatch($text, '[^\x20-\x7e]')) { continue }
            $pieces.Add($text)
        }
    }
}

$selected = for ($i = 0; $i -lt $pieces.Count; $i += 20) { $pieces[$i] }
[IO.File]::WriteAllText($OutputPath, ($selected -join "`n") + "`n", [Text.UTF8Encoding]::new($false))
Write-Host "$($selected.Count) lines, $((Get-Item $OutputPath).Length) bytes -> $OutputPath"
