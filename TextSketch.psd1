# The module manifest's source. The Build task writes out/TextSketch/TextSketch.psd1 from it, adding the entries that
# name built files (RootModule, FormatsToProcess, TypesToProcess from src/TextSketch.PowerShell/Module): those files
# do not exist in a source checkout, and this file passes Test-ModuleManifest as it stands.
@{
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
    # Update-Help downloads TextSketch_<GUID>_HelpInfo.xml and the en-US HelpContent.zip from here: the Package task
    # writes both to out/package/help/ to be attached to each release.
    HelpInfoURI            = 'https://github.com/textsketch/textsketch/releases/latest/download/'
    PrivateData            = @{
        PSData = @{
            Tags         = @('image', 'compression', 'codec', 'diffusion', 'sketch', 'onnx', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://github.com/textsketch/textsketch/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/textsketch/textsketch'
            ReleaseNotes = @'
0.1.0: first release. ConvertTo-TextSketch, Expand-TextSketch (Preview and Stable Diffusion + ControlNet decoders),
Import-TextSketch, Measure-TextSketch, Get-TextSketchModel and Install-TextSketchModel; the .tsk v1 format.
Packages carry the CPU build of ONNX Runtime 1.31.0: one package per platform (linux-x64, linux-arm64, win-x64,
osx-arm64) and one for all four. The CUDA build is one command away on linux-x64 and win-x64:
Install-TextSketchModel -Name onnxruntime-cuda.
'@
        }
    }
}
