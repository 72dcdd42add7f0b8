using TextSketch.Core.Text;

namespace TextSketch.Core.Tests.Decoding.Diffusion;

/// <summary>
/// Checked against OpenAI CLIP's tokenizer. The fixture is a subset of CLIP's own vocabulary and merges (from
/// openai/CLIP bpe_simple_vocab_16e6.txt.gz, converted the way vocab.json/merges.txt are made): every byte token plus
/// every merge the sentences below use, with CLIP's real ids and merge order. BPE on such a subset gives exactly the
/// ids of the full tokenizer, so the expected ids are CLIP's (e.g. "a photo of a cat" = 320 1125 539 320 2368, the
/// value published with CLIP and SD).
/// </summary>
public class ClipTokenizerTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Decoding", "Diffusion", "Fixtures");

    internal static ClipTokenizer LoadSubset() =>
        ClipTokenizer.Load(Path.Combine(Fixtures, "clip-subset-vocab.json"), Path.Combine(Fixtures, "clip-subset-merges.txt"));

    public static TheoryData<string, int[]> KnownTokenizations => new()
    {
        { "a photo of a cat", [320, 1125, 539, 320, 2368] },
        { "A Photo of a CAT", [320, 1125, 539, 320, 2368] },
        { "an astronaut riding a horse on the moon, high quality", [550, 18376, 6765, 320, 4558, 525, 518, 3293, 267, 1400, 3027] },
        { "disfigured, deformed, low quality, lowres, b&w, blurry, Photoshop, video game, bad art",
            [1518, 15630, 267, 561, 6528, 267, 1042, 3027, 267, 1049, 934, 267, 321, 261, 342, 267, 21977, 267, 12419, 267, 1455, 1063, 267, 2103, 794] },
        { "a tabby cat with green eyes looking to the side", [320, 36145, 2368, 593, 1901, 3095, 1312, 531, 518, 1145] },
        { "it's 2023 and we've got 42 dogs!!", [585, 568, 273, 271, 273, 274, 537, 649, 1200, 1005, 275, 273, 3255, 748] },
        { "  multiple   spaces\tand tabs  ", [6470, 9006, 537, 29163] },
        { "Tom &amp; Jerry's café", [2435, 261, 9164, 568, 15304] },
        { "Straße in München — 東京", [1894, 127, 253, 324, 530, 41235, 8983, 2005, 48338, 21078, 361] },
    };

    [Theory]
    [MemberData(nameof(KnownTokenizations))]
    public void EncodeTokensMatchesClip(string text, int[] expected)
    {
        Assert.Equal(expected, LoadSubset().EncodeTokens(text));
    }

    [Fact]
    public void EncodeAddsBosEosAndPadsWithEos()
    {
        ClipTokenizer tokenizer = LoadSubset();
        int[] ids = tokenizer.Encode("a photo of a cat");
        Assert.Equal(77, ids.Length);
        Assert.Equal([49406, 320, 1125, 539, 320, 2368, 49407], ids[..7]);
        Assert.All(ids[7..], id => Assert.Equal(49407, id));
        Assert.Equal(49406, tokenizer.BeginOfText);
        Assert.Equal(49407, tokenizer.EndOfText);
    }

    [Fact]
    public void EncodeTruncatesKeepingEos()
    {
        ClipTokenizer tokenizer = LoadSubset();
        int[] ids = tokenizer.Encode(string.Join(' ', Enumerable.Repeat("a photo of a cat", 30)), 10);
        Assert.Equal([49406, 320, 1125, 539, 320, 2368, 320, 1125, 539, 49407], ids);
        Assert.Equal([49406, 49407, 49407], tokenizer.Encode(string.Empty, 3));
    }

    [Fact]
    public void DecodeInvertsEncode()
    {
        ClipTokenizer tokenizer = LoadSubset();
        Assert.Equal("a photo of a cat", tokenizer.Decode(tokenizer.Encode("A  photo of a CAT")));
        // As CLIP decodes: every "</w>" becomes a space, so contractions read "it 's".
        Assert.Equal("it 's 2 0 2 3 and we 've got 4 2 dogs !!", tokenizer.Decode(tokenizer.EncodeTokens("it's 2023 and we've got 42 dogs!!")));
        Assert.Equal("straße in münchen — 東京", tokenizer.Decode(tokenizer.EncodeTokens("Straße in München — 東京")));
    }

    [Fact]
    public void FullClipVocabularyWhenAvailable()
    {
        // Developers can point TEXTSKETCH_CLIP_TOKENIZER at a folder with CLIP's vocab.json + merges.txt.
        string? folder = Environment.GetEnvironmentVariable("TEXTSKETCH_CLIP_TOKENIZER");
        if (folder is null || !File.Exists(Path.Combine(folder, "vocab.json")))
        {
            return;
        }

        ClipTokenizer full = ClipTokenizer.Load(Path.Combine(folder, "vocab.json"), Path.Combine(folder, "merges.txt"));
        Assert.Equal(49408, full.VocabularySize);
        foreach (object[] row in KnownTokenizations)
        {
            Assert.Equal((int[])row[1], full.EncodeTokens((string)row[0]));
        }
    }
}
