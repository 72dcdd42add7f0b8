using TextSketch.Core.Coding;
using TextSketch.Core.Imaging;

using TextSketch.Core.Coding.ColorLayer;

namespace TextSketch.Core.Color;

/// <summary>
/// The global colour layout: mean colour of each cell of a coarse grid (about 12 cells, shaped like the image), in
/// YCbCr quantised to 6/5/5 bits (at most 24 bytes raw, about half that coded). The decoder needs only the image
/// size to know the grid.
/// </summary>
public sealed class ColorHint : IEquatable<ColorHint>
{
    public const int MaxCells = LayerGeometry.HintMaxCells;
    public const int LumaLevels = 64;
    public const int ChromaLevels = 32;

    public ColorHint(int columns, int rows, byte[] luma, byte[] blueChroma, byte[] redChroma)
    {
        int cells = columns * rows;
        if (columns < 1 || rows < 1 || cells > MaxCells || luma.Length != cells || blueChroma.Length != cells || redChroma.Length != cells)
        {
            throw new ArgumentException("The colour grid does not match its dimensions.");
        }

        if (luma.Any(v => v >= LumaLevels) || blueChroma.Any(v => v >= ChromaLevels) || redChroma.Any(v => v >= ChromaLevels))
        {
            throw new ArgumentException("A colour level is out of range.");
        }

        Columns = columns;
        Rows = rows;
        Luma = luma;
        BlueChroma = blueChroma;
        RedChroma = redChroma;
    }

    public int Columns { get; }

    public int Rows { get; }

    /// <summary>Quantised luma per cell (0..63), row-major.</summary>
    public byte[] Luma { get; }

    /// <summary>Quantised Cb per cell (0..31).</summary>
    public byte[] BlueChroma { get; }

    /// <summary>Quantised Cr per cell (0..31).</summary>
    public byte[] RedChroma { get; }

    /// <summary>The grid for an image (the colour layer's smallest size, <see cref="LayerGeometry.HintGridFor"/>).</summary>
    public static (int Columns, int Rows) GridFor(int width, int height) => LayerGeometry.HintGridFor(width, height);

    public static ColorHint Extract(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        (int columns, int rows) = GridFor(image.Width, image.Height);
        // Tiny images: fewer cells than the grid wants would leave cells empty; AreaRgb caps, so rebuild the grid.
        columns = Math.Min(columns, image.Width);
        rows = Math.Min(rows, image.Height);
        int[] rgb = Resampling.AreaRgb(image, columns, rows);
        int cells = columns * rows;
        var y = new byte[cells];
        var cb = new byte[cells];
        var cr = new byte[cells];
        for (int i = 0; i < cells; i++)
        {
            (int l, int b, int r) = ToYCbCr(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]);
            y[i] = (byte)Quantise(l, LumaLevels);
            cb[i] = (byte)Quantise(b, ChromaLevels);
            cr[i] = (byte)Quantise(r, ChromaLevels);
        }

        return new ColorHint(columns, rows, y, cb, cr);
    }

    /// <summary>Mean colour of a cell, back in 8-bit RGB.</summary>
    public (int R, int G, int B) CellRgb(int index) =>
        ToRgb(Dequantise(Luma[index], LumaLevels), Dequantise(BlueChroma[index], ChromaLevels), Dequantise(RedChroma[index], ChromaLevels));

    /// <summary>A smooth RGB field (3 ints per pixel) interpolating the cell colours bilinearly between cell centres.</summary>
    public int[] RenderField(int width, int height)
    {
        var field = new int[width * height * 3];
        LinearTap[] columns = Resampling.LinearTaps(Columns, width);
        LinearTap[] rows = Resampling.LinearTaps(Rows, height);
        for (int y = 0; y < height; y++)
        {
            (int y0, int y1, double fy) = rows[y];
            for (int x = 0; x < width; x++)
            {
                (int x0, int x1, double fx) = columns[x];
                (int r00, int g00, int b00) = CellRgb(y0 * Columns + x0);
                (int r01, int g01, int b01) = CellRgb(y0 * Columns + x1);
                (int r10, int g10, int b10) = CellRgb(y1 * Columns + x0);
                (int r11, int g11, int b11) = CellRgb(y1 * Columns + x1);
                int o = (y * width + x) * 3;
                field[o] = Lerp2(r00, r01, r10, r11, fx, fy);
                field[o + 1] = Lerp2(g00, g01, g10, g11, fx, fy);
                field[o + 2] = Lerp2(b00, b01, b10, b11, fx, fy);
            }
        }

        return field;
    }

    public void Encode(RangeEncoder encoder)
    {
        var model = new AdaptiveIntegerModel(sets: 3, rateLimit: 3);
        EncodeChannel(encoder, model, Luma, 0, LumaLevels);
        EncodeChannel(encoder, model, BlueChroma, 1, ChromaLevels);
        EncodeChannel(encoder, model, RedChroma, 2, ChromaLevels);
    }

    public static ColorHint Decode(RangeDecoder decoder, int imageWidth, int imageHeight)
    {
        (int columns, int rows) = GridFor(imageWidth, imageHeight);
        columns = Math.Min(columns, imageWidth);
        rows = Math.Min(rows, imageHeight);
        var model = new AdaptiveIntegerModel(sets: 3, rateLimit: 3);
        byte[] y = DecodeChannel(decoder, model, columns, rows, 0, LumaLevels);
        byte[] cb = DecodeChannel(decoder, model, columns, rows, 1, ChromaLevels);
        byte[] cr = DecodeChannel(decoder, model, columns, rows, 2, ChromaLevels);
        return new ColorHint(columns, rows, y, cb, cr);
    }

    public bool Equals(ColorHint? other) =>
        other is not null && other.Columns == Columns && other.Rows == Rows && other.Luma.AsSpan().SequenceEqual(Luma)
        && other.BlueChroma.AsSpan().SequenceEqual(BlueChroma) && other.RedChroma.AsSpan().SequenceEqual(RedChroma);

    public override bool Equals(object? obj) => Equals(obj as ColorHint);

    public override int GetHashCode() => HashCode.Combine(Columns, Rows, Luma[0], BlueChroma[0], RedChroma[0]);

    private void EncodeChannel(RangeEncoder encoder, AdaptiveIntegerModel model, byte[] values, int set, int levels)
    {
        for (int i = 0; i < values.Length; i++)
        {
            int residual = Wrap(values[i] - Predict(values, Columns, i, levels), levels);
            model.EncodeSigned(encoder, residual, set);
        }
    }

    private static byte[] DecodeChannel(RangeDecoder decoder, AdaptiveIntegerModel model, int columns, int rows, int set, int levels)
    {
        var values = new byte[columns * rows];
        for (int i = 0; i < values.Length; i++)
        {
            int residual = model.DecodeSigned(decoder, levels / 2, set);
            int value = Predict(values, columns, i, levels) + residual;
            values[i] = (byte)(((value % levels) + levels) % levels);
        }

        return values;
    }

    /// <summary>LOCO-I median predictor from left, up and up-left; the first cell predicts mid-level.</summary>
    private static int Predict(byte[] v, int columns, int i, int levels)
    {
        int x = i % columns;
        int y = i / columns;
        if (x == 0 && y == 0)
        {
            return levels / 2;
        }

        if (y == 0)
        {
            return v[i - 1];
        }

        if (x == 0)
        {
            return v[i - columns];
        }

        int a = v[i - 1], b = v[i - columns], c = v[i - columns - 1];
        return c >= Math.Max(a, b) ? Math.Min(a, b) : c <= Math.Min(a, b) ? Math.Max(a, b) : a + b - c;
    }

    /// <summary>Residuals modulo the level count, centred, so every residual fits in [-levels/2, levels/2).</summary>
    private static int Wrap(int residual, int levels)
    {
        residual %= levels;
        if (residual >= levels / 2)
        {
            residual -= levels;
        }
        else if (residual < -levels / 2)
        {
            residual += levels;
        }

        return residual;
    }

    private static int Lerp2(int v00, int v01, int v10, int v11, double fx, double fy)
    {
        double top = v00 + (v01 - v00) * fx;
        double bottom = v10 + (v11 - v10) * fx;
        return (int)Math.Round(top + (bottom - top) * fy);
    }

    private static int Quantise(int value, int levels) => Math.Clamp((value * (levels - 1) + 127) / 255, 0, levels - 1);

    private static int Dequantise(int level, int levels) => (level * 255 + (levels - 1) / 2) / (levels - 1);

    internal static (int Y, int Cb, int Cr) ToYCbCr(int r, int g, int b)
    {
        int y = (77 * r + 150 * g + 29 * b + 128) >> 8;
        int cb = ((-43 * r - 85 * g + 128 * b + 128) >> 8) + 128;
        int cr = ((128 * r - 107 * g - 21 * b + 128) >> 8) + 128;
        return (Math.Clamp(y, 0, 255), Math.Clamp(cb, 0, 255), Math.Clamp(cr, 0, 255));
    }

    internal static (int R, int G, int B) ToRgb(int y, int cb, int cr)
    {
        int d = cb - 128;
        int e = cr - 128;
        int r = y + ((359 * e + 128) >> 8);
        int g = y - ((88 * d + 183 * e + 128) >> 8);
        int b = y + ((454 * d + 128) >> 8);
        return (Math.Clamp(r, 0, 255), Math.Clamp(g, 0, 255), Math.Clamp(b, 0, 255));
    }
}
