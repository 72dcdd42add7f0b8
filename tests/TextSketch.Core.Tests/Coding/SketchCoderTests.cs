using TextSketch.Core.Coding;
using TextSketch.Core.Sketch;

namespace TextSketch.Core.Tests.Coding;

public class SketchCoderTests
{
    public static TheoryData<string, int, int> Shapes => new()
    {
        { "white", 1, 1 },
        { "black", 1, 1 },
        { "white", 192, 128 },
        { "black", 192, 128 },
        { "checker", 7, 13 },
        { "checker", 64, 64 },
        { "noise50", 31, 17 },
        { "noise5", 192, 128 },
        { "noise50", 192, 128 },
        { "lines", 193, 127 },
        { "white", 1, 500 },
        { "black", 500, 1 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EveryCoderRoundTripsExactly(string pattern, int width, int height)
    {
        BitPlane plane = Make(pattern, width, height);
        foreach (int id in new[] { TemplateSketchCoder.CoderId, MixingSketchCoder.CoderId })
        {
            ISketchCoder coder = SketchCoders.Find(id)!;
            var encoder = new RangeEncoder();
            coder.Encode(plane, encoder);
            byte[] stream = encoder.Finish();
            BitPlane decoded = coder.Decode(new RangeDecoder(stream), width, height);
            Assert.Equal(plane, decoded);
        }
    }

    [Fact]
    public void MixingCoderBeatsTheTemplateCoderOnLineDrawings()
    {
        BitPlane plane = Make("lines", 193, 127);
        int template = Code(new TemplateSketchCoder(), plane);
        int mixing = Code(new MixingSketchCoder(), plane);
        Assert.True(mixing < template, $"mixing {mixing} vs template {template}");
    }

    private static int Code(ISketchCoder coder, BitPlane plane)
    {
        var encoder = new RangeEncoder();
        coder.Encode(plane, encoder);
        return encoder.Finish().Length;
    }

    [Fact]
    public void EmptyBitmapCostsAlmostNothing()
    {
        var encoder = new RangeEncoder();
        SketchCoders.Default.Encode(new BitPlane(192, 128), encoder);
        Assert.True(encoder.Finish().Length <= 4);
    }

    [Fact]
    public void DenseNoiseCostsAboutOneBitPerPixel()
    {
        BitPlane plane = Make("noise50", 192, 128);
        var encoder = new RangeEncoder();
        SketchCoders.Default.Encode(plane, encoder);
        int bytes = encoder.Finish().Length;
        // Incompressible: close to 1 bit per pixel, and adaptivity must not blow it up.
        Assert.InRange(bytes, 192 * 128 / 8 * 0.97, 192 * 128 / 8 * 1.12);
    }

    internal static BitPlane Make(string pattern, int width, int height)
    {
        var plane = new BitPlane(width, height);
        var random = new Random(width * 31 + height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                plane[x, y] = pattern switch
                {
                    "white" => false,
                    "black" => true,
                    "checker" => ((x + y) & 1) == 0,
                    "noise50" => random.Next(2) == 1,
                    "noise5" => random.Next(100) < 5,
                    "lines" => y % 9 == 0 || x == y || x == width / 2,
                    _ => throw new ArgumentException(pattern),
                };
            }
        }

        return plane;
    }
}
