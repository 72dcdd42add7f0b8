using TextSketch.Core.Tests.Support;
using TextSketch.Core.Text;

namespace TextSketch.Core.Tests.Models;

public sealed class TokenizerTests
{
    [Fact]
    public void ByteLevelBpeRoundTripsAnyText()
    {
        var tokenizer = ByteLevelBpeTokenizer.FromTokenizerJson(Path.Combine(TinyPacks.ModelRoot, "florence2-base", "tokenizer.json"));
        const string text = "What does the image describe? A cat, naïve café 東京 — 42!";

        IReadOnlyList<int> ids = tokenizer.Encode(text);

        Assert.Equal(text, tokenizer.Decode(ids));
        // Known words are single tokens: " cat" is one id.
        Assert.Single(tokenizer.Encode(" cat"));
        Assert.Equal(tokenizer.IdOf("Ġcat"), tokenizer.Encode(" cat")[0]);
    }

    [Fact]
    public void ByteLevelBpeSkipsSpecialTokensWhenDecoding()
    {
        var tokenizer = ByteLevelBpeTokenizer.FromTokenizerJson(Path.Combine(TinyPacks.ModelRoot, "florence2-base", "tokenizer.json"));

        Assert.Equal(" cat", tokenizer.Decode([0, .. tokenizer.Encode(" cat"), tokenizer.IdOf("<loc_1>")!.Value, 2]));
        Assert.True(tokenizer.IsSpecial(0));
    }

    [Fact]
    public void ClipTokenizerPadsLowerCasesAndDecodes()
    {
        string pack = Path.Combine(TinyPacks.ModelRoot, "clip-vit-b32");
        var clip = ClipTokenizer.Load(Path.Combine(pack, "vocab.json"), Path.Combine(pack, "merges.txt"));

        int[] ids = clip.Encode("A  Photo of a CAT", maxLength: 10);

        Assert.Equal(10, ids.Length);
        Assert.Equal(clip.BeginOfText, ids[0]);
        Assert.Equal([clip.EndOfText, clip.EndOfText, clip.EndOfText, clip.EndOfText], ids[6..]);
        Assert.Equal(ids[1..6], clip.EncodeTokens("a photo of a cat"));
        Assert.Equal("a photo of a cat", clip.Decode(ids));
        Assert.Equal("zebra xy", clip.Decode(clip.EncodeTokens("zebra xy")));
    }
}
