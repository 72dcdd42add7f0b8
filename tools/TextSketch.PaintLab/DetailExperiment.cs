using System.Globalization;
using TextSketch.Core.Coding.ColorLayer;
using TextSketch.Core.Decoding.Paint;

namespace TextSketch.PaintLab;

/// <summary>
/// Experiment: detail restoration after the Paint solve that keeps every cell's mean. A variant is
/// <c>none</c> or <c>KIND:AMOUNT:SIGMA[:FLAGS]</c>: the plane gains AMOUNT·(u − blur(u)), then the gain's cell means
/// are taken out again (smoothly: bilinear interpolations of the residual means, then an exact per-cell constant).
/// KIND usm blurs with a Gaussian; dif blurs by diffusion along the links (edges stop it). SIGMA in pixels, or
/// cN: N times the luma cell pitch. FLAGS joined by +: all (every plane, not only luma), raw (no projection: the cell means change).
/// </summary>
internal static class DetailExperiment
{
    public static void Apply(float[][] planes, LayerGeometry geometry, PixelLinks links, string variant)
    {
        if (variant == "none")
        {
            return;
        }

        string[] p = variant.Split(':');
        string kind = p[0];
        double amount = double.Parse(p[1], CultureInfo.InvariantCulture);
        double pitch = (double)geometry.ImageWidth / geometry.Luma.Columns;
        double sigma = p[2].StartsWith('c') ? double.Parse(p[2][1..], CultureInfo.InvariantCulture) * pitch : double.Parse(p[2], CultureInfo.InvariantCulture);
        string flags = p.Length > 3 ? p[3] : "";
        bool all = flags.Contains("all", StringComparison.Ordinal);
        bool raw = flags.Contains("raw", StringComparison.Ordinal);
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
