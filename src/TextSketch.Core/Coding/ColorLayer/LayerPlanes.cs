using TextSketch.Core.Imaging;

namespace TextSketch.Core.Coding.ColorLayer;

/// <summary>
/// A colour layer's values as reals: Y on the luma grid, Co and Cg on the chroma grid (<see cref="LayerGeometry"/>),
/// row-major, in 8-bit pixel units (<see cref="YCoCg"/>: Y in 0 … 255, Co and Cg in −127.5 … 127.5). What the encoder
/// wants coded (box means or a decoder-aware fit: the coder clamps and quantises any values itself) and what decoders
/// paint from (a coded layer's <see cref="LayerReconstruction.ToPlanes"/>).
/// </summary>
public sealed class LayerPlanes
{
    public LayerPlanes(LayerGeometry geometry, float[] luma, float[] orangeChroma, float[] greenChroma)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(luma);
        ArgumentNullException.ThrowIfNull(orangeChroma);
        ArgumentNullException.ThrowIfNull(greenChroma);
        if (luma.Length != geometry.LumaCount || orangeChroma.Length != geometry.ChromaCount || greenChroma.Length != geometry.ChromaCount)
        {
            throw new ArgumentException($"The planes do not match the layer's grids ({geometry}).");
        }

        Geometry = geometry;
        Luma = luma;
        OrangeChroma = orangeChroma;
        GreenChroma = greenChroma;
    }

    public LayerGeometry Geometry { get; }

    /// <summary>Y, <see cref="LayerGeometry.LumaWidth"/> x <see cref="LayerGeometry.LumaHeight"/>.</summary>
    public float[] Luma { get; }

    /// <summary>Co, <see cref="LayerGeometry.ChromaWidth"/> x <see cref="LayerGeometry.ChromaHeight"/>.</summary>
    public float[] OrangeChroma { get; }

    /// <summary>Cg, on the chroma grid.</summary>
    public float[] GreenChroma { get; }

    /// <summary>The plane of a channel: 0 = Y, 1 = Co, 2 = Cg.</summary>
    public float[] Plane(int channel) => channel switch
    {
        0 => Luma,
        1 => OrangeChroma,
        2 => GreenChroma,
        _ => throw new ArgumentOutOfRangeException(nameof(channel)),
    };

    /// <summary>The grid of plane <paramref name="channel"/>.</summary>
    public LayerGrid GridOf(int channel) => Geometry.GridOf(channel);

    /// <summary>The plain layer of an image: the box means of each grid's cells (<see cref="Resampling.AreaRgb"/>:
    /// integer RGB means, bit-exact on every machine, since what is coded may only come from such), in YCoCg.</summary>
    public static LayerPlanes FromImage(RgbImage image, LayerGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(geometry);
        RequireSize(image, geometry);
        int[] lumaRgb = Resampling.AreaRgb(image, geometry.LumaWidth, geometry.LumaHeight);
        var luma = new float[geometry.LumaCount];
        for (int i = 0; i < luma.Length; i++)
        {
            luma[i] = YCoCg.Luma(lumaRgb[3 * i], lumaRgb[3 * i + 1], lumaRgb[3 * i + 2]);
        }

        int[] chromaRgb = geometry.Chroma.Equals(geometry.Luma) ? lumaRgb : Resampling.AreaRgb(image, geometry.ChromaWidth, geometry.ChromaHeight);
        var co = new float[geometry.ChromaCount];
        var cg = new float[geometry.ChromaCount];
        for (int i = 0; i < co.Length; i++)
        {
            int r = chromaRgb[3 * i], g = chromaRgb[3 * i + 1], b = chromaRgb[3 * i + 2];
            co[i] = YCoCg.OrangeChroma(r, g, b);
            cg[i] = YCoCg.GreenChroma(r, g, b);
        }

        return new LayerPlanes(geometry, luma, co, cg);
    }

    /// <summary>A layer of one colour everywhere.</summary>
    public static LayerPlanes Flat(LayerGeometry geometry, float luma, float orangeChroma, float greenChroma)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        var y = new float[geometry.LumaCount];
        var co = new float[geometry.ChromaCount];
        var cg = new float[geometry.ChromaCount];
        Array.Fill(y, luma);
        Array.Fill(co, orangeChroma);
        Array.Fill(cg, greenChroma);
        return new LayerPlanes(geometry, y, co, cg);
    }

    /// <summary>Throws unless <paramref name="image"/> has the size the geometry covers.</summary>
    public static void RequireSize(RgbImage image, LayerGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(geometry);
        if (image.Width != geometry.ImageWidth || image.Height != geometry.ImageHeight)
        {
            throw new ArgumentException($"The layer is for a {geometry.ImageWidth}x{geometry.ImageHeight} image, not {image.Width}x{image.Height}.", nameof(image));
        }
    }
}

/// <summary>
/// The colour layer's space: YCoCg in 8-bit pixel units, Y = (R + 2G + B)/4 in 0 … 255, Co = (R − B)/2 and
/// Cg = (2G − R − B)/4 in −127.5 … 127.5. Exactly invertible with multiplications by powers of two only; linear, so
/// box averages and the Paint decoder's least squares commute with it; decorrelated enough that chroma can be
/// coarser than luma.
/// </summary>
public static class YCoCg
{
    public static float Luma(float r, float g, float b) => (r + 2 * g + b) * 0.25f;

    public static float OrangeChroma(float r, float g, float b) => (r - b) * 0.5f;

    public static float GreenChroma(float r, float g, float b) => (2 * g - r - b) * 0.25f;

    public static (float R, float G, float B) ToRgb(float y, float co, float cg)
    {
        float t = y - cg;
        return (t + co, y + cg, t - co);
    }

    /// <summary>RGB squared error per unit of squared error in Y, Co, Cg (for independent errors): R, G and B each
    /// see dY ± dCo ± dCg, so dR² + dG² + dB² = 3 dY² + 2 dCo² + 3 dCg² on average.</summary>
    public static readonly float[] RgbErrorWeights = [3f, 2f, 3f];

    /// <summary>Y, Co, Cg planes (W·H floats each, row-major) of an image.</summary>
    public static float[][] ToPlanes(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int n = image.Width * image.Height;
        var y = new float[n];
        var co = new float[n];
        var cg = new float[n];
        byte[] px = image.Pixels;
        for (int i = 0, p = 0; i < n; i++, p += 3)
        {
            float r = px[p], g = px[p + 1], b = px[p + 2];
            y[i] = Luma(r, g, b);
            co[i] = OrangeChroma(r, g, b);
            cg[i] = GreenChroma(r, g, b);
        }

        return [y, co, cg];
    }

    /// <summary>8-bit RGB from Y, Co, Cg planes (W·H each), rounded half up and clamped.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static RgbImage ToImage(int width, int height, float[] y, float[] co, float[] cg)
    {
        var image = new RgbImage(width, height);
        byte[] px = image.Pixels;
        for (int i = 0, p = 0; i < y.Length; i++, p += 3)
        {
            (float r, float g, float b) = ToRgb(y[i], co[i], cg[i]);
            px[p] = ToByte(r);
            px[p + 1] = ToByte(g);
            px[p + 2] = ToByte(b);
        }

        return image;
    }

    /// <summary>A level rounded half up and clamped to 0 … 255 (NaN gives 0).</summary>
    public static byte ToByte(float v) => v >= 255 ? (byte)255 : v > 0 ? (byte)(v + 0.5f) : (byte)0;
}
