namespace TextSketch.Core.Imaging;

/// <summary>Integer resampling: bit-exact on every platform, so encoder output never depends on the CPU.</summary>
public static class Resampling
{
    /// <summary>
    /// Luma (BT.601, 8-bit) averaged over the source area of each output pixel (box filter on integer bounds).
    /// </summary>
    public static int[] AreaLuma(RgbImage image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (width <= 0 || height <= 0 || width > image.Width || height > image.Height)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Cannot reduce {image.Width}x{image.Height} to {width}x{height}.");
        }

        int srcW = image.Width;
        int srcH = image.Height;
        byte[] px = image.Pixels;
        if (width == srcW && height == srcH)
        {
            // Nothing to average: the luma of each pixel.
            var direct = new int[width * height];
            for (int i = 0, p = 0; i < direct.Length; i++, p += 3)
            {
                direct[i] = Luma(px[p], px[p + 1], px[p + 2]);
            }

            return direct;
        }

        // Column sums per output column, accumulated one source row at a time: O(source) work, O(width) memory.
        var result = new int[width * height];
        var columnSum = new long[width];
        int[] x0 = Bounds(srcW, width);
        int[] y0 = Bounds(srcH, height);
        var columnOf = new int[srcW];
        for (int ox = 0; ox < width; ox++)
        {
            for (int sx = x0[ox]; sx < x0[ox + 1]; sx++)
            {
                columnOf[sx] = ox;
            }
        }

        for (int oy = 0; oy < height; oy++)
        {
            Array.Clear(columnSum);
            for (int sy = y0[oy]; sy < y0[oy + 1]; sy++)
            {
                int i = sy * srcW * 3;
                for (int sx = 0; sx < srcW; sx++, i += 3)
                {
                    columnSum[columnOf[sx]] += Luma(px[i], px[i + 1], px[i + 2]);
                }
            }

            int rows = y0[oy + 1] - y0[oy];
            for (int ox = 0; ox < width; ox++)
            {
                long count = (long)rows * (x0[ox + 1] - x0[ox]);
                result[oy * width + ox] = (int)((columnSum[ox] + count / 2) / count);
            }
        }

        return result;
    }

    /// <summary>Mean R, G, B over the source area of each output cell.</summary>
    public static int[] AreaRgb(RgbImage image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        width = Math.Min(width, image.Width);
        height = Math.Min(height, image.Height);
        int[] x0 = Bounds(image.Width, width);
        int[] y0 = Bounds(image.Height, height);
        var result = new int[width * height * 3];
        for (int oy = 0; oy < height; oy++)
        {
            for (int ox = 0; ox < width; ox++)
            {
                long r = 0, g = 0, b = 0;
                for (int sy = y0[oy]; sy < y0[oy + 1]; sy++)
                {
                    int i = (sy * image.Width + x0[ox]) * 3;
                    for (int sx = x0[ox]; sx < x0[ox + 1]; sx++, i += 3)
                    {
                        r += image.Pixels[i];
                        g += image.Pixels[i + 1];
                        b += image.Pixels[i + 2];
                    }
                }

                long n = (long)(y0[oy + 1] - y0[oy]) * (x0[ox + 1] - x0[ox]);
                int o = (oy * width + ox) * 3;
                result[o] = (int)((r + n / 2) / n);
                result[o + 1] = (int)((g + n / 2) / n);
                result[o + 2] = (int)((b + n / 2) / n);
            }
        }

        return result;
    }

    /// <summary>BT.601 luma in 0..255, integer.</summary>
    public static int Luma(int r, int g, int b) => (77 * r + 150 * g + 29 * b + 128) >> 8;

    /// <summary>Boundaries splitting <paramref name="source"/> samples into <paramref name="parts"/> near-equal runs.</summary>
    internal static int[] Bounds(int source, int parts)
    {
        var bounds = new int[parts + 1];
        for (int i = 0; i <= parts; i++)
        {
            bounds[i] = (int)((long)i * source / parts);
        }

        return bounds;
    }
}
