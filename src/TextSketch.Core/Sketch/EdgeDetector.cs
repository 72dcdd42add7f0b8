using System.Buffers;
using TextSketch.Core.Imaging;

namespace TextSketch.Core.Sketch;

/// <summary>A detector's edge map at its own resolution, with the gradient strength of each edge pixel.</summary>
public sealed record EdgeMap(BitPlane Edges, int[] Strength);

/// <summary>
/// The built-in sketch detector (no weights), entirely in integer arithmetic so the bitmap is identical on every
/// machine. A Canny-style detector runs at the detection resolution (up to <see cref="SketchOptions.DetectionScale"/>
/// times the sketch's, the image's own when that is smaller): area-averaged luma, binomial smoothing, Sobel
/// gradients, non-maximum suppression, hysteresis with thresholds from the image's own gradient histogram, thinning.
/// That map is then reduced onto the sketch grid (a cell is ink when an edge crosses it), thinned again and cleared
/// of speckle: thin connected contours, placed more precisely than detection at the sketch size could place them,
/// the kind of map a canny ControlNet is trained on.
/// </summary>
public static class EdgeDetector
{
    /// <summary>The sketch bitmap of <paramref name="image"/> at <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static BitPlane Detect(RgbImage image, int width, int height, SketchOptions? options = null) =>
        DetectSketch(image, width, height, options).Sketch.Edges;

    /// <summary>The sketch (with per-pixel strength, for rate-aware pruning) and the detection-resolution map it came from.</summary>
    public static (EdgeMap Sketch, EdgeMap Detection) DetectSketch(RgbImage image, int width, int height, SketchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        options ??= SketchOptions.Default;
        int scale = Math.Max(1, options.DetectionScale);
        int detectionWidth = Math.Min(image.Width, width * scale);
        int detectionHeight = Math.Min(image.Height, height * scale);
        // Edges are lines: their pixel count grows with the linear scale, so the strong-edge share shrinks with it.
        double linear = Math.Max(1.0, Math.Min((double)detectionWidth / width, (double)detectionHeight / height));
        int permille = Math.Max(1, (int)Math.Round(options.StrongEdgePermille / linear));
        EdgeMap detection = DetectMap(image, detectionWidth, detectionHeight, options, permille, (int)Math.Round(options.MinComponentPixels * linear));
        return (Reduce(detection, width, height, options.MinComponentPixels), detection);
    }

    /// <summary>Canny at <paramref name="width"/> x <paramref name="height"/> (the image is area-averaged down to it).</summary>
    public static EdgeMap DetectMap(RgbImage image, int width, int height, SketchOptions options, int strongPermille, int minComponentPixels)
    {
        // The stages' working planes come from the shared pool (a few megabytes per image, which would otherwise be
        // large-object allocations and drive full collections); each is written in full before it is read, so what a
        // rented array held before never shows. Only the peaks, which the map keeps, are allocated.
        int pixels = width * height;
        int[] smooth = ArrayPool<int>.Shared.Rent(pixels);
        int[] scratch = ArrayPool<int>.Shared.Rent(pixels);
        byte[] direction = ArrayPool<byte>.Shared.Rent(pixels);
        try
        {
            Resampling.AreaLuma(image, width, height, smooth);
            Smooth(smooth, scratch, width, height, options.SmoothingPasses);
            int[] magnitude = scratch;
            Gradient(smooth, width, height, magnitude, direction);
            return Edges(magnitude, direction, width, height, options, strongPermille, minComponentPixels);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(smooth);
            ArrayPool<int>.Shared.Return(scratch);
            ArrayPool<byte>.Shared.Return(direction);
        }
    }

    /// <summary>Canny's later stages on the gradient (the first width x height elements of the arrays).</summary>
    private static EdgeMap Edges(int[] magnitude, byte[] direction, int width, int height, SketchOptions options, int strongPermille, int minComponentPixels)
    {
        int[] peaks = SuppressNonMaxima(magnitude, direction, width, height);
        (int strong, int weak) = Thresholds(peaks, strongPermille, options.WeakThresholdPercent, ContrastFloor(options));
        var plane = new BitPlane(width, height);
        Hysteresis.Trace(peaks, strong, weak, plane);
        Thinning.Thin(plane);
        Components.RemoveSmall(plane, minComponentPixels);
        for (int i = 0; i < peaks.Length; i++)
        {
            if (plane.Bits[i] == 0)
            {
                peaks[i] = 0;
            }
            else if (peaks[i] == 0)
            {
                peaks[i] = magnitude[i];
            }
        }

        return new EdgeMap(plane, peaks);
    }

    /// <summary>Maps a fine edge map onto a coarser grid: a cell is ink when any fine edge pixel falls in it (its
    /// strength the strongest), then thinning and speckle removal at the coarse size.</summary>
    public static EdgeMap Reduce(EdgeMap fine, int width, int height, int minComponentPixels)
    {
        BitPlane source = fine.Edges;
        if (source.Width == width && source.Height == height)
        {
            return fine;
        }

        var plane = new BitPlane(width, height);
        var strength = new int[width * height];
        for (int y = 0; y < source.Height; y++)
        {
            int cy = (int)((long)y * height / source.Height);
            for (int x = 0; x < source.Width; x++)
            {
                int i = y * source.Width + x;
                if (source.Bits[i] != 0)
                {
                    int c = cy * width + (int)((long)x * width / source.Width);
                    plane.Bits[c] = 1;
                    strength[c] = Math.Max(strength[c], fine.Strength[i]);
                }
            }
        }

        Thinning.Thin(plane);
        Components.RemoveSmall(plane, minComponentPixels);
        for (int i = 0; i < strength.Length; i++)
        {
            if (plane.Bits[i] == 0)
            {
                strength[i] = 0;
            }
        }

        return new EdgeMap(plane, strength);
    }

    /// <summary>Repeated 3x3 binomial smoothing of the first w x h <c>values</c>, in place (each pass about sigma 0.7); values stay scaled by 16 (luma * 16).
    /// Two passes are applied at once as the 5-tap binomial [1 4 6 4 1], which is the same filter with half the
    /// memory traffic.</summary>
    private static void Smooth(int[] values, int[] tmp, int w, int h, int passes)
    {
        // In place; tmp (any contents) holds each pass's horizontal half, written in full before it is read.
        int[] current = values;
        for (int i = 0; i < w * h; i++)
        {
            current[i] <<= 4;
        }

        int pass = 0;
        for (; pass + 1 < passes; pass += 2)
        {
            for (int y = 0; y < h; y++)
            {
                int row = y * w;
                for (int x = 0; x < w; x++)
                {
                    if (x == 2 && w > 4)
                    {
                        // Interior: no clamping (the hot loop).
                        ReadOnlySpan<int> line = current.AsSpan(row, w);
                        Span<int> output = tmp.AsSpan(row, w);
                        for (int i = 2; i < line.Length - 2; i++)
                        {
                            output[i] = line[i - 2] + 4 * line[i - 1] + 6 * line[i] + 4 * line[i + 1] + line[i + 2];
                        }

                        x = w - 3;
                        continue;
                    }

                    int l2 = current[row + Math.Max(x - 2, 0)], l1 = current[row + Math.Max(x - 1, 0)];
                    int r1 = current[row + Math.Min(x + 1, w - 1)], r2 = current[row + Math.Min(x + 2, w - 1)];
                    tmp[row + x] = l2 + 4 * l1 + 6 * current[row + x] + 4 * r1 + r2;
                }
            }

            for (int y = 0; y < h; y++)
            {
                int u2 = Math.Max(y - 2, 0) * w, u1 = Math.Max(y - 1, 0) * w;
                int d1 = Math.Min(y + 1, h - 1) * w, d2 = Math.Min(y + 2, h - 1) * w;
                int row = y * w;
                // Row spans: one bounds check per row, not per tap.
                ReadOnlySpan<int> a = tmp.AsSpan(u2, w), b = tmp.AsSpan(u1, w), c = tmp.AsSpan(row, w), d = tmp.AsSpan(d1, w), e = tmp.AsSpan(d2, w);
                Span<int> output = current.AsSpan(row, w);
                for (int x = 0; x < output.Length; x++)
                {
                    // At most 255 * 16 * 16 * 16: int is enough.
                    int sum = a[x] + 4 * b[x] + 6 * c[x] + 4 * d[x] + e[x];
                    output[x] = (sum + 128) >> 8;
                }
            }
        }

        for (; pass < passes; pass++)
        {
            for (int y = 0; y < h; y++)
            {
                int row = y * w;
                for (int x = 0; x < w; x++)
                {
                    int l = current[row + Math.Max(x - 1, 0)];
                    int r = current[row + Math.Min(x + 1, w - 1)];
                    tmp[row + x] = l + 2 * current[row + x] + r;
                }
            }

            for (int y = 0; y < h; y++)
            {
                int up = Math.Max(y - 1, 0) * w;
                int down = Math.Min(y + 1, h - 1) * w;
                int row = y * w;
                for (int x = 0; x < w; x++)
                {
                    current[row + x] = (tmp[up + x] + 2 * tmp[row + x] + tmp[down + x] + 8) >> 4;
                }
            }
        }

    }

    /// <summary>The gradient a step of <see cref="SketchOptions.MinContrast"/> luma levels produces through the same
    /// smoothing and Sobel: edges weaker than that are not edges, whatever the histogram says.</summary>
    private static int ContrastFloor(SketchOptions options)
    {
        const int Size = 32;
        var step = new int[Size * 3];
        for (int y = 0; y < 3; y++)
        {
            for (int x = Size / 2; x < Size; x++)
            {
                step[y * Size + x] = options.MinContrast;
            }
        }

        Smooth(step, new int[step.Length], Size, 3, options.SmoothingPasses);
        var magnitude = new int[step.Length];
        Gradient(step, Size, 3, magnitude, new byte[step.Length]);
        return Math.Max(1, magnitude.Max());
    }

    /// <summary>Sobel magnitude (rounded Euclidean) and a 4-way direction: 0 horizontal, 1 vertical, 2 "\\", 3 "/".</summary>
    private static void Gradient(int[] s, int w, int h, int[] magnitude, byte[] direction)
    {
        // Every pixel of magnitude and direction is written below (the border columns and rows clamp, the interior does not).
        for (int y = 0; y < h; y++)
        {
            int ym = Math.Max(y - 1, 0) * w;
            int y0 = y * w;
            int yp = Math.Min(y + 1, h - 1) * w;
            for (int x = 0; x < w; x++)
            {
                int xm = Math.Max(x - 1, 0);
                int xp = Math.Min(x + 1, w - 1);
                Sobel(s, ym, y0, yp, xm, x, xp, magnitude, direction);
                if (x == 0 && w > 2)
                {
                    // Interior columns: the neighbours need no clamping (the hot loop, on row spans).
                    SobelInterior(s.AsSpan(ym, w), s.AsSpan(y0, w), s.AsSpan(yp, w), magnitude.AsSpan(y0, w), direction.AsSpan(y0, w));
                    x = w - 2;
                }
            }
        }

    }

    /// <summary><see cref="Sobel"/> at columns 1 … w − 2 of one row (the same arithmetic).</summary>
    private static void SobelInterior(ReadOnlySpan<int> up, ReadOnlySpan<int> row, ReadOnlySpan<int> down, Span<int> magnitude, Span<byte> direction)
    {
        for (int x = 1; x < row.Length - 1; x++)
        {
            int gx = (up[x + 1] + 2 * row[x + 1] + down[x + 1]) - (up[x - 1] + 2 * row[x - 1] + down[x - 1]);
            int gy = (down[x - 1] + 2 * down[x] + down[x + 1]) - (up[x - 1] + 2 * up[x] + up[x + 1]);
            long squared = (long)gx * gx + (long)gy * gy;
            magnitude[x] = (int)Math.Sqrt(squared);
            direction[x] = Direction(gx, gy);
        }
    }

    /// <summary>0 when 70|gy| ≤ 29|gx| (tan 22.5° ≈ 29/70), else 1 when 70|gx| ≤ 29|gy|, else 2 when gx and gy
    /// have the same sign, else 3; in sign bits rather than branches, which textured areas mispredict.</summary>
    private static byte Direction(int gx, int gy)
    {
        int ax = Math.Abs(gx);
        int ay = Math.Abs(gy);
        int notHorizontal = (int)((uint)(29 * ax - 70 * ay) >> 31);
        int notVertical = (int)((uint)(29 * ay - 70 * ax) >> 31);
        int opposite = (int)((uint)(gx ^ gy) >> 31);
        return (byte)(notHorizontal * ((notVertical * (1 + opposite)) + 1));
    }

    private static void Sobel(int[] s, int ym, int y0, int yp, int xm, int x, int xp, int[] magnitude, byte[] direction)
    {
        int gx = (s[ym + xp] + 2 * s[y0 + xp] + s[yp + xp]) - (s[ym + xm] + 2 * s[y0 + xm] + s[yp + xm]);
        int gy = (s[yp + xm] + 2 * s[yp + x] + s[yp + xp]) - (s[ym + xm] + 2 * s[ym + x] + s[ym + xp]);
        long squared = (long)gx * gx + (long)gy * gy;
        // Math.Sqrt is correctly rounded (IEEE 754), so this is exact and portable.
        magnitude[y0 + x] = (int)Math.Sqrt(squared);
        direction[y0 + x] = Direction(gx, gy);
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
                Peak(m, direction, peaks, up, row, down, Math.Max(x - 1, 0), x, Math.Min(x + 1, w - 1));
                if (x == 0 && w > 2)
                {
                    // Interior pixels need no clamping (the hot loop): neighbour offsets by direction.
                    if (y > 0 && y < h - 1)
                    {
                        ReadOnlySpan<int> before = [-1, -w, -w - 1, -w + 1];
                        ReadOnlySpan<int> after = [1, w, w + 1, w - 1];
                        for (int i = row + 1, end = row + w - 1; i < end; i++)
                        {
                            // value > before and value >= after (so value > 0, magnitudes being non-negative), in
                            // sign bits rather than branches, which textured areas mispredict.
                            int value = m[i];
                            int d = direction[i];
                            int keep = ((m[i + before[d]] - value) >> 31) & ~((value - m[i + after[d]]) >> 31);
                            peaks[i] = value & keep;
                        }
                    }
                    else
                    {
                        for (x = 1; x < w - 1; x++)
                        {
                            Peak(m, direction, peaks, up, row, down, x - 1, x, x + 1);
                        }
                    }

                    x = w - 2;
                }
            }
        }

        return peaks;
    }

    private static void Peak(int[] m, byte[] direction, int[] peaks, int up, int row, int down, int left, int x, int right)
    {
        int i = row + x;
        int value = m[i];
        if (value == 0)
        {
            return;
        }

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

    private static (int Strong, int Weak) Thresholds(int[] peaks, int strongPermille, int weakPercent, int floor)
    {
        int max = 0;
        foreach (int v in peaks)
        {
            max = Math.Max(max, v);
        }

        if (max < floor)
        {
            return (int.MaxValue, int.MaxValue);
        }

        // Histogram of peak magnitudes in 1024 bins; the strong threshold leaves strongPermille of all pixels above it.
        // Counted per magnitude first (magnitudes are at most a few tens of thousands), then binned: one division per
        // magnitude instead of one per pixel.
        const int Bins = 1024;
        var counts = new int[max + 1];
        foreach (int v in peaks)
        {
            counts[v]++;
        }

        var histogram = new int[Bins];
        for (int v = 1; v <= max; v++)
        {
            histogram[(int)((long)v * (Bins - 1) / max)] += counts[v];
        }

        long budget = (long)peaks.Length * strongPermille / 1000;
        long above = 0;
        int bin = Bins - 1;
        while (bin > 0 && above + histogram[bin] <= budget)
        {
            above += histogram[bin];
            bin--;
        }

        int strong = Math.Max(floor, (int)((long)(bin + 1) * max / (Bins - 1)));
        int weak = Math.Max(1, strong * weakPercent / 100);
        return (strong, weak);
    }

}
