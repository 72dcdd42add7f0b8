using TextSketch.Core.Sketch;

namespace TextSketch.Core.Coding;

/// <summary>
/// Context-model coding of a bitmap in raster order, in the manner of JBIG's three-line template: each pixel's
/// probability comes from an adaptive table indexed by ten already-coded neighbours
/// <code>
///       . X X X .        row y-2
///     X X X X X          row y-1
///     X X ?              row y
/// </code>
/// Pixels outside the bitmap read as background.
/// </summary>
public sealed class TemplateSketchCoder : ISketchCoder
{
    public const int CoderId = 0;

    public int Id => CoderId;

    public string Name => "template10";

    public void Encode(BitPlane plane, RangeEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(plane);
        var model = new AdaptiveBitModel(1 << 10, rateLimit: 5);
        byte[] bits = plane.Bits;
        for (int y = 0; y < plane.Height; y++)
        {
            for (int x = 0; x < plane.Width; x++)
            {
                model.Encode(encoder, Context(plane, x, y), bits[y * plane.Width + x]);
            }
        }
    }

    public BitPlane Decode(RangeDecoder decoder, int width, int height)
    {
        var plane = new BitPlane(width, height);
        var model = new AdaptiveBitModel(1 << 10, rateLimit: 5);
        byte[] bits = plane.Bits;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                bits[y * width + x] = (byte)model.Decode(decoder, Context(plane, x, y));
            }
        }

        return plane;
    }

    private static int Context(BitPlane p, int x, int y) =>
        p.GetOrZero(x - 1, y - 2) << 9 | p.GetOrZero(x, y - 2) << 8 | p.GetOrZero(x + 1, y - 2) << 7 |
        p.GetOrZero(x - 2, y - 1) << 6 | p.GetOrZero(x - 1, y - 1) << 5 | p.GetOrZero(x, y - 1) << 4 |
        p.GetOrZero(x + 1, y - 1) << 3 | p.GetOrZero(x + 2, y - 1) << 2 |
        p.GetOrZero(x - 2, y) << 1 | p.GetOrZero(x - 1, y);
}
