namespace TextSketch.Core.Metrics;

/// <summary>A reference image and the reconstruction compared with it.</summary>
public sealed record ImagePair(string ReferencePath, string Path);

/// <summary>The pairs two folders make, and the names only one of them has.</summary>
public sealed record FolderPairing(IReadOnlyList<ImagePair> Pairs, IReadOnlyList<string> OnlyInReference, IReadOnlyList<string> OnlyInTest);

/// <summary>Pairs images by base name (file name without extension, case-insensitive), so photo.jpg in one folder
/// meets photo.png in the other. Only image files count (by extension); sub-folders are not searched.</summary>
public static class ImagePairing
{
    public static IReadOnlySet<string> ImageExtensions { get; } =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tga", ".tif", ".tiff" };

    public static bool IsImage(string path) => ImageExtensions.Contains(System.IO.Path.GetExtension(path));

    /// <summary>The image in <paramref name="referenceFolder"/> with the base name of <paramref name="testPath"/>, or
    /// null. Several candidates (photo.jpg and photo.png) are ambiguous and refused.</summary>
    public static string? FindReference(string referenceFolder, string testPath)
    {
        string baseName = System.IO.Path.GetFileNameWithoutExtension(testPath);
        List<string> candidates = ImagesIn(referenceFolder)
            .Where(f => string.Equals(System.IO.Path.GetFileNameWithoutExtension(f), baseName, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (candidates.Count > 1)
        {
            throw new TextSketchException("ReferenceAmbiguous",
                $"'{referenceFolder}' has several images named '{baseName}' ({string.Join(", ", candidates.Select(System.IO.Path.GetFileName))}); pass the reference file itself.");
        }

        return candidates.Count == 1 ? candidates[0] : null;
    }

    public static FolderPairing PairFolders(string referenceFolder, string testFolder)
    {
        Dictionary<string, List<string>> references = ByBaseName(referenceFolder);
        Dictionary<string, List<string>> tests = ByBaseName(testFolder);
        var pairs = new List<ImagePair>();
        foreach ((string name, List<string> testFiles) in tests.OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (!references.TryGetValue(name, out List<string>? referenceFiles))
            {
                continue;
            }

            if (referenceFiles.Count > 1 || testFiles.Count > 1)
            {
                throw new TextSketchException("ReferenceAmbiguous",
                    $"Several images are named '{name}' ({string.Join(", ", referenceFiles.Concat(testFiles).Select(System.IO.Path.GetFileName))}); each base name must be unique in each folder.");
            }

            pairs.Add(new ImagePair(referenceFiles[0], testFiles[0]));
        }

        return new FolderPairing(
            pairs,
            references.Keys.Where(k => !tests.ContainsKey(k)).Order(StringComparer.OrdinalIgnoreCase).ToList(),
            tests.Keys.Where(k => !references.ContainsKey(k)).Order(StringComparer.OrdinalIgnoreCase).ToList());
    }

    private static IEnumerable<string> ImagesIn(string folder) =>
        Directory.EnumerateFiles(folder).Where(IsImage).Order(StringComparer.Ordinal);

    private static Dictionary<string, List<string>> ByBaseName(string folder)
    {
        var map = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (string file in ImagesIn(folder))
        {
            string name = System.IO.Path.GetFileNameWithoutExtension(file);
            if (!map.TryGetValue(name, out List<string>? list))
            {
                map[name] = list = [];
            }

            list.Add(file);
        }

        return map;
    }
}
