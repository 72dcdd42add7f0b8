using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace TextSketch.Core.Imaging;

/// <summary>One sample of linear interpolation: the two source samples around an output position and the weight of
/// the upper one.</summary>
public readonly record struct LinearTap(int Lower, int Upper, double Fraction);

/// <summary>
/// Every way the codec changes an image's size, in one place:
/// <list type="bullet">
/// <item><see cref="AreaLuma"/> / <see cref="AreaRgb"/>: integer box means, bit-exact on every platform — what the
/// encoder codes (sketch detection, colour cells) may only come from these.</item>
/// <item><see cref="TrianglePlanes"/>: an antialiased separable triangle filter in a fixed order (model inputs).</item>
/// <item><see cref="LinearTaps"/>: linear interpolation between sample centres (decoders that upscale a coarse field).</item>
/// <item><see cref="Bicubic"/>: ImageSharp's bicubic resampler (decoded images to a record's size, metrics).</item>
/// </list>
/// </summary>
public static class Resampling
{
    /// <summary>
    /// Luma (BT.601, 8-bit) averaged over the source area of each output pixel (box filter on integer bounds).
    /// </summary>
    public static int[] AreaLuma(RgbImage image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        int[] result = GC.AllocateUninitializedArray<int>(checked(Math.Max(width, 0) * Math.Max(height, 0))); // every element written
        AreaLuma(image, width, height, result);
        return result;
    }

    /// <summary><see cref="AreaLuma(RgbImage, int, int)"/> into the first width x height elements of <paramref name="result"/>
    /// (a caller's reused buffer).</summary>
    internal static void AreaLuma(RgbImage image, int width, int height, Span<int> result)
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
            Span<int> direct = result[..(width * height)];
            ReadOnlySpan<byte> rgb = px.AsSpan(0, direct.Length * 3);
            for (int i = 0, p = 0; i < direct.Length; i++, p += 3)
            {
                direct[i] = Luma(rgb[p], rgb[p + 1], rgb[p + 2]);
            }

            return;
        }

        // Column sums per output column, accumulated one source row at a time: O(source) work, O(width) memory.
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
        byte[] pixels = image.Pixels;
        for (int oy = 0; oy < height; oy++)
        {
            for (int ox = 0; ox < width; ox++)
            {
                long r = 0, g = 0, b = 0;
                for (int sy = y0[oy]; sy < y0[oy + 1]; sy++)
                {
                    // The cell's run of this row as a span: no bounds check per sample.
                    ReadOnlySpan<byte> run = pixels.AsSpan((sy * image.Width + x0[ox]) * 3, (x0[ox + 1] - x0[ox]) * 3);
                    for (int i = 0; i < run.Length; i += 3)
                    {
                        r += run[i];
                        g += run[i + 1];
                        b += run[i + 2];
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

    /// <summary>For each of <paramref name="target"/> outputs, the two of <paramref name="source"/> samples it lies
    /// between (sample centres aligned, clamped at the edges) and the weight of the upper one.</summary>
    public static LinearTap[] LinearTaps(int source, int target)
    {
        var taps = new LinearTap[target];
        for (int o = 0; o < target; o++)
        {
            double g = Math.Clamp((o + 0.5) * source / target - 0.5, 0, source - 1);
            int lower = (int)g;
            taps[o] = new LinearTap(lower, Math.Min(lower + 1, source - 1), g - lower);
        }

        return taps;
    }

    /// <summary>A smooth RGB field (3 ints per pixel, row-major) at <paramref name="width"/> x <paramref name="height"/>
    /// interpolating a coarse image's colours bilinearly between its pixel centres (<see cref="LinearTaps"/>), rounded:
    /// the weight-free Preview decoder's colour layout.</summary>
    public static int[] LinearField(RgbImage coarse, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(coarse);
        var field = new int[width * height * 3];
        LinearTap[] columns = LinearTaps(coarse.Width, width);
        LinearTap[] rows = LinearTaps(coarse.Height, height);
        byte[] px = coarse.Pixels;
        int cw = coarse.Width;
        for (int y = 0; y < height; y++)
        {
            (int y0, int y1, double fy) = rows[y];
            for (int x = 0; x < width; x++)
            {
                (int x0, int x1, double fx) = columns[x];
                int o = (y * width + x) * 3;
                for (int c = 0; c < 3; c++)
                {
                    int v00 = px[(y0 * cw + x0) * 3 + c], v01 = px[(y0 * cw + x1) * 3 + c];
                    int v10 = px[(y1 * cw + x0) * 3 + c], v11 = px[(y1 * cw + x1) * 3 + c];
                    double top = v00 + (v01 - v00) * fx;
                    double bottom = v10 + (v11 - v10) * fx;
                    field[o + c] = (int)Math.Round(top + (bottom - top) * fy);
                }
            }
        }

        return field;
    }

    /// <summary>
    /// The source rectangle (<paramref name="x0"/>, <paramref name="y0"/>, <paramref name="sourceWidth"/> x
    /// <paramref name="sourceHeight"/>) resampled to <paramref name="width"/> x <paramref name="height"/> as three
    /// CHW float planes (R, G, B; 0-255 scale, not clamped): a separable triangle filter whose support widens with the
    /// reduction (antialiased like PIL's resize), horizontal pass first, in a fixed order so the same image always
    /// gives the same floats.
    /// </summary>
    public static float[] TrianglePlanes(RgbImage image, int x0, int y0, int sourceWidth, int sourceHeight, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (width <= 0 || height <= 0 || sourceWidth <= 0 || sourceHeight <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width));
        }

        (int[] xStart, float[][] xWeights) = TriangleWeights(sourceWidth, width);
        (int[] yStart, float[][] yWeights) = TriangleWeights(sourceHeight, height);
        int plane = width * height;
        var result = new float[3 * plane];
        // Horizontal pass per source row, then vertical pass: rows[c][sy * width + ox].
        var rows = new float[3][];
        for (int c = 0; c < 3; c++)
        {
            rows[c] = new float[sourceHeight * width];
        }

        byte[] px = image.Pixels;
        for (int sy = 0; sy < sourceHeight; sy++)
        {
            int rowBase = ((y0 + sy) * image.Width + x0) * 3;
            for (int ox = 0; ox < width; ox++)
            {
                float r = 0, g = 0, b = 0;
                float[] w = xWeights[ox];
                int start = xStart[ox];
                for (int k = 0; k < w.Length; k++)
                {
                    int i = rowBase + (start + k) * 3;
                    r += w[k] * px[i];
                    g += w[k] * px[i + 1];
                    b += w[k] * px[i + 2];
                }

                rows[0][sy * width + ox] = r;
                rows[1][sy * width + ox] = g;
                rows[2][sy * width + ox] = b;
            }
        }

        for (int c = 0; c < 3; c++)
        {
            float[] src = rows[c];
            for (int oy = 0; oy < height; oy++)
            {
                float[] w = yWeights[oy];
                int start = yStart[oy];
                for (int ox = 0; ox < width; ox++)
                {
                    float v = 0;
                    for (int k = 0; k < w.Length; k++)
                    {
                        v += w[k] * src[(start + k) * width + ox];
                    }

                    result[c * plane + oy * width + ox] = v;
                }
            }
        }

        return result;
    }

    /// <summary>
    /// <paramref name="image"/> at <paramref name="width"/> x <paramref name="height"/>: unchanged when it already has
    /// that size, else resampled with ImageSharp's Bicubic resampler (cubic convolution; the kernel is widened when
    /// shrinking, so downscaling averages instead of aliasing). The aspect ratio is not kept.
    /// </summary>
    public static RgbImage Bicubic(RgbImage image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Width == width && image.Height == height)
        {
            return image;
        }

        using Image<Rgb24> frame = Image.LoadPixelData<Rgb24>(ImageSharpSetup.Configuration, image.Pixels, image.Width, image.Height);
        frame.Mutate(x => x.Resize(new ResizeOptions { Size = new Size(width, height), Mode = ResizeMode.Stretch, Sampler = KnownResamplers.Bicubic }));
        var result = new RgbImage(width, height);
        frame.CopyPixelDataTo(result.Pixels);
        return result;
    }

    /// <summary>The <paramref name="width"/> x <paramref name="height"/> rectangle at (<paramref name="x0"/>, <paramref name="y0"/>).</summary>
    public static RgbImage Crop(RgbImage image, int x0, int y0, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (x0 < 0 || y0 < 0 || width < 1 || height < 1 || x0 + width > image.Width || y0 + height > image.Height)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"({x0}, {y0}) {width}x{height} is not inside {image.Width}x{image.Height}.");
        }

        var result = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        {
            Array.Copy(image.Pixels, ((y0 + y) * image.Width + x0) * 3, result.Pixels, y * width * 3, width * 3);
        }

        return result;
    }

    /// <summary>Triangle-filter taps for resampling <paramref name="source"/> samples to <paramref name="target"/>.</summary>
    private static (int[] Start, float[][] Weights) TriangleWeights(int source, int target)
    {
        double ratio = (double)source / target;
        double support = Math.Max(1.0, ratio);
        var starts = new int[target];
        var weights = new float[target][];
        for (int o = 0; o < target; o++)
        {
            double center = (o + 0.5) * ratio;
            int first = Math.Max(0, (int)Math.Floor(center - support));
            int last = Math.Min(source - 1, (int)Math.Ceiling(center + support));
            var w = new double[last - first + 1];
            double sum = 0;
            for (int i = first; i <= last; i++)
            {
                double t = Math.Abs((i + 0.5 - center) / support);
                double value = t < 1 ? 1 - t : 0;
                w[i - first] = value;
                sum += value;
            }

            if (sum <= 0)
            {
                int nearest = Math.Clamp((int)center, 0, source - 1);
                starts[o] = nearest;
                weights[o] = [1f];
                continue;
            }

            starts[o] = first;
            weights[o] = w.Select(v => (float)(v / sum)).ToArray();
        }

        return (starts, weights);
    }
}
