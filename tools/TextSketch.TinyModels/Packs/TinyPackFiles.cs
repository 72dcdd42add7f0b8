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
