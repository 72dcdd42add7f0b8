using System.Text.Json;
using TextSketch.Core.Models;
using TextSketch.Core.Text;

namespace TextSketch.Core.Tests.Support;

/// <summary>
/// A model root with a pack that carries a CLIP vocabulary shaped like CLIP's own: the subset fixture (CLIP's real
/// ids and merges for the words it has) with the remaining ids filled by placeholder entries that no text
/// tokenizes to, so it has CLIP's size and special-token ids and <see cref="ClipVocabulary.IsStandard"/> accepts
/// it. Token-coded captions of the fixture's words are then exactly what CLIP's full vocabulary gives.
/// </summary>
internal static class ClipVocabularyPack
{
    public const string PackName = "clip-vit-b32";

    /// <summary>Writes the pack (tokenizer files and manifest only) into <paramref name="root"/>.</summary>
    public static void Write(string root)
    {
        string fixtures = Path.Combine(AppContext.BaseDirectory, "Decoding", "Diffusion", "Fixtures");
        var vocabulary = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(Path.Combine(fixtures, "clip-subset-vocab.json")))!;
        var used = vocabulary.Values.ToHashSet();
        for (int id = 0; id < ClipVocabulary.StandardSize; id++)
        {
            if (!used.Contains(id))
            {
                vocabulary[$"<|unused-{id}|>"] = id;
            }
        }

        string directory = Path.Combine(root, PackName);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "vocab.json"), JsonSerializer.Serialize(vocabulary));
        File.Copy(Path.Combine(fixtures, "clip-subset-merges.txt"), Path.Combine(directory, "merges.txt"), overwrite: true);
        var manifest = new ModelManifest
        {
            Name = PackName,
            Kind = ModelPackKind.Clip,
            Files =
            [
                new ModelFile { Path = "vocab.json", Role = "tokenizer_vocab" },
                new ModelFile { Path = "merges.txt", Role = "tokenizer_merges" },
            ],
        };
        File.WriteAllText(Path.Combine(directory, ModelManifest.InstalledFileName), manifest.ToJson());
    }
}
