using TextSketch.Core.Imaging;

namespace TextSketch.Core.Sketch;

/// <summary>
/// The built-in sketch detector (no weights): a Canny-style detector run at the sketch resolution, entirely in
/// integer arithmetic so the bitmap is identical on every machine. Area-averaged luma, binomial smoothing, Sobel
/// gradients, non-maximum suppression, hysteresis with thresholds set from the image's own gradient histogram,
/// thinning to one pixel, and removal of short pieces. The result is thin, connected contours, the kind of map a
/// canny ControlNet is trained on.
/// </summary>
public static class EdgeDetector
{
    public static BitPlane Detect(RgbImage image, int width, int height, SketchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        options ??= SketchOptions.Default;
        int[] luma = Resampling.AreaLuma(image, width, height);
        int[] smooth = Smooth(luma, width, height);
        int[] magnitude = Gradient(smooth, width, height, out byte[] direction);
        int[] peaks = SuppressNonMaxima(magnitude, direction, width, height);
        (int strong, int weak) = Thresholds(peaks, options);
        var plane = new BitPlane(width, height);
        Hysteresis(peaks, strong, weak, plane);
        Thinning.Thin(plane);
        Components.RemoveSmall(plane, options.MinComponentPixels);
        return plane;
    }

    /// <summary>3x3 binomial blur; output scaled by 16.</summary>
    private static int[] Smooth(int[] src, int w, int h)
    {
        var tmp = new int[w * h];
        var dst = new int[w * h];
        for (int y = 0; y < h; y++)
        {
            int row = y * w;
            for (int x = 0; x < w; x++)
            {
                int l = src[row + Math.Max(x - 1, 0)];
                int r = src[row + Math.Min(x + 1, w - 1)];
                tmp[row + x] = l + 2 * src[row + x] + r;
            }
        }

        for (int y = 0; y < h; y++)
        {
            int up = Math.Max(y - 1, 0) * w;
            int down = Math.Min(y + 1, h - 1) * w;
            int row = y * w;
            for (int x = 0; x < w; x++)
            {
                dst[row + x] = tmp[up + x] + 2 * tmp[row + x] + tmp[down + x];
            }
        }

        return dst;
    }

    /// <summary>Sobel magnitude (rounded Euclidean) and a 4-way direction: 0 horizontal, 1 vertical, 2 "\", 3 "/".</summary>
    private static int[] Gradient(int[] s, int w, int h, out byte[] direction)
    {
        var magnitude = new int[w * h];
        direction = new byte[w * h];
        for (int y = 0; y < h; y++)
        {
            int ym = Math.Max(y - 1, 0) * w;
            int y0 = y * w;
            int yp = Math.Min(y + 1, h - 1) * w;
            for (int x = 0; x < w; x++)
            {
                int xm = Math.Max(x - 1, 0);
                int xp = Math.Min(x + 1, w - 1);
                int gx = (s[ym + xp] + 2 * s[y0 + xp] + s[yp + xp]) - (s[ym + xm] + 2 * s[y0 + xm] + s[yp + xm]);
                int gy = (s[yp + xm] + 2 * s[yp + x] + s[yp + xp]) - (s[ym + xm] + 2 * s[ym + x] + s[ym + xp]);
                long squared = (long)gx * gx + (long)gy * gy;
                // Math.Sqrt is correctly rounded (IEEE 754), so this is exact and portable.
                magnitude[y0 + x] = (int)Math.Sqrt(squared);
                int ax = Math.Abs(gx);
                int ay = Math.Abs(gy);
                // tan(22.5 deg) ~ 29/70
                direction[y0 + x] = (byte)(70 * ay <= 29 * ax ? 0
                    : 70 * ax <= 29 * ay ? 1
                    : (gx ^ gy) >= 0 ? 2 : 3);
            }
        }

        return magnitude;
    }

    private static int[] SuppressNonMaxima(int[] m, byte[] direction, int w, int h)
    {
        var peaks = new int[w * h];
        for (int y = 0; y < h; y++)
        {
            // Neighbours clamp at the border, so contours run up to the image edge instead of stopping one pixel short.
            int up = Math.Max(y - 1, 0) * w;
            int row = y * w;
            int down = Math.Min(y + 1, h - 1) * w;
            for (int x = 0; x < w; x++)
            {
                int i = row + x;
                int value = m[i];
                if (value == 0)
                {
                    continue;
                }

                int left = Math.Max(x - 1, 0);
                int right = Math.Min(x + 1, w - 1);
                (int a, int b) = direction[i] switch
                {
                    0 => (m[row + left], m[row + right]),
                    1 => (m[up + x], m[down + x]),
                    2 => (m[up + left], m[down + right]),
                    _ => (m[up + right], m[down + left]),
                };
                // Strict on one side, loose on the other: a plateau keeps exactly one pixel.
                if (value > a && value >= b)
                {
                    peaks[i] = value;
                }
            }
        }

        return peaks;
    }

    private static (int Strong, int Weak) Thresholds(int[] peaks, SketchOptions options)
    {
        // A step of MinContrast luma levels gives a Sobel response of 4 * 16 * step after the x16 blur.
        int floor = Math.Max(1, options.MinContrast * 64);
        int max = 0;
        foreach (int v in peaks)
        {
            max = Math.Max(max, v);
        }

        if (max < floor)
        {
            return (int.MaxValue, int.MaxValue);
        }

        // Histogram of peak magnitudes in 256 bins; the strong threshold leaves StrongEdgePermille of all pixels above it.
        const int Bins = 256;
        var histogram = new int[Bins];
        foreach (int v in peaks)
        {
            if (v > 0)
            {
                histogram[(int)((long)v * (Bins - 1) / max)]++;
            }
        }

        long budget = (long)peaks.Length * options.StrongEdgePermille / 1000;
        long above = 0;
        int bin = Bins - 1;
        while (bin > 0 && above + histogram[bin] <= budget)
        {
            above += histogram[bin];
            bin--;
        }

        int strong = Math.Max(floor, (int)((long)(bin + 1) * max / (Bins - 1)));
        int weak = Math.Max(1, strong * options.WeakThresholdPercent / 100);
        return (strong, weak);
    }

    private static void Hysteresis(int[] peaks, int strong, int weak, BitPlane plane)
    {
        int w = plane.Width;
        int h = plane.Height;
        byte[] bits = plane.Bits;
        var stack = new Stack<int>();
        for (int i = 0; i < peaks.Length; i++)
        {
            if (peaks[i] >= strong && bits[i] == 0)
            {
                bits[i] = 1;
                stack.Push(i);
                while (stack.Count > 0)
                {
                    int p = stack.Pop();
                    int px = p % w;
                    int py = p / w;
                    for (int dy = -1; dy <= 1; dy++)
                    {
                        for (int dx = -1; dx <= 1; dx++)
                        {
                            int nx = px + dx;
                            int ny = py + dy;
                            if ((uint)nx < (uint)w && (uint)ny < (uint)h)
                            {
                                int n = ny * w + nx;
                                if (bits[n] == 0 && peaks[n] >= weak)
                                {
                                    bits[n] = 1;
                                    stack.Push(n);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
