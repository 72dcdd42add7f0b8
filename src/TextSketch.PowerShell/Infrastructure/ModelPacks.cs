using System.Management.Automation;
using TextSketch.Core.Models;

namespace TextSketch.Infrastructure;

/// <summary>Where the module's pack manifests are, and -ModelRoot as a file-system path.</summary>
internal static class ModelPacks
{
    /// <summary>models/ beside the module's assembly (the Build task copies models/*.json there).</summary>
    public static string ShippedManifestDirectory =>
        Path.Combine(Path.GetDirectoryName(typeof(ModelPacks).Assembly.Location) ?? ".", "models");

    /// <summary>The model root: -ModelRoot (a PowerShell path), else $env:TEXTSKETCH_MODELS, else the user's data folder.</summary>
    public static string ResolveRoot(PSCmdlet cmdlet, string? modelRoot) =>
        ModelPaths.ResolveRoot(modelRoot is null ? null : ResolvePath(cmdlet, modelRoot));

    public static string ResolvePath(PSCmdlet cmdlet, string path)
    {
        string resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
        if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
        {
            throw new PSArgumentException($"'{path}' is on the {provider.Name} provider; only file-system folders are supported.");
        }

        return resolved;
    }
}
