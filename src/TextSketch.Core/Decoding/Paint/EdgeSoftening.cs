namespace TextSketch.Core.Decoding.Paint;

/// <summary>
/// Softens the decoded planes across the edges only: pixels within a band around the cut links take a Gaussian
/// average of their neighbourhood (both sides of the edge), so an edge becomes a short ramp instead of a one-pixel
/// step. Photographs' edges are ramps (optics, and the sketch places an edge only to within its own pixel); away from
/// the edges the picture is untouched.
/// </summary>
internal static class EdgeSoftening
{
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Apply(float[][] planes, PixelLinks links, float sigma)
    {
        if (!(sigma > 0))
        {
            return;
        }

        int w = links.Width;
        int h = links.Height;
        int radius = Math.Max(1, (int)Math.Ceiling(2 * sigma));
        // The band: pixels within `radius` (Chebyshev) of an end of a cut link.
        var near = new bool[w * h];
        var band = new List<int>();
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                bool cut = (x + 1 < w && links.Horizontal[(y * (w - 1)) + x] < 1) || (y + 1 < h && links.Vertical[(y * w) + x] < 1);
                if (!cut)
                {
                    continue;
                }

                for (int dy = -radius; dy <= radius + 1; dy++)
                {
                    for (int dx = -radius; dx <= radius + 1; dx++)
                    {
                        int nx = x + dx, ny = y + dy;
                        if ((uint)nx < (uint)w && (uint)ny < (uint)h && !near[(ny * w) + nx])
                        {
                            near[(ny * w) + nx] = true;
                            band.Add((ny * w) + nx);
                        }
                    }
                }
            }
        }

        if (band.Count == 0)
        {
            return;
        }

        band.Sort();
        var kernel = new float[(2 * radius) + 1];
        for (int d = -radius; d <= radius; d++)
        {
            kernel[d + radius] = (float)ExpNegative(d * d / (2.0 * sigma * sigma));
        }

        var softened = new float[band.Count];
        foreach (float[] plane in planes)
        {
            for (int b = 0; b < band.Count; b++)
            {
                int p = band[b];
                int px = p % w, py = p / w;
                float sum = 0, total = 0;
                for (int dy = -radius; dy <= radius; dy++)
                {
                    int ny = py + dy;
                    if ((uint)ny >= (uint)h)
                    {
                        continue;
                    }

                    for (int dx = -radius; dx <= radius; dx++)
                    {
                        int nx = px + dx;
                        if ((uint)nx < (uint)w)
                        {
                            float k = kernel[dy + radius] * kernel[dx + radius];
                            sum += k * plane[(ny * w) + nx];
                            total += k;
                        }
                    }
                }

                softened[b] = sum / total;
            }

            for (int b = 0; b < band.Count; b++)
            {
                plane[band[b]] = softened[b];
            }
        }
    }

    /// <summary>e^−t for t ≥ 0 from basic arithmetic only (the platform's Math.Exp may differ in the last bit, and
    /// the decoder's pixels must not): Taylor series of e^−t/64, squared six times.</summary>
    internal static double ExpNegative(double t)
    {
        double x = -t / 64;
        double term = 1, sum = 1;
        for (int k = 1; k <= 12; k++)
        {
            term *= x / k;
            sum += term;
        }

        for (int k = 0; k < 6; k++)
        {
            sum *= sum;
        }

        return sum;
    }
}
