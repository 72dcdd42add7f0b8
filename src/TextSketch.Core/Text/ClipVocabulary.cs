using TextSketch.Core.Models;

namespace TextSketch.Core.Text;

/// <summary>
/// The standard CLIP vocabulary, when an installed model pack carries it (clip-vit-b32 and the Stable Diffusion packs
/// ship CLIP's vocab.json and merges.txt). Token-coded captions (caption coder 2) need it to be written and read.
/// </summary>
public static class ClipVocabulary
{
    /// <summary>Size of CLIP's vocabulary: 256 bytes, 256 end-of-word bytes, 48,894 merges and two special tokens.</summary>
    public const int StandardSize = 49408;

    private static readonly object Gate = new();
    private static readonly Dictionary<string, ClipTokenizer> Found = new(StringComparer.Ordinal);

    /// <summary>The standard CLIP tokenizer from a pack installed under <paramref name="modelRoot"/> (default: the model
    /// root as cmdlets resolve it), or null when no installed pack carries it.</summary>
    public static ClipTokenizer? TryFind(string? modelRoot = null)
    {
        string root = ModelPaths.ResolveRoot(modelRoot);
        lock (Gate)
        {
            // Found vocabularies are kept (loading one takes a moment); a miss is searched again next time, so a pack
            // installed while a session runs is picked up.
            if (!Found.TryGetValue(root, out ClipTokenizer? tokenizer))
            {
                tokenizer = Search(root);
                if (tokenizer is not null)
                {
                    Found[root] = tokenizer;
                }
            }

            return tokenizer;
        }
    }

    /// <summary>Whether <paramref name="tokenizer"/> is CLIP's own vocabulary (size and well-known ids), not a stand-in.</summary>
    public static bool IsStandard(ClipTokenizer tokenizer) =>
        tokenizer.VocabularySize == StandardSize && tokenizer.BeginOfText == 49406 && tokenizer.EndOfText == 49407
        && tokenizer.EncodeTokens("a photo of a cat").SequenceEqual([320, 1125, 539, 320, 2368]);

    private static ClipTokenizer? Search(string root)
    {
        if (!Directory.Exists(root))
        {
            return null;
        }

        foreach (string directory in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            try
            {
                InstalledPack? pack = InstalledPack.Find(root, Path.GetFileName(directory));
                if (pack?.Manifest.FileWithRole("tokenizer_vocab") is null || pack.Manifest.FileWithRole("tokenizer_merges") is null)
                {
                    continue;
                }

                ClipTokenizer tokenizer = ClipTokenizer.Load(pack.PathOf("tokenizer_vocab"), pack.PathOf("tokenizer_merges"));
                if (IsStandard(tokenizer))
                {
                    return tokenizer;
                }
            }
            catch (Exception e) when (e is ModelPackException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException or FormatException or InvalidDataException or ArgumentException)
            {
                // A broken or foreign pack is simply not a source of the vocabulary.
            }
        }

        return null;
    }
}
