using TextSketch.Core.Imaging;

namespace TextSketch.Core.Decoding.Paint;

/// <summary>
/// The colour layer as the Paint decoder takes it: one value per cell of each plane, in the layer's colour space
/// (<see cref="LayerColor"/>: YCoCg in 8-bit pixel units, the colour layer coder's), Y on
/// <see cref="ColorLayerGrid.Luma"/>, Co and Cg on <see cref="ColorLayerGrid.Chroma"/>, row-major. Values are
/// dequantised reals: the coder's levels mapped back, or an encoder's unquantised fit.
/// </summary>
public sealed class ColorLayerPlanes
{
    public ColorLayerPlanes(ColorLayerGrid grid, float[] luma, float[] orangeChroma, float[] greenChroma)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(luma);
        ArgumentNullException.ThrowIfNull(orangeChroma);
        ArgumentNullException.ThrowIfNull(greenChroma);
        if (luma.Length != grid.Luma.CellCount || orangeChroma.Length != grid.Chroma.CellCount || greenChroma.Length != grid.Chroma.CellCount)
        {
            throw new ArgumentException("The planes do not match their grids.");
        }

        Grid = grid;
        Luma = luma;
        OrangeChroma = orangeChroma;
        GreenChroma = greenChroma;
    }

    public ColorLayerGrid Grid { get; }

    /// <summary>Y, 0 … 255.</summary>
    public float[] Luma { get; }

    /// <summary>Co, −127.5 … 127.5.</summary>
    public float[] OrangeChroma { get; }

    /// <summary>Cg, −127.5 … 127.5.</summary>
    public float[] GreenChroma { get; }

    /// <summary>Plane 0 = Y, 1 = Co, 2 = Cg.</summary>
    public float[] Plane(int index) => index switch
    {
        0 => Luma,
        1 => OrangeChroma,
        2 => GreenChroma,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public LayerGrid GridOf(int index) => index == 0 ? Grid.Luma : Grid.Chroma;

    /// <summary>The plain layer of an image: the box average of each plane over its cells.</summary>
    public static ColorLayerPlanes BoxAverage(RgbImage image, ColorLayerGrid grid)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(grid);
        RequireSize(image, grid);
        float[][] planes = LayerColor.ToPlanes(image);
        return new ColorLayerPlanes(grid, grid.Luma.BoxAverage(planes[0]), grid.Chroma.BoxAverage(planes[1]), grid.Chroma.BoxAverage(planes[2]));
    }

    /// <summary>A layer of one colour everywhere (any grid).</summary>
    public static ColorLayerPlanes Flat(ColorLayerGrid grid, float luma, float orangeChroma, float greenChroma)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var y = new float[grid.Luma.CellCount];
        var co = new float[grid.Chroma.CellCount];
        var cg = new float[grid.Chroma.CellCount];
        Array.Fill(y, luma);
        Array.Fill(co, orangeChroma);
        Array.Fill(cg, greenChroma);
        return new ColorLayerPlanes(grid, y, co, cg);
    }

    internal static void RequireSize(RgbImage image, ColorLayerGrid grid)
    {
        if (image.Width != grid.ImageWidth || image.Height != grid.ImageHeight)
        {
            throw new ArgumentException($"The image is {image.Width}x{image.Height}; the grid covers {grid.ImageWidth}x{grid.ImageHeight}.", nameof(image));
        }
    }
}

/// <summary>
/// The colour layer's space: YCoCg in 8-bit pixel units, Y = (R + 2G + B)/4 in 0 … 255, Co = (R − B)/2 and
/// Cg = (2G − R − B)/4 in −127.5 … 127.5 — the colour layer coder's planes. Linear, so box averages and the decoder's
/// least squares commute with it; decorrelated enough that chroma can be coarser than luma.
/// </summary>
public static class LayerColor
{
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
            y[i] = (r + (2 * g) + b) * 0.25f;
            co[i] = (r - b) * 0.5f;
            cg[i] = ((2 * g) - r - b) * 0.25f;
        }

        return [y, co, cg];
    }

    /// <summary>8-bit RGB from Y, Co, Cg planes (rounded, clamped).</summary>
    public static RgbImage ToImage(int width, int height, float[] y, float[] co, float[] cg)
    {
        var image = new RgbImage(width, height);
        byte[] px = image.Pixels;
        for (int i = 0, p = 0; i < y.Length; i++, p += 3)
        {
            float t = y[i] - cg[i];
            px[p] = ToByte(t + co[i]);
            px[p + 1] = ToByte(y[i] + cg[i]);
            px[p + 2] = ToByte(t - co[i]);
        }

        return image;
    }

    private static byte ToByte(float v) => v <= 0 ? (byte)0 : v >= 255 ? (byte)255 : (byte)(v + 0.5f);
}
