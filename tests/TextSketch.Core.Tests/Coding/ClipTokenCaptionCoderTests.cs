using TextSketch.Core.Coding;
using TextSketch.Core.Coding.Text;
using TextSketch.Core.Tests.Decoding.Diffusion;
using TextSketch.Core.Text;

namespace TextSketch.Core.Tests.Coding;

public class ClipTokenCaptionCoderTests
{
    [Theory]
    [InlineData("a photo of a cat")]
    [InlineData("an astronaut riding a horse on the moon , high quality")]
    [InlineData("a tabby cat with green eyes looking to the side")]
    public void CanonicalTokenCaptionsRoundTrip(string caption)
    {
        var coder = new ClipTokenCaptionCoder(ClipTokenizerTests.LoadSubset());
        Assert.True(coder.CanEncode(caption));
        var encoder = new RangeEncoder();
        coder.Encode(caption, encoder);
        encoder.Encode(1, Probability.Half);
        var decoder = new RangeDecoder(encoder.Finish());
        Assert.Equal(caption, coder.Decode(decoder));
        Assert.Equal(1, decoder.Decode(Probability.Half));
    }

    [Theory]
    [InlineData("A Photo of a CAT")]           // CLIP lower-cases: the text would not come back as written
    [InlineData("a photo of a cat ")]
    [InlineData("")]
    public void TextThatTokensCannotReproduceIsDeclined(string caption)
    {
        Assert.False(new ClipTokenCaptionCoder(ClipTokenizerTests.LoadSubset()).CanEncode(caption));
    }

    [Fact]
    public void CostsAboutThirteenBitsAToken()
    {
        var coder = new ClipTokenCaptionCoder(ClipTokenizerTests.LoadSubset());
        const string caption = "a tabby cat with green eyes looking to the side";
        var encoder = new RangeEncoder();
        coder.Encode(caption, encoder);
        double bitsPerToken = encoder.Bits / ClipTokenizerTests.LoadSubset().EncodeTokens(caption).Count;
        Assert.InRange(bitsPerToken, 8, 17);
    }

    [Fact]
    public void TheFixtureIsNotMistakenForClipsOwnVocabulary()
    {
        Assert.False(ClipVocabulary.IsStandard(ClipTokenizerTests.LoadSubset()));
    }

    [Fact]
    public void ReadingTokenCaptionsWithoutTheVocabularySaysWhatToInstall()
    {
        // The built-in set has no vocabulary, whatever is installed: the reader must be given one.
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => CaptionCoders.Builtin.Find(ClipTokenCaptionCoder.CoderId));
        Assert.Contains("Install-TextSketchModel", e.Message);
        Assert.Contains("-ModelRoot", e.Message);
        Assert.Equal(EnglishCaptionCoder.CoderId, CaptionCoders.Builtin.Cheapest("a photo of a cat").Id);
    }

    [Fact]
    public void AVocabularyIsAskedForOnlyWhenATokenCodedCaptionIsMet()
    {
        int asked = 0;
        var coders = new CaptionCoders(() =>
        {
            asked++;
            return ClipTokenizerTests.LoadSubset();
        });
        Assert.Equal(EnglishCaptionCoder.CoderId, coders.Find(EnglishCaptionCoder.CoderId).Id);
        Assert.Equal(0, asked);
        Assert.Equal(ClipTokenCaptionCoder.CoderId, coders.Find(ClipTokenCaptionCoder.CoderId).Id);
        Assert.Equal(ClipTokenCaptionCoder.CoderId, coders.Find(ClipTokenCaptionCoder.CoderId).Id);
        Assert.Equal(1, asked);
    }
}
