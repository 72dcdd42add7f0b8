using TextSketch.Core.Imaging;

namespace TextSketch.Core.Coding.ColorLayer;

/// <summary>
/// The layer as the decoder rebuilds it (and the encoder, bit for bit): Y, Co and Cg planes on their grids in
/// 1/64 pixel levels (Y 0 … 16320, Co and Cg −8160 … 8160).
/// </summary>
public sealed class LayerReconstruction
{
    /// <summary>Plane samples per pixel level.</summary>
    public const int Scale = LayerQuantiser.SampleScale;

    internal LayerReconstruction(LayerGeometry geometry, int quantiser, short[] luma, short[] orangeChroma, short[] greenChroma)
    {
        Geometry = geometry;
        Quantiser = quantiser;
        Luma = luma;
        OrangeChroma = orangeChroma;
        GreenChroma = greenChroma;
    }

    public LayerGeometry Geometry { get; }

    /// <summary>The quantiser index it was coded with (0 finest … 63).</summary>
    public int Quantiser { get; }

    /// <summary>Y in 1/64 levels, on the luma grid.</summary>
    public short[] Luma { get; }

    /// <summary>Co in 1/64 levels, on the chroma grid.</summary>
    public short[] OrangeChroma { get; }

    /// <summary>Cg in 1/64 levels, on the chroma grid.</summary>
    public short[] GreenChroma { get; }

    public short[] Plane(int channel) => channel switch
    {
        0 => Luma,
        1 => OrangeChroma,
        2 => GreenChroma,
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };

    /// <summary>The planes in pixel levels (exact: sixteenths are floats).</summary>
    public LayerPlanes ToPlanes() => new(Geometry, ToLevels(Luma), ToLevels(OrangeChroma), ToLevels(GreenChroma));

    /// <summary>
    /// The layer as an RGB thumbnail on the luma grid: chroma interpolated linearly between the centres of its
    /// cells (in image coordinates, held at the outer centres), YCoCg to RGB, rounded and clamped to 8 bits.
    /// </summary>
    public RgbImage ToThumbnail()
    {
        LayerGeometry g = Geometry;
        float[] co = Upsample(OrangeChroma);
        float[] cg = Upsample(GreenChroma);
        var image = new RgbImage(g.LumaWidth, g.LumaHeight);
        byte[] px = image.Pixels;
        for (int i = 0; i < g.LumaCount; i++)
        {
            (float r, float gr, float b) = YCoCg.ToRgb(Luma[i] / (float)Scale, co[i], cg[i]);
            px[3 * i] = ToByte(r);
            px[3 * i + 1] = ToByte(gr);
            px[3 * i + 2] = ToByte(b);
        }

        return image;
    }

    /// <summary>True when both hold the same geometry, quantiser and samples.</summary>
    public bool SameAs(LayerReconstruction other) =>
        other.Geometry.Equals(Geometry) && other.Quantiser == Quantiser && other.Luma.AsSpan().SequenceEqual(Luma)
        && other.OrangeChroma.AsSpan().SequenceEqual(OrangeChroma) && other.GreenChroma.AsSpan().SequenceEqual(GreenChroma);

    private float[] Upsample(short[] chroma)
    {
        LayerGeometry g = Geometry;
        if (!g.HalfChroma)
        {
            return ToLevels(chroma);
        }

        (int[] x0, int[] x1, float[] fx) = Taps(g.ImageWidth, g.LumaWidth, g.ChromaWidth);
        (int[] y0, int[] y1, float[] fy) = Taps(g.ImageHeight, g.LumaHeight, g.ChromaHeight);
        var result = new float[g.LumaCount];
        int cw = g.ChromaWidth;
        for (int y = 0; y < g.LumaHeight; y++)
        {
            for (int x = 0; x < g.LumaWidth; x++)
            {
                float top = chroma[y0[y] * cw + x0[x]] + (chroma[y0[y] * cw + x1[x]] - chroma[y0[y] * cw + x0[x]]) * fx[x];
                float bottom = chroma[y1[y] * cw + x0[x]] + (chroma[y1[y] * cw + x1[x]] - chroma[y1[y] * cw + x0[x]]) * fx[x];
                result[y * g.LumaWidth + x] = (top + (bottom - top) * fy[y]) / Scale;
            }
        }

        return result;
    }

    /// <summary>For each fine cell: the two coarse cells whose centres surround its centre, and the weight of the second.</summary>
    private static (int[] First, int[] Second, float[] Weight) Taps(int length, int fine, int coarse)
    {
        int[] fineBounds = LayerGeometry.Bounds(length, fine);
        int[] coarseBounds = LayerGeometry.Bounds(length, coarse);
        var first = new int[fine];
        var second = new int[fine];
        var weight = new float[fine];
        int j = 0;
        for (int i = 0; i < fine; i++)
        {
            // Centres doubled to stay in integers.
            int centre = fineBounds[i] + fineBounds[i + 1];
            while (j + 1 < coarse && coarseBounds[j + 1] + coarseBounds[j + 2] <= centre)
            {
                j++;
            }

            int c0 = coarseBounds[j] + coarseBounds[j + 1];
            if (j + 1 >= coarse || centre <= c0)
            {
                first[i] = second[i] = j;
                continue;
            }

            int c1 = coarseBounds[j + 1] + coarseBounds[j + 2];
            first[i] = j;
            second[i] = j + 1;
            weight[i] = (centre - c0) / (float)(c1 - c0);
        }

        return (first, second, weight);
    }

    private static float[] ToLevels(short[] samples)
    {
        var levels = new float[samples.Length];
        for (int i = 0; i < samples.Length; i++)
        {
            levels[i] = samples[i] / (float)Scale;
        }

        return levels;
    }

    private static byte ToByte(float value) => (byte)Math.Clamp((int)MathF.Round(value), 0, 255);
}
