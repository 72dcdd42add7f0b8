@{
    RootModule             = 'TextSketch.PowerShell.dll'
    ModuleVersion          = '0.1.0'
    GUID                   = '6d7b3c1e-2f4a-4e8b-9a57-3c1d0e9b7f42'
    Author                 = 'TextSketch developers'
    CompanyName            = 'TextSketch'
    Copyright              = '(c) TextSketch developers. MIT License.'
    Description            = 'Compresses images at ultra-low rates into records of a caption, a coded edge sketch and a colour hint, and expands them back (Text + Sketch, Lei et al. 2023).'
    CompatiblePSEditions   = @('Core')
    PowerShellVersion      = '7.4'
    # ImageSharp, ONNX Runtime and the codec load in the module's own load context (see ModuleLoadContext.cs),
    # so nothing is listed in RequiredAssemblies.
    FormatsToProcess       = @('TextSketch.format.ps1xml')
    CmdletsToExport        = @(
        'ConvertTo-TextSketch'
        'Expand-TextSketch'
        'Import-TextSketch'
        'Get-TextSketchModel'
        'Install-TextSketchModel'
        'Measure-TextSketch'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('image', 'compression', 'codec', 'diffusion', 'sketch')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ProjectUri   = 'https://github.com/textsketch/textsketch'
        }
    }
}
