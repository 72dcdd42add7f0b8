<#
Builds MAML help (<assembly>-Help.xml) for the module's cmdlets from docs/en-US/<Cmdlet>.md.

The markdown holds the prose (SYNOPSIS, DESCRIPTION, EXAMPLES, PARAMETERS, INPUTS, OUTPUTS, NOTES, RELATED LINKS,
as "## " sections; examples and parameters as "### " entries). Syntax, types, positions, pipeline input and aliases
come from the compiled cmdlets themselves, so the help cannot drift from the code. Default values come from the
parameter's text ("Default: ...", "X (default)", "(default N)"), else from the value a new cmdlet object holds.
Related links are "- text" or "- [text](uri)" lines; with -OnlineUriFormat each cmdlet's first link is its
"Online Version:" page (what Get-Help -Online opens). about_*.md files become about_*.help.txt topics.
#>
param(
    [Parameter(Mandatory)][string] $ModulePath,
    [Parameter(Mandatory)][string] $DocsPath,
    [Parameter(Mandatory)][string] $OutputPath,
    # e.g. 'https://host/project/blob/main/docs/en-US/{0}.md'; {0} is the cmdlet name.
    [string] $OnlineUriFormat
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$module = Import-Module $ModulePath -PassThru -Force

function Split-Sections {
    # "## Title" sections of a markdown text, keyed by upper-case title.
    param([string] $Text, [string] $Marker)
    $sections = [ordered]@{}
    $current = $null
    foreach ($line in $Text -split "`r?`n") {
        if ($line -match "^$Marker\s+(.+?)\s*$") {
            $current = $Matches[1]
            $sections[$current] = [System.Collections.Generic.List[string]]::new()
        }
        elseif ($null -ne $current) {
            $sections[$current].Add($line)
        }
    }
    $sections
}

function ConvertTo-Paragraphs {
    # Blank-line separated paragraphs; list items and indented lines are kept as their own paragraphs.
    param([string[]] $Lines)
    $paragraphs = [System.Collections.Generic.List[string]]::new()
    $buffer = [System.Collections.Generic.List[string]]::new()
    foreach ($line in $Lines) {
        if ($line.Trim() -eq '') {
            if ($buffer.Count) { $paragraphs.Add(($buffer -join ' ')); $buffer.Clear() }
        }
        elseif ($line -match '^\s*[-*]\s' -or $line -match '^\s{4}') {
            if ($buffer.Count) { $paragraphs.Add(($buffer -join ' ')); $buffer.Clear() }
            $paragraphs.Add($line.TrimEnd())
        }
        else {
            $buffer.Add($line.Trim())
        }
    }
    if ($buffer.Count) { $paragraphs.Add(($buffer -join ' ')) }
    $paragraphs
}

function Add-Paragraphs {
    param([System.Xml.XmlWriter] $Writer, [string[]] $Lines)
    foreach ($paragraph in ConvertTo-Paragraphs $Lines) {
        $Writer.WriteElementString('maml', 'para', $maml, ($paragraph -replace '`', ''))
    }
}

function Get-ValueType {
    # The type a user passes: Nullable<T> is written and bound as T.
    param([type] $Type)
    $underlying = [Nullable]::GetUnderlyingType($Type)
    if ($underlying) { $underlying } else { $Type }
}

function Get-TypeName {
    param([type] $Type)
    $Type = Get-ValueType $Type
    if ($Type -eq [System.Management.Automation.SwitchParameter]) { return 'SwitchParameter' }
    if ($Type.IsArray) { return (Get-TypeName $Type.GetElementType()) + '[]' }
    $Type.Name
}

function Get-AcceptedValues {
    # An enum's names, or a [ValidateSet]'s values; $null when the parameter takes any value of its type.
    param([System.Management.Automation.ParameterMetadata] $Meta)
    $set = $Meta.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
    if ($set) { return @($set.ValidValues) }
    $type = Get-ValueType $Meta.ParameterType
    if ($type.IsArray) { $type = Get-ValueType $type.GetElementType() }
    if ($type.IsEnum) { return @([enum]::GetNames($type)) }
    $null
}

function Get-DefaultValue {
    # What the parameter is when it is not given: from its text first (it can say "the pack's" or "the number of
    # processors", which no object holds), else from a new cmdlet object, else "None".
    param([string[]] $Lines, [object] $Instance, [string] $Name, [System.Management.Automation.ParameterMetadata] $Meta)
    $text = (ConvertTo-Paragraphs $Lines) -join ' ' -replace '`', ''
    $explicit = @($Lines | Where-Object { $_ -match '^\s*Default value:\s*(?<v>.+?)\s*$' } | ForEach-Object { $Matches['v'] })
    if ($explicit.Count) { return $explicit[0] }
    # Sentences of the forms the help sources use; each anchored to a sentence start or a colon, so a "default"
    # inside another phrase ("the pack's task, <CAPTION> by default") is not taken for the parameter's.
    $patterns = @(
        '(?:^|\.\s+)(?-i:Default):?\s+(?<v>[^;]+?)(?:\.(?=\s|$)|;|$)'
        '(?:^|:\s+)(?<v>[^\s(:]+) \(default[,;)]'
        '\((?:[^()]*,\s*)?default:?\s+(?<v>[^(),;]+)\)'
        '(?:^|\.\s+)(?-i:By default),?\s+(?<v>[^,;.]+)'
    )
    foreach ($pattern in $patterns) {
        if ($text -match $pattern) { return $Matches['v'].Trim() }
    }
    if ($Meta.ParameterType -eq [System.Management.Automation.SwitchParameter]) { return 'False' }
    if ($null -ne $Instance) {
        $value = $Instance.$Name
        if ($null -ne $value -and "$value" -ne '' -and -not ($value -is [array] -and $value.Count -eq 0)) { return "$value" }
    }
    'None'
}

function Write-ParameterValue {
    # <command:parameterValue> (the type), or for a parameter with a fixed set of values the group Get-Help shows
    # as {A | B | C}.
    param([System.Xml.XmlWriter] $Writer, [System.Management.Automation.ParameterMetadata] $Meta, [bool] $InSyntax)
    $values = Get-AcceptedValues $Meta
    if ($InSyntax -and $values) {
        $Writer.WriteStartElement('command', 'parameterValueGroup', $command)
        foreach ($value in $values) {
            $Writer.WriteStartElement('command', 'parameterValue', $command)
            $Writer.WriteAttributeString('required', 'false')
            $Writer.WriteAttributeString('variableLength', 'false')
            $Writer.WriteString($value)
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
        return
    }
    $Writer.WriteStartElement('command', 'parameterValue', $command)
    $Writer.WriteAttributeString('required', 'true')
    $Writer.WriteString((Get-TypeName $Meta.ParameterType))
    $Writer.WriteEndElement()
}

$maml = 'http://schemas.microsoft.com/maml/2004/10'
$command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
$common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters

New-Item -ItemType Directory -Path $OutputPath -Force | Out-Null
$assemblyName = [IO.Path]::GetFileName($module.Path)
if ($module.Path.EndsWith('.psd1')) {
    $assemblyName = (Import-PowerShellDataFile $module.Path).RootModule
}
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$writer = [System.Xml.XmlWriter]::Create((Join-Path $OutputPath "$assemblyName-Help.xml"), $settings)
$writer.WriteStartDocument()
$writer.WriteStartElement('helpItems', 'http://msh')
$writer.WriteAttributeString('schema', 'maml')

$missing = [System.Collections.Generic.List[string]]::new()
foreach ($cmdlet in Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name) {
    $docFile = Join-Path $DocsPath "$($cmdlet.Name).md"
    if (-not (Test-Path $docFile)) { $missing.Add($cmdlet.Name); continue }
    $sections = Split-Sections (Get-Content $docFile -Raw) '##'
    $parameterDocs = Split-Sections (($sections['PARAMETERS'] ?? @()) -join "`n") '###'
    $exampleDocs = Split-Sections (($sections['EXAMPLES'] ?? @()) -join "`n") '###'

    $writer.WriteStartElement('command', 'command', $command)
    $writer.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $writer.WriteAttributeString('xmlns', 'dev', $null, $dev)

    $writer.WriteStartElement('command', 'details', $command)
    $writer.WriteElementString('command', 'name', $command, $cmdlet.Name)
    $writer.WriteStartElement('maml', 'description', $maml); Add-Paragraphs $writer $sections['SYNOPSIS']; $writer.WriteEndElement()
    $writer.WriteElementString('command', 'verb', $command, $cmdlet.Verb)
    $writer.WriteElementString('command', 'noun', $command, $cmdlet.Noun)
    $writer.WriteEndElement()

    $writer.WriteStartElement('maml', 'description', $maml); Add-Paragraphs $writer $sections['DESCRIPTION']; $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'syntax', $command)
    foreach ($set in $cmdlet.ParameterSets) {
        $writer.WriteStartElement('command', 'syntaxItem', $command)
        $writer.WriteElementString('maml', 'name', $maml, $cmdlet.Name)
        foreach ($p in $set.Parameters | Where-Object { $_.Name -notin $common }) {
            $writer.WriteStartElement('command', 'parameter', $command)
            $writer.WriteAttributeString('required', $p.IsMandatory.ToString().ToLowerInvariant())
            $writer.WriteAttributeString('position', $(if ($p.Position -ge 0) { $p.Position } else { 'named' }))
            $writer.WriteElementString('maml', 'name', $maml, $p.Name)
            if ($p.ParameterType -ne [System.Management.Automation.SwitchParameter]) {
                Write-ParameterValue $writer $cmdlet.Parameters[$p.Name] $true
            }
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    # A new cmdlet object holds each parameter's initial value (the code's default).
    $instance = try { [Activator]::CreateInstance($cmdlet.ImplementingType) } catch { $null }
    $writer.WriteStartElement('command', 'parameters', $command)
    foreach ($name in $cmdlet.Parameters.Keys | Where-Object { $_ -notin $common }) {
        $meta = $cmdlet.Parameters[$name]
        $attributes = @($meta.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
        $byValue = [bool]($attributes | Where-Object ValueFromPipeline)
        $byName = [bool]($attributes | Where-Object ValueFromPipelineByPropertyName)
        $pipeline = if ($byValue -and $byName) { 'True (ByValue, ByPropertyName)' } elseif ($byValue) { 'True (ByValue)' } elseif ($byName) { 'True (ByPropertyName)' } else { 'False' }
        $positioned = @($attributes | Where-Object { $_.Position -ge 0 })
        $position = if ($positioned.Count) { $positioned[0].Position } else { $null }
        $writer.WriteStartElement('command', 'parameter', $command)
        $writer.WriteAttributeString('required', ([bool]($attributes | Where-Object Mandatory)).ToString().ToLowerInvariant())
        $writer.WriteAttributeString('globbing', ([bool]($meta.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })).ToString().ToLowerInvariant())
        $writer.WriteAttributeString('pipelineInput', $pipeline)
        $writer.WriteAttributeString('position', $(if ($null -ne $position) { $position } else { 'named' }))
        $writer.WriteAttributeString('aliases', $(if ($meta.Aliases.Count) { $meta.Aliases -join ', ' } else { 'none' }))
        $writer.WriteElementString('maml', 'name', $maml, $name)
        $writer.WriteStartElement('maml', 'description', $maml)
        $text = $parameterDocs["-$name"]
        if ($null -eq $text) { $missing.Add("$($cmdlet.Name) -$name") } else { Add-Paragraphs $writer @($text | Where-Object { $_ -notmatch '^\s*Default value:' }) }
        $values = Get-AcceptedValues $meta
        if ($values) { $writer.WriteElementString('maml', 'para', $maml, "Accepted values: $($values -join ', ')") }
        $writer.WriteEndElement()
        Write-ParameterValue $writer $meta $false
        $writer.WriteStartElement('dev', 'type', $dev); $writer.WriteElementString('maml', 'name', $maml, (Get-ValueType $meta.ParameterType).FullName); $writer.WriteEndElement()
        $default = if ([bool]($attributes | Where-Object Mandatory)) { 'None' } else { Get-DefaultValue $text $instance $name $meta }
        $writer.WriteElementString('dev', 'defaultValue', $dev, $default)
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    foreach ($kind in @(@{ Section = 'INPUTS'; List = 'inputTypes'; Item = 'inputType' }, @{ Section = 'OUTPUTS'; List = 'returnValues'; Item = 'returnValue' })) {
        $writer.WriteStartElement('command', $kind.List, $command)
        $entries = Split-Sections (($sections[$kind.Section] ?? @()) -join "`n") '###'
        foreach ($typeName in $entries.Keys) {
            $writer.WriteStartElement('command', $kind.Item, $command)
            $writer.WriteStartElement('dev', 'type', $dev); $writer.WriteElementString('maml', 'name', $maml, $typeName); $writer.WriteEndElement()
            $writer.WriteStartElement('maml', 'description', $maml); Add-Paragraphs $writer $entries[$typeName]; $writer.WriteEndElement()
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()
    }

    $writer.WriteStartElement('maml', 'alertSet', $maml)
    $writer.WriteStartElement('maml', 'alert', $maml); Add-Paragraphs $writer ($sections['NOTES'] ?? @()); $writer.WriteEndElement()
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'examples', $command)
    $number = 0
    foreach ($title in $exampleDocs.Keys) {
        $number++
        $lines = $exampleDocs[$title]
        $code = [System.Collections.Generic.List[string]]::new()
        $remarks = [System.Collections.Generic.List[string]]::new()
        $inCode = $false
        foreach ($line in $lines) {
            if ($line -match '^```') { $inCode = -not $inCode; continue }
            if ($inCode) { $code.Add($line) } else { $remarks.Add($line) }
        }
        $writer.WriteStartElement('command', 'example', $command)
        $writer.WriteElementString('maml', 'title', $maml, "-------------------------- $title --------------------------")
        $writer.WriteElementString('dev', 'code', $dev, ($code -join "`n"))
        $writer.WriteStartElement('dev', 'remarks', $dev); Add-Paragraphs $writer $remarks; $writer.WriteEndElement()
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'relatedLinks', $command)
    $links = [System.Collections.Generic.List[object]]::new()
    if ($OnlineUriFormat) { $links.Add(@('Online Version:', ($OnlineUriFormat -f $cmdlet.Name))) }
    foreach ($line in $sections['RELATED LINKS'] ?? @()) {
        # Each line is matched on its own: $Matches belongs to the line being written.
        if ($line -match '^\s*-\s*\[(?<text>[^\]]+)\]\((?<uri>[^)]+)\)\s*$') { $links.Add(@($Matches['text'].Trim(), $Matches['uri'].Trim())) }
        elseif ($line -match '^\s*-\s*(?<text>.+?)\s*$') {
            $text = $Matches['text']
            $links.Add(@($text, $(if ($text -match '^https?://') { $text } else { '' })))
        }
    }
    foreach ($link in $links) {
        $writer.WriteStartElement('maml', 'navigationLink', $maml)
        $writer.WriteElementString('maml', 'linkText', $maml, $link[0])
        $writer.WriteElementString('maml', 'uri', $maml, $link[1])
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteEndElement() # command
}

$writer.WriteEndElement()
$writer.WriteEndDocument()
$writer.Dispose()

foreach ($about in Get-ChildItem $DocsPath -Filter 'about_*.md') {
    $text = (Get-Content $about.FullName -Raw) -replace '(?m)^#+\s*', '' -replace '```\w*', ''
    Set-Content -Path (Join-Path $OutputPath ($about.BaseName + '.help.txt')) -Value $text -Encoding utf8
}

if ($missing.Count) {
    throw "Help is missing for: $($missing -join '; ')"
}
Write-Host "Help written to $OutputPath"
