using TextSketch.Core.Coding;

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
        Assert.Throws<ArgumentException>(() => CaptionCoders.Choose(new string('x', Utf8CaptionCoder.MaxBytes + 1)));
    }
}
