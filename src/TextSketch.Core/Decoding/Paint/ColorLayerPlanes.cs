using TextSketch.Core.Imaging;

namespace TextSketch.Core.Decoding.Paint;

/// <summary>
/// The colour layer as the Paint decoder takes it: one value per cell of each plane, in the layer's colour space
/// (<see cref="LayerColor"/>: full-range BT.601 Y'CbCr, 0..255 with chroma centred on 128), luma on
/// <see cref="ColorLayerGrid.Luma"/>, Cb and Cr on <see cref="ColorLayerGrid.Chroma"/>, row-major. Values are
/// dequantised reals: the coder's levels mapped back, or an encoder's unquantised fit.
/// </summary>
public sealed class ColorLayerPlanes
{
    public ColorLayerPlanes(ColorLayerGrid grid, float[] luma, float[] blueChroma, float[] redChroma)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(luma);
        ArgumentNullException.ThrowIfNull(blueChroma);
        ArgumentNullException.ThrowIfNull(redChroma);
        if (luma.Length != grid.Luma.CellCount || blueChroma.Length != grid.Chroma.CellCount || redChroma.Length != grid.Chroma.CellCount)
        {
            throw new ArgumentException("The planes do not match their grids.");
        }

        Grid = grid;
        Luma = luma;
        BlueChroma = blueChroma;
        RedChroma = redChroma;
    }

    public ColorLayerGrid Grid { get; }

    public float[] Luma { get; }

    public float[] BlueChroma { get; }

    public float[] RedChroma { get; }

    /// <summary>Plane 0 = Y, 1 = Cb, 2 = Cr.</summary>
    public float[] Plane(int index) => index switch
    {
        0 => Luma,
        1 => BlueChroma,
        2 => RedChroma,
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
    public static ColorLayerPlanes Flat(ColorLayerGrid grid, float luma, float blueChroma, float redChroma)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var y = new float[grid.Luma.CellCount];
        var cb = new float[grid.Chroma.CellCount];
        var cr = new float[grid.Chroma.CellCount];
        Array.Fill(y, luma);
        Array.Fill(cb, blueChroma);
        Array.Fill(cr, redChroma);
        return new ColorLayerPlanes(grid, y, cb, cr);
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
/// The colour layer's space: full-range BT.601 Y'CbCr (the JPEG/JFIF matrix) on 0..255, chroma centred on 128.
/// Linear, so box averages and the decoder's least squares commute with it; decorrelated enough that chroma can be
/// coarser than luma.
/// </summary>
public static class LayerColor
{
    public const float ChromaOffset = 128f;

    /// <summary>Y, Cb, Cr planes (W·H floats each, row-major) of an image.</summary>
    public static float[][] ToPlanes(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int n = image.Width * image.Height;
        var y = new float[n];
        var cb = new float[n];
        var cr = new float[n];
        byte[] px = image.Pixels;
        for (int i = 0, p = 0; i < n; i++, p += 3)
        {
            float r = px[p], g = px[p + 1], b = px[p + 2];
            y[i] = (0.299f * r) + (0.587f * g) + (0.114f * b);
            cb[i] = ChromaOffset - (0.168736f * r) - (0.331264f * g) + (0.5f * b);
            cr[i] = ChromaOffset + (0.5f * r) - (0.418688f * g) - (0.081312f * b);
        }

        return [y, cb, cr];
    }

    /// <summary>8-bit RGB from Y, Cb, Cr planes (rounded, clamped).</summary>
    public static RgbImage ToImage(int width, int height, float[] y, float[] cb, float[] cr)
    {
        var image = new RgbImage(width, height);
        byte[] px = image.Pixels;
        for (int i = 0, p = 0; i < y.Length; i++, p += 3)
        {
            float d = cb[i] - ChromaOffset;
            float e = cr[i] - ChromaOffset;
            px[p] = ToByte(y[i] + (1.402f * e));
            px[p + 1] = ToByte(y[i] - (0.344136f * d) - (0.714136f * e));
            px[p + 2] = ToByte(y[i] + (1.772f * d));
        }

        return image;
    }

    private static byte ToByte(float v) => v <= 0 ? (byte)0 : v >= 255 ? (byte)255 : (byte)(v + 0.5f);
}
