using TextSketch.Core.Imaging;

namespace TextSketch.Core.Coding.ColorLayer;

/// <summary>
/// The values the encoder wants the layer to carry: Y on the luma grid, Co and Cg on the chroma grid, row-major, in
/// 8-bit pixel units (YCoCg: Y = (R + 2G + B) / 4 in 0 … 255, Co = (R − B) / 2 and Cg = (2G − R − B) / 4 in
/// −127.5 … 127.5). Any values are accepted: the coder clamps them to those ranges and quantises them itself, so
/// fitted values (not only box means) can be coded.
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

    /// <summary>The box means of the image over each grid's cells (<see cref="Resampling.AreaRgb"/>), in YCoCg.</summary>
    public static LayerPlanes FromImage(RgbImage image, LayerGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(geometry);
        if (image.Width != geometry.ImageWidth || image.Height != geometry.ImageHeight)
        {
            throw new ArgumentException($"The layer is for a {geometry.ImageWidth}x{geometry.ImageHeight} image, not {image.Width}x{image.Height}.");
        }

        int[] lumaRgb = Resampling.AreaRgb(image, geometry.LumaWidth, geometry.LumaHeight);
        var luma = new float[geometry.LumaCount];
        for (int i = 0; i < luma.Length; i++)
        {
            luma[i] = YCoCg.Luma(lumaRgb[3 * i], lumaRgb[3 * i + 1], lumaRgb[3 * i + 2]);
        }

        int[] chromaRgb = geometry.HalfChroma ? Resampling.AreaRgb(image, geometry.ChromaWidth, geometry.ChromaHeight) : lumaRgb;
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
}

/// <summary>The layer's colour space: YCoCg (exactly invertible, no multiplications but by powers of two).</summary>
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
}
