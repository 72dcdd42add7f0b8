using System.Runtime.CompilerServices;
using TextSketch.Core.Models.Install;

namespace TextSketch.Core.Tests.Support;

/// <summary>The repository's models/ folder stands for the module's shipped manifests in every test.</summary>
internal static class ShippedManifests
{
    [ModuleInitializer]
    internal static void UseTheRepositoryManifests() => PackNames.ShippedManifestDirectory = TinyPacks.ManifestDirectory;
}
