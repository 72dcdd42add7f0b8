namespace TextSketch.Core.Models.Install;

/// <summary>A pack as the user sees it: known from the module's manifests and/or installed in the model root.</summary>
public sealed record PackStatus(
    string Name,
    ModelPackKind Kind,
    bool Installed,
    long? SizeBytes,
    string Path,
    string? Description,
    ModelManifest Manifest);

/// <summary>The packs the module ships manifests for, and the packs in a model root.</summary>
public static class ModelCatalog
{
    /// <summary>Manifests shipped with the module (models/*.json), by pack name.</summary>
    public static IReadOnlyDictionary<string, ModelManifest> Shipped(string manifestDirectory)
    {
        var manifests = new SortedDictionary<string, ModelManifest>(StringComparer.OrdinalIgnoreCase);
        if (!Directory.Exists(manifestDirectory))
        {
            return manifests;
        }

        foreach (string path in Directory.EnumerateFiles(manifestDirectory, "*.json").Order(StringComparer.Ordinal))
        {
            ModelManifest manifest = ModelManifest.Load(path);
            manifests[manifest.Name] = manifest;
        }

        return manifests;
    }

    /// <summary>Every shipped pack (installed or not) and every other pack installed in <paramref name="root"/>, by name.</summary>
    public static IReadOnlyList<PackStatus> List(string manifestDirectory, string root)
    {
        var result = new SortedDictionary<string, PackStatus>(StringComparer.OrdinalIgnoreCase);
        foreach ((string name, ModelManifest manifest) in Shipped(manifestDirectory))
        {
            result[name] = Status(root, name, manifest);
        }

        if (Directory.Exists(root))
        {
            foreach (string directory in Directory.EnumerateDirectories(root))
            {
                string name = System.IO.Path.GetFileName(directory);
                if (name.StartsWith('.') || result.ContainsKey(name) || !File.Exists(System.IO.Path.Combine(directory, ModelManifest.InstalledFileName)))
                {
                    continue;
                }

                try
                {
                    result[name] = Status(root, name, ModelManifest.Load(System.IO.Path.Combine(directory, ModelManifest.InstalledFileName)));
                }
                catch (ModelPackException)
                {
                    // A folder with a broken manifest is not a pack; Install-TextSketchModel -Force replaces it.
                }
            }
        }

        return result.Values.ToList();
    }

    /// <summary>Reads a manifest from a path or an http(s)/file URI.</summary>
    public static (ModelManifest Manifest, Uri Location) LoadManifest(string pathOrUri, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        Uri location = PackSources.ToUri(pathOrUri);
        using var fetcher = new FileFetcher(timeout);
        string json = fetcher.FetchText(location, 4 * 1024 * 1024, cancellationToken);
        return (ModelManifest.Parse(json, pathOrUri), location);
    }

    private static PackStatus Status(string root, string name, ModelManifest shipped)
    {
        string directory = System.IO.Path.Combine(root, name);
        InstalledPack? installed = null;
        try
        {
            installed = InstalledPack.Find(root, name);
        }
        catch (ModelPackException)
        {
            // An unreadable manifest.json means "not installed".
        }

        if (installed is not null)
        {
            return new PackStatus(name, installed.Manifest.Kind, true, installed.Manifest.TotalSize, directory, installed.Manifest.Description ?? shipped.Description, installed.Manifest);
        }

        ModelManifest here = PackPlatforms.ForThisMachine(shipped);
        long? size = here.Files.All(f => f.Size is not null) ? here.TotalSize : null;
        return new PackStatus(name, shipped.Kind, false, size, directory, shipped.Description, shipped);
    }
}
