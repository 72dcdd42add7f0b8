using TextSketch.Core.Models;

namespace TextSketch.TinyModels.Packs;

/// <summary>Helpers the tiny packs share.</summary>
internal static class TinyPackFiles
{
    /// <summary>The full path of the file with <paramref name="role"/> in the pack being written.</summary>
    public static string PathOf(ModelManifest manifest, string directory, string role)
    {
        ModelFile file = manifest.FileWithRole(role)
            ?? throw new InvalidOperationException($"The manifest '{manifest.Name}' has no file with the role '{role}'.");
        string path = ModelPaths.FileInPack(directory, file.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>A few everyday words the tiny tokenizers can spell in one token each.</summary>
    public static readonly string[] Words =
    [
        "a", "an", "the", "of", "on", "in", "with", "and", "photo", "picture", "image", "cat", "dog", "bird", "red",
        "blue", "green", "yellow", "orange", "dark", "bright", "sky", "tree", "house", "car", "road", "person",
        "water", "disc", "ball", "bar", "gradient", "field", "street", "sun", "light", "stripes", "background",
        "what", "does", "describe", "detail", "shown", "is", "paragraph", "locate",
    ];
}

/// <summary>
/// Merges that spell each given word as one token under real BPE (lowest rank first): each word is tokenised with
/// the merges so far and the first two pieces merged until one piece is left. A new merge always ranks last, so it
/// never changes how an earlier word tokenises.
/// </summary>
internal static class TinyBpe
{
    public static List<(string Left, string Right)> MergesFor(IEnumerable<List<string>> words, Action<string> addToken)
    {
        var merges = new List<(string, string)>();
        var ranks = new Dictionary<(string, string), int>();
        foreach (List<string> symbols in words)
        {
            while (true)
            {
                List<string> parts = Apply(symbols, ranks);
                if (parts.Count < 2)
                {
                    break;
                }

                (string, string) merge = (parts[0], parts[1]);
                ranks[merge] = merges.Count;
                merges.Add(merge);
                addToken(parts[0] + parts[1]);
            }
        }

        return merges;
    }

    private static List<string> Apply(List<string> symbols, Dictionary<(string, string), int> ranks)
    {
        var parts = new List<string>(symbols);
        while (parts.Count > 1)
        {
            int best = -1;
            int bestRank = int.MaxValue;
            for (int i = 0; i < parts.Count - 1; i++)
            {
                if (ranks.TryGetValue((parts[i], parts[i + 1]), out int rank) && rank < bestRank)
                {
                    best = i;
                    bestRank = rank;
                }
            }

            if (best < 0)
            {
                break;
            }

            parts[best] += parts[best + 1];
            parts.RemoveAt(best + 1);
        }

        return parts;
    }
}
