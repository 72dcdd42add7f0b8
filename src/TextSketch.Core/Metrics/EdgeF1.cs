using TextSketch.Core.Imaging;

namespace TextSketch.Core.Metrics;

/// <summary>Settings of the edge-map comparison behind <see cref="EdgeF1"/>.</summary>
public sealed record EdgeF1Options
{
    public static EdgeF1Options Default { get; } = new();

    /// <summary>Edges are found on luma area-averaged down so the longer side is at most this many pixels (384 for a
    /// 768x512 photo: half size). Coarser than the image because an ultra-low-rate reconstruction is judged on its
    /// contours, not on texture.</summary>
    public int AnalysisLongSide { get; init; } = 384;

    /// <summary>Gaussian smoothing before the gradient, in analysis pixels.</summary>
    public double Sigma { get; init; } = 1.0;

    /// <summary>Hysteresis thresholds on the Sobel magnitude of the smoothed 0-255 luma. A clean step of s levels gives
    /// about 2.5·s after the σ = 1 blur, so 64 and 32 mean steps of about 26 and 13 levels: object contours, not fur
    /// or noise. Fixed, not per-image, so a blurred or faint reconstruction loses edges instead of the detector lowering
    /// its bar.</summary>
    public double HighThreshold { get; init; } = 64;

    public double LowThreshold { get; init; } = 32;

    /// <summary>An edge pixel counts as matched when an edge pixel of the other map lies within this Euclidean
    /// distance (analysis pixels).</summary>
    public double Tolerance { get; init; } = 2;
}

/// <summary>
/// F1 score of the test image's edges against the reference's: a Canny detector (Gaussian σ, Sobel, non-maximum
/// suppression in four directions, hysteresis with fixed thresholds, see <see cref="EdgeF1Options"/>) on BT.601 luma
/// at the analysis resolution, then precision = share of test edge pixels within <see cref="EdgeF1Options.Tolerance"/>
/// of a reference edge pixel and recall = share of reference edge pixels within the tolerance of a test edge pixel
/// (distance-transform matching, not one-to-one). F1 = 2PR/(P+R); 1 when neither image has edges, 0 when only one has.
/// This detector belongs to the metric and is independent of the codec's sketch detector, so tuning the codec never
/// moves the yardstick.
/// </summary>
public static class EdgeF1
{
    public static double Compute(RgbImage reference, RgbImage test, EdgeF1Options? options = null)
    {
        MetricImages.RequireSameSize(reference, test);
        options ??= EdgeF1Options.Default;
        (int w, int h) = AnalysisSize(reference.Width, reference.Height, options.AnalysisLongSide);
        bool[] a = Detect(reference, w, h, options);
        bool[] b = Detect(test, w, h, options);
        return Score(a, b, w, h, options.Tolerance);
    }

    /// <summary>The analysis size for an image: the longer side capped at <paramref name="longSide"/>, aspect kept.</summary>
    public static (int Width, int Height) AnalysisSize(int width, int height, int longSide)
    {
        int longer = Math.Max(width, height);
        if (longer <= longSide)
        {
            return (width, height);
        }

        double scale = (double)longSide / longer;
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    /// <summary>The edge map (row-major, true = edge) at <paramref name="width"/>x<paramref name="height"/>.</summary>
    public static bool[] Detect(RgbImage image, int width, int height, EdgeF1Options? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        options ??= EdgeF1Options.Default;
        double[] luma = AreaLuma(image, width, height);
        double[] smooth = GaussianBlur(luma, width, height, options.Sigma);
        var gx = new double[width * height];
        var gy = new double[width * height];
        var magnitude = new double[width * height];
        for (int y = 0; y < height; y++)
        {
            int ym = Math.Max(y - 1, 0) * width;
            int y0 = y * width;
            int yp = Math.Min(y + 1, height - 1) * width;
            for (int x = 0; x < width; x++)
            {
                int xm = Math.Max(x - 1, 0);
                int xp = Math.Min(x + 1, width - 1);
                double dx = smooth[ym + xp] + 2 * smooth[y0 + xp] + smooth[yp + xp] - smooth[ym + xm] - 2 * smooth[y0 + xm] - smooth[yp + xm];
                double dy = smooth[yp + xm] + 2 * smooth[yp + x] + smooth[yp + xp] - smooth[ym + xm] - 2 * smooth[ym + x] - smooth[ym + xp];
                gx[y0 + x] = dx;
                gy[y0 + x] = dy;
                magnitude[y0 + x] = Math.Sqrt(dx * dx + dy * dy);
            }
        }

        // Non-maximum suppression across the gradient, quantised to 0, 45, 90, 135 degrees. Border pixels are never
        // edges (their gradient is one-sided).
        var peaks = new double[width * height];
        const double Tan22 = 0.41421356237309503;
        for (int y = 1; y < height - 1; y++)
        {
            for (int x = 1; x < width - 1; x++)
            {
                int i = y * width + x;
                double m = magnitude[i];
                if (m < options.LowThreshold)
                {
                    continue;
                }

                double ax = Math.Abs(gx[i]);
                double ay = Math.Abs(gy[i]);
                int o1, o2;
                if (ay <= Tan22 * ax)
                {
                    (o1, o2) = (i - 1, i + 1);
                }
                else if (ax <= Tan22 * ay)
                {
                    (o1, o2) = (i - width, i + width);
                }
                else if (gx[i] * gy[i] > 0)
                {
                    (o1, o2) = (i - width - 1, i + width + 1);
                }
                else
                {
                    (o1, o2) = (i - width + 1, i + width - 1);
                }

                if (m > magnitude[o1] && m >= magnitude[o2])
                {
                    peaks[i] = m;
                }
            }
        }

        var edges = new bool[width * height];
        var stack = new Stack<int>();
        for (int i = 0; i < peaks.Length; i++)
        {
            if (peaks[i] < options.HighThreshold || edges[i])
            {
                continue;
            }

            edges[i] = true;
            stack.Push(i);
            while (stack.Count > 0)
            {
                int p = stack.Pop();
                int px = p % width;
                int py = p / width;
                for (int ny = Math.Max(py - 1, 0); ny <= Math.Min(py + 1, height - 1); ny++)
                {
                    for (int nx = Math.Max(px - 1, 0); nx <= Math.Min(px + 1, width - 1); nx++)
                    {
                        int n = ny * width + nx;
                        if (!edges[n] && peaks[n] >= options.LowThreshold)
                        {
                            edges[n] = true;
                            stack.Push(n);
                        }
                    }
                }
            }
        }

        return edges;
    }

    /// <summary>F1 of two edge maps with a distance tolerance (see the class summary).</summary>
    public static double Score(bool[] reference, bool[] test, int width, int height, double tolerance)
    {
        int referenceCount = reference.Count(e => e);
        int testCount = test.Count(e => e);
        if (referenceCount == 0 && testCount == 0)
        {
            return 1;
        }

        if (referenceCount == 0 || testCount == 0)
        {
            return 0;
        }

        bool[] nearReference = Dilate(reference, width, height, tolerance);
        bool[] nearTest = Dilate(test, width, height, tolerance);
        int truePositives = 0;
        int found = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            if (test[i] && nearReference[i])
            {
                truePositives++;
            }

            if (reference[i] && nearTest[i])
            {
                found++;
            }
        }

        double precision = (double)truePositives / testCount;
        double recall = (double)found / referenceCount;
        return precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    }

    /// <summary>Every pixel within <paramref name="radius"/> (Euclidean) of a set pixel.</summary>
    private static bool[] Dilate(bool[] map, int width, int height, double radius)
    {
        int r = (int)Math.Floor(radius);
        var offsets = new List<(int Dx, int Dy)>();
        for (int dy = -r; dy <= r; dy++)
        {
            for (int dx = -r; dx <= r; dx++)
            {
                if (dx * dx + dy * dy <= radius * radius)
                {
                    offsets.Add((dx, dy));
                }
            }
        }

        var result = new bool[map.Length];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                if (!map[y * width + x])
                {
                    continue;
                }

                foreach ((int dx, int dy) in offsets)
                {
                    int nx = x + dx;
                    int ny = y + dy;
                    if ((uint)nx < (uint)width && (uint)ny < (uint)height)
                    {
                        result[ny * width + nx] = true;
                    }
                }
            }
        }

        return result;
    }

    /// <summary>BT.601 luma (0.299 R + 0.587 G + 0.114 B) averaged over each output pixel's source area.</summary>
    private static double[] AreaLuma(RgbImage image, int width, int height)
    {
        var result = new double[width * height];
        var weight = new double[width * height];
        byte[] px = image.Pixels;
        double sx = (double)width / image.Width;
        double sy = (double)height / image.Height;
        // Each source pixel contributes to the output cell its centre falls in: exact area averaging when the scale
        // divides evenly, a close approximation otherwise.
        for (int y = 0; y < image.Height; y++)
        {
            int oy = Math.Min(height - 1, (int)((y + 0.5) * sy));
            for (int x = 0; x < image.Width; x++)
            {
                int ox = Math.Min(width - 1, (int)((x + 0.5) * sx));
                int i = (y * image.Width + x) * 3;
                int o = oy * width + ox;
                result[o] += 0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2];
                weight[o] += 1;
            }
        }

        for (int i = 0; i < result.Length; i++)
        {
            result[i] = weight[i] > 0 ? result[i] / weight[i] : 0;
        }

        // An output cell no source centre fell into (only when upscaling, which AnalysisSize never asks for) stays 0.
        return result;
    }

    private static double[] GaussianBlur(double[] src, int width, int height, double sigma)
    {
        if (sigma <= 0)
        {
            return src;
        }

        int radius = (int)Math.Ceiling(3 * sigma);
        var kernel = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++)
        {
            kernel[i + radius] = Math.Exp(-(i * i) / (2 * sigma * sigma));
            sum += kernel[i + radius];
        }

        for (int i = 0; i < kernel.Length; i++)
        {
            kernel[i] /= sum;
        }

        // Mirror padding (reflect about the edge pixel) keeps flat borders flat.
        var tmp = new double[src.Length];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double acc = 0;
                for (int t = -radius; t <= radius; t++)
                {
                    acc += kernel[t + radius] * src[y * width + Mirror(x + t, width)];
                }

                tmp[y * width + x] = acc;
            }
        }

        var dst = new double[src.Length];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double acc = 0;
                for (int t = -radius; t <= radius; t++)
                {
                    acc += kernel[t + radius] * tmp[Mirror(y + t, height) * width + x];
                }

                dst[y * width + x] = acc;
            }
        }

        return dst;
    }

    private static int Mirror(int i, int n)
    {
        if (n == 1)
        {
            return 0;
        }

        while (i < 0 || i >= n)
        {
            i = i < 0 ? -i - 1 : 2 * n - i - 1;
        }

        return i;
    }
}
