namespace TextSketch.Infrastructure;

/// <summary>Where the module's pack manifests are.</summary>
internal static class ModelPacks
{
    /// <summary>models/ beside the module's assembly (the Build task copies models/*.json there).</summary>
    public static string ShippedManifestDirectory =>
        Path.Combine(Path.GetDirectoryName(typeof(ModelPacks).Assembly.Location) ?? ".", "models");
}
