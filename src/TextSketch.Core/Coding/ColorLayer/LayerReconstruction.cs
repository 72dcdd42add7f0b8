using TextSketch.Core.Imaging;

namespace TextSketch.Core.Coding.ColorLayer;

/// <summary>
/// The layer as the decoder rebuilds it (and the encoder, bit for bit): Y, Co and Cg planes on their grids in
/// 1/64 pixel levels (Y 0 … 16320, Co and Cg −8160 … 8160). Equal when the geometry, quantiser, samples and code are.
/// </summary>
public sealed class LayerReconstruction : IEquatable<LayerReconstruction>
{
    /// <summary>Plane samples per pixel level.</summary>
    public const int Scale = LayerQuantiser.SampleScale;

    internal LayerReconstruction(LayerGeometry geometry, int quantiser, short[] luma, short[] orangeChroma, short[] greenChroma, int[]? decisions = null)
    {
        Decisions = decisions ?? [];
        Geometry = geometry;
        Quantiser = quantiser;
        Luma = luma;
        OrangeChroma = orangeChroma;
        GreenChroma = greenChroma;
    }

    public LayerGeometry Geometry { get; }

    /// <summary>The binary decisions that code this layer, (P(1) &lt;&lt; 1) | bit in coding order (empty for a layer
    /// that was made, not coded): what <see cref="ColorLayerCoder.Write"/> replays, so a record read and written back
    /// keeps its bytes.</summary>
    internal int[] Decisions { get; }

    /// <summary>The quantiser index it was coded with (0 finest … 127).</summary>
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

    /// <summary>The planes in pixel levels (exact: 64ths are floats).</summary>
    public LayerPlanes ToPlanes() => new(Geometry, ToLevels(Luma), ToLevels(OrangeChroma), ToLevels(GreenChroma));

    /// <summary>
    /// The layer as an RGB thumbnail on the luma grid: chroma interpolated linearly between the centres of its
    /// cells (in image coordinates, held at the outer centres), YCoCg to RGB, rounded and clamped to 8 bits.
    /// </summary>
    public RgbImage ToThumbnail()
    {
        LayerGeometry g = Geometry;
        float[] co = Interpolate(1, g.Luma);
        float[] cg = Interpolate(2, g.Luma);
        var image = new RgbImage(g.LumaWidth, g.LumaHeight);
        byte[] px = image.Pixels;
        for (int i = 0; i < g.LumaCount; i++)
        {
            (float r, float gr, float b) = YCoCg.ToRgb(Luma[i] / (float)Scale, co[i], cg[i]);
            px[3 * i] = YCoCg.ToByte(r);
            px[3 * i + 1] = YCoCg.ToByte(gr);
            px[3 * i + 2] = YCoCg.ToByte(b);
        }

        return image;
    }

    /// <summary>True when both hold the same geometry, quantiser and samples.</summary>
    public bool SameAs(LayerReconstruction other) =>
        other.Geometry.Equals(Geometry) && other.Quantiser == Quantiser && other.Luma.AsSpan().SequenceEqual(Luma)
        && other.OrangeChroma.AsSpan().SequenceEqual(OrangeChroma) && other.GreenChroma.AsSpan().SequenceEqual(GreenChroma);

    public bool Equals(LayerReconstruction? other) =>
        other is not null && SameAs(other) && other.Decisions.AsSpan().SequenceEqual(Decisions);

    public override bool Equals(object? obj) => Equals(obj as LayerReconstruction);

    public override int GetHashCode() => HashCode.Combine(Geometry, Quantiser, Decisions.Length, Luma.Length > 0 ? Luma[0] : 0);

    public override string ToString() => $"{Geometry} at quantiser {Quantiser}";

    /// <summary>Plane <paramref name="channel"/> (0 = Y, 1 = Co, 2 = Cg) in pixel levels on another grid of the same
    /// image: interpolated linearly (x, then y) between the centres of its own cells in image coordinates, held constant
    /// beyond the outermost centres. On its own grid, the plane itself.</summary>
    public float[] Interpolate(int channel, LayerGrid target)
    {
        ArgumentNullException.ThrowIfNull(target);
        LayerGrid own = Geometry.GridOf(channel);
        if (target.ImageWidth != own.ImageWidth || target.ImageHeight != own.ImageHeight)
        {
            throw new ArgumentException($"The grid covers {target.ImageWidth}x{target.ImageHeight}, the layer {own.ImageWidth}x{own.ImageHeight}.", nameof(target));
        }

        short[] plane = Plane(channel);
        if (target.Equals(own))
        {
            return ToLevels(plane);
        }

        (int[] x0, int[] x1, float[] fx) = Taps(target.ColumnStart, target.Columns, own.ColumnStart, own.Columns);
        (int[] y0, int[] y1, float[] fy) = Taps(target.RowStart, target.Rows, own.RowStart, own.Rows);
        var result = new float[target.CellCount];
        int cw = own.Columns;
        for (int y = 0; y < target.Rows; y++)
        {
            for (int x = 0; x < target.Columns; x++)
            {
                float top = plane[y0[y] * cw + x0[x]] + (plane[y0[y] * cw + x1[x]] - plane[y0[y] * cw + x0[x]]) * fx[x];
                float bottom = plane[y1[y] * cw + x0[x]] + (plane[y1[y] * cw + x1[x]] - plane[y1[y] * cw + x0[x]]) * fx[x];
                result[y * target.Columns + x] = (top + (bottom - top) * fy[y]) / Scale;
            }
        }

        return result;
    }

    /// <summary>For each fine cell: the two coarse cells whose centres surround its centre, and the weight of the second.</summary>
    private static (int[] First, int[] Second, float[] Weight) Taps(Func<int, int> fineStart, int fine, Func<int, int> coarseStart, int coarse)
    {
        int[] fineBounds = Enumerable.Range(0, fine + 1).Select(fineStart).ToArray();
        int[] coarseBounds = Enumerable.Range(0, coarse + 1).Select(coarseStart).ToArray();
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
}
