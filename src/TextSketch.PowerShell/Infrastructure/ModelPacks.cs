using TextSketch.Core.Models.Install;

namespace TextSketch.Infrastructure;

/// <summary>Where the module's pack manifests are.</summary>
internal static class ModelPacks
{
    /// <summary>models/ beside the module's assembly (the Build task copies models/*.json there), as Core finds it.</summary>
    public static string ShippedManifestDirectory => PackNames.ShippedManifestDirectory;
}
