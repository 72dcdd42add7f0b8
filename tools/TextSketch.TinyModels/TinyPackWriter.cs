using System.Security.Cryptography;
using TextSketch.Core.Models;

namespace TextSketch.TinyModels;

/// <summary>Writes tiny packs for manifests and pins each written file's size and sha256 in the pack's manifest.json.</summary>
public static class TinyPackWriter
{
    /// <summary>Every tiny pack this project can make, by pack name.</summary>
    public static IReadOnlyDictionary<string, ITinyPack> Packs { get; } = typeof(ITinyPack).Assembly.GetTypes()
        .Where(t => typeof(ITinyPack).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
        .Select(t => (ITinyPack)Activator.CreateInstance(t)!)
        .ToDictionary(p => p.Name, StringComparer.Ordinal);

    /// <summary>Writes the tiny pack for <paramref name="manifest"/> under <paramref name="root"/>/&lt;name&gt;/ and returns its folder.</summary>
    public static string Write(ModelManifest manifest, string root)
    {
        if (!Packs.TryGetValue(manifest.Name, out ITinyPack? pack))
        {
            throw new InvalidOperationException($"No tiny pack generator exists for the manifest '{manifest.Name}'.");
        }

        string directory = Path.Combine(root, manifest.Name);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        pack.Write(manifest, directory);

        var files = new List<ModelFile>();
        foreach (ModelFile file in manifest.Files)
        {
            string path = ModelPaths.FileInPack(directory, file.Path);
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"The tiny pack '{manifest.Name}' did not write '{file.Path}'.");
            }

            byte[] bytes = File.ReadAllBytes(path);
            files.Add(file with { Size = bytes.Length, Sha256 = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(), Uri = null });
        }

        ModelManifest pinned = manifest with { Files = files, Description = $"Tiny random-weight stand-in for '{manifest.Name}' (same layout and signatures; not a real model).", BaseUri = null };
        File.WriteAllText(Path.Combine(directory, ModelManifest.InstalledFileName), pinned.ToJson());
        return directory;
    }

    /// <summary>Tiny packs for every model manifest in <paramref name="manifestDirectory"/> (runtime packs have none).</summary>
    public static IReadOnlyList<string> WriteAll(string manifestDirectory, string root)
    {
        var written = new List<string>();
        foreach (string path in Directory.GetFiles(manifestDirectory, "*.json").Order(StringComparer.Ordinal))
        {
            ModelManifest manifest = ModelManifest.Load(path);
            // A runtime pack is native code (ONNX Runtime's CUDA build): there is no tiny stand-in for it.
            if (manifest.Kind != ModelPackKind.Runtime)
            {
                written.Add(Write(manifest, root));
            }
        }

        return written;
    }
}
