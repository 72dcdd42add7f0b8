using TextSketch.Core.Coding;
using TextSketch.Core.Color;
using TextSketch.Core.Tests.Support;

namespace TextSketch.Core.Tests.Encoder;

public class ColorHintTests
{
    [Theory]
    [InlineData(768, 512, 4, 3)]
    [InlineData(512, 768, 3, 4)]
    [InlineData(512, 512, 3, 3)]
    [InlineData(1920, 1080, 4, 3)]
    [InlineData(3000, 1000, 6, 2)]
    [InlineData(1, 1000, 1, 12)]
    public void GridFollowsTheAspect(int width, int height, int columns, int rows)
    {
        Assert.Equal((columns, rows), ColorHint.GridFor(width, height));
    }

    [Fact]
    public void SolidImageGivesOneColourEverywhereAndRoundTrips()
    {
        ColorHint hint = ColorHint.Extract(TestImages.Solid(768, 512, 200, 40, 40));
        Assert.Equal(12, hint.Luma.Length);
        Assert.All(hint.Luma, v => Assert.Equal(hint.Luma[0], v));
        (int r, int g, int b) = hint.CellRgb(5);
        Assert.InRange(r, 190, 210);
        Assert.InRange(g, 30, 52);
        Assert.InRange(b, 30, 52);

        var encoder = new RangeEncoder();
        hint.Encode(encoder);
        byte[] bytes = encoder.Finish();
        Assert.True(bytes.Length <= 24, $"{bytes.Length} bytes");
        Assert.Equal(hint, ColorHint.Decode(new RangeDecoder(bytes), 768, 512));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(600, 400)]
    [InlineData(3, 700)]
    public void SceneHintsRoundTripWithinTheBudget(int width, int height)
    {
        ColorHint hint = ColorHint.Extract(TestImages.Scene(width, height, width + height));
        var encoder = new RangeEncoder();
        hint.Encode(encoder);
        byte[] bytes = encoder.Finish();
        Assert.True(bytes.Length <= 24, $"{bytes.Length} bytes");
        Assert.Equal(hint, ColorHint.Decode(new RangeDecoder(bytes), width, height));
    }

    [Fact]
    public void YCbCrConversionIsCloseToInverse()
    {
        for (int r = 0; r < 256; r += 15)
        {
            for (int g = 0; g < 256; g += 15)
            {
                for (int b = 0; b < 256; b += 15)
                {
                    (int y, int cb, int cr) = ColorHint.ToYCbCr(r, g, b);
                    (int r2, int g2, int b2) = ColorHint.ToRgb(y, cb, cr);
                    Assert.InRange(Math.Abs(r - r2) + Math.Abs(g - g2) + Math.Abs(b - b2), 0, 6);
                }
            }
        }
    }
}
