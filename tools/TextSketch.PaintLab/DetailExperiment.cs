using System.Globalization;
using TextSketch.Core.Coding.ColorLayer;
using TextSketch.Core.Decoding.Paint;

namespace TextSketch.PaintLab;

/// <summary>
/// Experiments between the Paint solve and its edge softening (PaintLab --records --detail). A variant is <c>none</c>,
/// <c>oracle</c> (the photo's exact cell means instead of the record's layer: what quantisation costs) or
/// <c>KIND:AMOUNT:SIGMA[:FLAGS]</c>, SIGMA (and a band or radius) in pixels or cN (N times the luma cell pitch):
/// <list type="bullet">
/// <item>usm / dif: the plane gains AMOUNT·(u − blur(u)) (negative: loses), blur Gaussian (usm) or diffusion along the
/// links, so edges stop it (dif); the gain's cell means are taken out again (bilinear corrections, then an exact
/// constant per cell) unless raw.</item>
/// <item>side: within AMOUNT px of a cut link (weight falling linearly), pixels take their one-sided link diffusion.</item>
/// <item>gf: each chroma plane guided-filtered by luma (He et al.), window radius AMOUNT, ε = SIGMA levels².</item>
/// <item>cubic: towards the Catmull-Rom interpolation of the decoded cell means by AMOUNT, outside a SIGMA band of
/// the edges.</item>
/// </list>
/// FLAGS joined by +: all (every plane, not only luma), raw (no projection: the cell means change).
/// </summary>
internal static class DetailExperiment
{
    public static void Apply(float[][] planes, LayerGeometry geometry, PixelLinks links, string variant)
    {
        if (variant is "none" or "oracle")
        {
            return;
        }

        string[] p = variant.Split(':');
        string kind = p[0];
        double amount = p[1].StartsWith('c') ? 0 : double.Parse(p[1], CultureInfo.InvariantCulture);
        double pitch = (double)geometry.ImageWidth / geometry.Luma.Columns;
        double sigma = p[2].StartsWith('c') ? double.Parse(p[2][1..], CultureInfo.InvariantCulture) * pitch : double.Parse(p[2], CultureInfo.InvariantCulture);
        string flags = p.Length > 3 ? p[3] : "";
        bool all = flags.Contains("all", StringComparison.Ordinal);
        bool raw = flags.Contains("raw", StringComparison.Ordinal);
        if (kind == "gf")
        {
            // Guided filter of each chroma plane by the luma plane (He et al.): AMOUNT is the window radius (px or cN),
            // SIGMA the regularisation ε in levels².
            int radius = Math.Max(1, (int)Math.Round(p[1].StartsWith('c') ? double.Parse(p[1][1..], CultureInfo.InvariantCulture) * pitch : amount));
            for (int c = 1; c < 3; c++)
            {
                double[] guided = Guided(planes[0], planes[c], links.Width, links.Height, radius, sigma);
                var change = new double[guided.Length];
                for (int i = 0; i < guided.Length; i++)
                {
                    change[i] = guided[i] - planes[c][i];
                }

                if (!raw)
                {
                    Project(change, geometry.GridOf(c));
                }

                for (int i = 0; i < guided.Length; i++)
                {
                    planes[c][i] = (float)(planes[c][i] + change[i]);
                }
            }

            return;
        }

        if (kind == "cubic")
        {
            // Towards the Catmull-Rom interpolation of the decoded cell means, away from the edges (band of SIGMA px,
            // or cN), cell means re-projected: AMOUNT 1 is the cubic picture between the edges.
            double[] keep = BandWeights(links, sigma);
            for (int c = 0; c < (all ? 3 : 1); c++)
            {
                LayerGrid grid = geometry.GridOf(c);
                double[] cubic = CatmullRom(Means(Array.ConvertAll(planes[c], v => (double)v), grid), grid);
                var change = new double[cubic.Length];
                for (int i = 0; i < change.Length; i++)
                {
                    change[i] = amount * (1 - keep[i]) * (cubic[i] - planes[c][i]);
                }

                if (!raw)
                {
                    Project(change, grid);
                }

                for (int i = 0; i < change.Length; i++)
                {
                    planes[c][i] = (float)(planes[c][i] + change[i]);
                }
            }

            return;
        }

        if (kind == "side")
        {
            // AMOUNT is the band radius in pixels (or cN): within it, pixels take their one-sided (link) diffusion.
            double band = p[1].StartsWith('c') ? double.Parse(p[1][1..], CultureInfo.InvariantCulture) * pitch : amount;
            double[] weight = BandWeights(links, band);
            for (int c = 0; c < (all ? 3 : 1); c++)
            {
                double[] inside = Diffuse(planes[c], links, sigma);
                for (int i = 0; i < inside.Length; i++)
                {
                    planes[c][i] = (float)(planes[c][i] + (weight[i] * (inside[i] - planes[c][i])));
                }
            }

            return;
        }

        for (int c = 0; c < (all ? 3 : 1); c++)
        {
            float[] u = planes[c];
            double[] blurred = kind switch
            {
                "usm" => Gaussian(u, links.Width, links.Height, sigma),
                "dif" => Diffuse(u, links, sigma),
                _ => throw new ArgumentException($"unknown detail kind {kind}"),
            };
            var gain = new double[u.Length];
            for (int i = 0; i < u.Length; i++)
            {
                gain[i] = amount * (u[i] - blurred[i]);
            }

            if (!raw)
            {
                Project(gain, geometry.GridOf(c));
            }
            for (int i = 0; i < u.Length; i++)
            {
                u[i] = (float)(u[i] + gain[i]);
            }
        }
    }

    /// <summary>Removes the cell means of <paramref name="d"/>: three smooth (bilinear) corrections, then an exact constant per cell.</summary>
    public static void Project(double[] d, LayerGrid grid)
    {
        for (int k = 0; k < 3; k++)
        {
            double[] means = Means(d, grid);
            double[] smooth = Bilinear(means, grid);
            for (int i = 0; i < d.Length; i++)
            {
                d[i] -= smooth[i];
            }
        }

        double[] rest = Means(d, grid);
        int w = grid.ImageWidth;
        for (int y = 0; y < grid.ImageHeight; y++)
        {
            int row = grid.RowOf(y) * grid.Columns;
            for (int x = 0; x < w; x++)
            {
                d[(y * w) + x] -= rest[row + grid.ColumnOf(x)];
            }
        }
    }

    private static double[] Means(double[] d, LayerGrid grid)
    {
        var sums = new double[grid.CellCount];
        int w = grid.ImageWidth;
        for (int y = 0; y < grid.ImageHeight; y++)
        {
            int row = grid.RowOf(y) * grid.Columns;
            for (int x = 0; x < w; x++)
            {
                sums[row + grid.ColumnOf(x)] += d[(y * w) + x];
            }
        }

        for (int j = 0; j < grid.Rows; j++)
        {
            for (int i = 0; i < grid.Columns; i++)
            {
                sums[(j * grid.Columns) + i] /= grid.CellArea(i, j);
            }
        }

        return sums;
    }

    /// <summary>Bilinear interpolation of cell values between the cells' centres (clamped at the borders).</summary>
    public static double[] Bilinear(double[] cells, LayerGrid grid)
    {
        int w = grid.ImageWidth, h = grid.ImageHeight;
        (int[] i0, double[] fx) = Axis(w, grid.Columns, grid.ColumnStart);
        (int[] j0, double[] fy) = Axis(h, grid.Rows, grid.RowStart);
        var result = new double[w * h];
        for (int y = 0; y < h; y++)
        {
            int ja = j0[y], jb = Math.Min(ja + 1, grid.Rows - 1);
            for (int x = 0; x < w; x++)
            {
                int ia = i0[x], ib = Math.Min(ia + 1, grid.Columns - 1);
                double top = cells[(ja * grid.Columns) + ia] + (fx[x] * (cells[(ja * grid.Columns) + ib] - cells[(ja * grid.Columns) + ia]));
                double bottom = cells[(jb * grid.Columns) + ia] + (fx[x] * (cells[(jb * grid.Columns) + ib] - cells[(jb * grid.Columns) + ia]));
                result[(y * w) + x] = top + (fy[y] * (bottom - top));
            }
        }

        return result;
    }

    /// <summary>Catmull-Rom (a = −0.5) interpolation of cell values between the cells' centres (indices clamped).</summary>
    private static double[] CatmullRom(double[] cells, LayerGrid grid)
    {
        int w = grid.ImageWidth, h = grid.ImageHeight, cw = grid.Columns, ch = grid.Rows;
        (int[] i0, double[] fx) = Axis(w, cw, grid.ColumnStart);
        (int[] j0, double[] fy) = Axis(h, ch, grid.RowStart);
        static double K(double t)
        {
            t = Math.Abs(t);
            return t < 1 ? (1.5 * t * t * t) - (2.5 * t * t) + 1 : t < 2 ? (-0.5 * t * t * t) + (2.5 * t * t) - (4 * t) + 2 : 0;
        }

        var rows = new double[ch * w];
        for (int j = 0; j < ch; j++)
        {
            for (int x = 0; x < w; x++)
            {
                double s = 0;
                for (int k = -1; k <= 2; k++)
                {
                    s += K(k - fx[x]) * cells[(j * cw) + Math.Clamp(i0[x] + k, 0, cw - 1)];
                }

                rows[(j * w) + x] = s;
            }
        }

        var result = new double[w * h];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                double s = 0;
                for (int k = -1; k <= 2; k++)
                {
                    s += K(k - fy[y]) * rows[(Math.Clamp(j0[y] + k, 0, ch - 1) * w) + x];
                }

                result[(y * w) + x] = s;
            }
        }

        return result;
    }

    private static (int[] Index, double[] Fraction) Axis(int size, int cells, Func<int, int> start)
    {
        var centres = new double[cells];
        for (int i = 0; i < cells; i++)
        {
            centres[i] = ((start(i) + start(i + 1)) / 2.0) - 0.5;
        }

        var index = new int[size];
        var fraction = new double[size];
        int c = 0;
        for (int x = 0; x < size; x++)
        {
            while (c + 1 < cells && centres[c + 1] <= x)
            {
                c++;
            }

            index[x] = c;
            fraction[x] = c + 1 < cells && x > centres[c] ? (x - centres[c]) / (centres[c + 1] - centres[c]) : 0;
        }

        return (index, fraction);
    }

    private static double[] Gaussian(float[] u, int w, int h, double sigma)
    {
        int radius = Math.Max(1, (int)Math.Ceiling(3 * sigma));
        double[] kernel = Enumerable.Range(-radius, (2 * radius) + 1).Select(d => Math.Exp(-d * d / (2 * sigma * sigma))).ToArray();
        double total = kernel.Sum();
        var tmp = new double[w * h];
        var result = new double[w * h];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                double s = 0;
                for (int d = -radius; d <= radius; d++)
                {
                    s += kernel[d + radius] * u[(y * w) + Math.Clamp(x + d, 0, w - 1)];
                }

                tmp[(y * w) + x] = s / total;
            }
        }

        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                double s = 0;
                for (int d = -radius; d <= radius; d++)
                {
                    s += kernel[d + radius] * tmp[(Math.Clamp(y + d, 0, h - 1) * w) + x];
                }

                result[(y * w) + x] = s / total;
            }
        }

        return result;
    }

    private static double[] Guided(float[] guide, float[] input, int w, int h, int r, double eps)
    {
        var ii = new double[w * h];
        var ip = new double[w * h];
        var pp = new double[w * h];
        var g = new double[w * h];
        var q = new double[w * h];
        for (int i = 0; i < g.Length; i++)
        {
            g[i] = guide[i];
            q[i] = input[i];
            ii[i] = guide[i] * (double)guide[i];
            ip[i] = guide[i] * (double)input[i];
        }

        double[] mi = Box(g, w, h, r), mp = Box(q, w, h, r), mii = Box(ii, w, h, r), mip = Box(ip, w, h, r);
        var a = new double[w * h];
        var b = new double[w * h];
        for (int i = 0; i < a.Length; i++)
        {
            double variance = mii[i] - (mi[i] * mi[i]);
            double covariance = mip[i] - (mi[i] * mp[i]);
            a[i] = covariance / (variance + eps);
            b[i] = mp[i] - (a[i] * mi[i]);
        }

        double[] ma = Box(a, w, h, r), mb = Box(b, w, h, r);
        for (int i = 0; i < pp.Length; i++)
        {
            pp[i] = (ma[i] * g[i]) + mb[i];
        }

        return pp;
    }

    /// <summary>Mean over the (2r+1)² window clipped to the image (summed-area table).</summary>
    private static double[] Box(double[] v, int w, int h, int r)
    {
        var s = new double[(w + 1) * (h + 1)];
        for (int y = 0; y < h; y++)
        {
            double row = 0;
            for (int x = 0; x < w; x++)
            {
                row += v[(y * w) + x];
                s[((y + 1) * (w + 1)) + x + 1] = s[(y * (w + 1)) + x + 1] + row;
            }
        }

        var m = new double[w * h];
        for (int y = 0; y < h; y++)
        {
            int y0 = Math.Max(0, y - r), y1 = Math.Min(h, y + r + 1);
            for (int x = 0; x < w; x++)
            {
                int x0 = Math.Max(0, x - r), x1 = Math.Min(w, x + r + 1);
                double sum = s[(y1 * (w + 1)) + x1] - s[(y0 * (w + 1)) + x1] - s[(y1 * (w + 1)) + x0] + s[(y0 * (w + 1)) + x0];
                m[(y * w) + x] = sum / ((y1 - y0) * (x1 - x0));
            }
        }

        return m;
    }

    /// <summary>1 at the ends of cut links, falling linearly to 0 at Chebyshev distance band + 1.</summary>
    private static double[] BandWeights(PixelLinks links, double band)
    {
        int w = links.Width, h = links.Height;
        var distance = new double[w * h];
        Array.Fill(distance, double.MaxValue);
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                if (x + 1 < w && links.Horizontal[(y * (w - 1)) + x] < 1)
                {
                    distance[(y * w) + x] = distance[(y * w) + x + 1] = 0;
                }

                if (y + 1 < h && links.Vertical[(y * w) + x] < 1)
                {
                    distance[(y * w) + x] = distance[((y + 1) * w) + x] = 0;
                }
            }
        }

        for (int pass = 0; pass < 2; pass++)
        {
            int step = pass == 0 ? 1 : -1;
            for (int y = pass == 0 ? 0 : h - 1; y >= 0 && y < h; y += step)
            {
                for (int x = pass == 0 ? 0 : w - 1; x >= 0 && x < w; x += step)
                {
                    int i = (y * w) + x;
                    for (int dy = -1; dy <= 0; dy++)
                    {
                        for (int dx = -1; dx <= 1; dx++)
                        {
                            if (dy == 0 && dx >= 0)
                            {
                                continue;
                            }

                            int nx = x + (dx * step), ny = y + (dy * step);
                            if ((uint)nx < (uint)w && (uint)ny < (uint)h && distance[(ny * w) + nx] + 1 < distance[i])
                            {
                                distance[i] = distance[(ny * w) + nx] + 1;
                            }
                        }
                    }
                }
            }
        }

        return Array.ConvertAll(distance, d => Math.Max(0, 1 - (d / (band + 1))));
    }

    /// <summary>Heat diffusion along the links (explicit steps of 0.2): variance σ² after σ²/(2·0.2) steps.</summary>
    private static double[] Diffuse(float[] u, PixelLinks links, double sigma)
    {
        int w = links.Width, h = links.Height;
        double[] v = Array.ConvertAll(u, x => (double)x);
        var next = new double[v.Length];
        const double tau = 0.2;
        int steps = Math.Max(1, (int)Math.Round(sigma * sigma / (2 * tau)));
        for (int s = 0; s < steps; s++)
        {
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    int i = (y * w) + x;
                    double flow = 0;
                    if (x > 0)
                    {
                        flow += links.Horizontal[(y * (w - 1)) + x - 1] * (v[i - 1] - v[i]);
                    }

                    if (x + 1 < w)
                    {
                        flow += links.Horizontal[(y * (w - 1)) + x] * (v[i + 1] - v[i]);
                    }

                    if (y > 0)
                    {
                        flow += links.Vertical[((y - 1) * w) + x] * (v[i - w] - v[i]);
                    }

                    if (y + 1 < h)
                    {
                        flow += links.Vertical[i] * (v[i + w] - v[i]);
                    }

                    next[i] = v[i] + (tau * flow);
                }
            }

            (v, next) = (next, v);
        }

        return v;
    }
}
