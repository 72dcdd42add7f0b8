using TextSketch.Core.Coding;
using TextSketch.Core.Coding.Text;

namespace TextSketch.Core.Tests.Coding;

public class CaptionCoderTests
{
    public static TheoryData<string> Captions => new()
    {
        "a",
        "an astronaut in a white space suit smiling in front of a flag",
        "Ein Astronaut vor einer Flagge – größer als gedacht",
        "宇航员在国旗前微笑",
        "رائد فضاء يبتسم أمام العلم",
        "emoji 🚀🧑‍🚀 and combining é vs é",
        "tabs\tand\nnewlines\r\n and  double  spaces ",
        new string('x', Utf8CaptionCoder.MaxBytes),
        "\0 null and \u0001 control",
    };

    [Theory]
    [MemberData(nameof(Captions))]
    public void Utf8CoderRoundTripsExactly(string caption)
    {
        var coder = new Utf8CaptionCoder();
        Assert.True(coder.CanEncode(caption));
        var encoder = new RangeEncoder();
        coder.Encode(caption, encoder);
        encoder.Encode(1, Probability.Half); // something after the caption must still decode
        var decoder = new RangeDecoder(encoder.Finish());
        Assert.Equal(caption, coder.Decode(decoder));
        Assert.Equal(1, decoder.Decode(Probability.Half));
    }

    [Theory]
    [MemberData(nameof(Captions))]
    public void EnglishCoderRoundTripsExactlyOrDeclines(string caption)
    {
        var coder = new EnglishCaptionCoder();
        if (caption.Contains('\0'))
        {
            Assert.False(coder.CanEncode(caption));
            return;
        }

        var encoder = new RangeEncoder();
        coder.Encode(caption, encoder);
        encoder.Encode(0, Probability.Half);
        var decoder = new RangeDecoder(encoder.Finish());
        Assert.Equal(caption, coder.Decode(decoder));
        Assert.Equal(0, decoder.Decode(Probability.Half));
    }

    [Fact]
    public void EnglishCoderIsAThirdOfDeflateOnCaptions()
    {
        // Two of the evaluation captions in tools/bench/captions.txt; the full comparison is in the Bench task.
        string[] captions = ["a man riding a horse along a sandy beach at sunset", "a plate of pasta with tomato sauce and basil leaves"];
        foreach (string caption in captions)
        {
            var encoder = new RangeEncoder();
            new EnglishCaptionCoder().Encode(caption, encoder);
            double bitsPerCharacter = encoder.Finish().Length * 8.0 / caption.Length;
            Assert.InRange(bitsPerCharacter, 1.0, 3.2);
        }
    }

    [Fact]
    public void ChooseTakesTheCheapestExactCoder()
    {
        Assert.Equal(EnglishCaptionCoder.CoderId, CaptionCoders.Builtin.Cheapest("a dog on a sofa").Id);
        Assert.Equal(Utf8CaptionCoder.CoderId, CaptionCoders.Builtin.Cheapest("nul \0 inside").Id);
    }

    [Fact]
    public void ModelIsTheSameWhicheverThreadBuildsIt()
    {
        byte[] corpus = "a red car\na blue car parked on a street\n"u8.ToArray();
        byte[][] streams = Enumerable.Range(0, 4).AsParallel().Select(_ =>
        {
            var encoder = new RangeEncoder();
            new EnglishCaptionCoder(CaptionLanguageModel.FromCorpus(corpus)).Encode("a red car on a street", encoder);
            return encoder.Finish();
        }).ToArray();
        Assert.All(streams, s => Assert.Equal(streams[0], s));
    }

    [Fact]
    public void EmptyCaptionRoundTrips()
    {
        var coder = new Utf8CaptionCoder();
        var encoder = new RangeEncoder();
        coder.Encode(string.Empty, encoder);
        Assert.Equal(string.Empty, coder.Decode(new RangeDecoder(encoder.Finish())));
    }

    [Fact]
    public void OverlongOrUnpairedSurrogateCaptionsAreNotEncodable()
    {
        var coder = new Utf8CaptionCoder();
        Assert.False(coder.CanEncode(new string('x', Utf8CaptionCoder.MaxBytes + 1)));
        Assert.False(coder.CanEncode("broken \uD83D pair"));
        Assert.Throws<ArgumentException>(() => CaptionCoders.Builtin.Cheapest(new string('x', Utf8CaptionCoder.MaxBytes + 1)));
    }
}
