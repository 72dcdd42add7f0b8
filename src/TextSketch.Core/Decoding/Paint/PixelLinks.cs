namespace TextSketch.Core.Decoding.Paint;

/// <summary>
/// The smoothness term's neighbour links of a W x H raster: a horizontal link joins (x, y) and (x+1, y)
/// (<see cref="Horizontal"/>, (W−1)·H of them, index y·(W−1)+x), a vertical link joins (x, y) and (x, y+1)
/// (<see cref="Vertical"/>, W·(H−1), index y·W+x). Each holds its weight: 1 for an ordinary link, the edge leak
/// where a curve crosses it.
/// </summary>
public sealed class PixelLinks
{
    public PixelLinks(int width, int height)
    {
        if (width < 1 || height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width));
        }

        Width = width;
        Height = height;
        Horizontal = new float[(width - 1) * height];
        Vertical = new float[width * (height - 1)];
        Array.Fill(Horizontal, 1f);
        Array.Fill(Vertical, 1f);
    }

    public int Width { get; }

    public int Height { get; }

    public float[] Horizontal { get; }

    public float[] Vertical { get; }

    /// <summary>Links that are cut (weight below 1).</summary>
    public int CountCut() => Horizontal.Count(v => v < 1f) + Vertical.Count(v => v < 1f);

    /// <summary>
    /// Sets to <paramref name="weight"/> every link that a curve crosses. A link is the segment between two pixel
    /// centres; a curve segment crosses the row line y = j + ½ (or column line x = i + ½) by the half-open rule
    /// (one endpoint strictly below the line, the other on or above it), so a closed curve cuts every path of links
    /// from its inside to its outside: regions it encloses are sealed, with no leak at its vertices.
    /// </summary>
    public void Cut(IEnumerable<EdgeCurve> curves, float weight)
    {
        ArgumentNullException.ThrowIfNull(curves);
        foreach (EdgeCurve curve in curves)
        {
            int n = curve.Count;
            int segments = curve.Closed ? n : n - 1;
            for (int s = 0; s < segments; s++)
            {
                int t = s + 1 == n ? 0 : s + 1;
                CutSegment(curve.X[s], curve.Y[s], curve.X[t], curve.Y[t], weight);
            }
        }
    }

    private void CutSegment(double x0, double y0, double x1, double y1, float weight)
    {
        // Crossings of the row lines y = j + 1/2 cut horizontal links of row j.
        CrossLines(y0, x0, y1, x1, Height, (j, x) =>
        {
            int i = (int)Math.Floor(x - 0.5);
            if (i >= 0 && i < Width - 1)
            {
                Horizontal[(j * (Width - 1)) + i] = Math.Min(Horizontal[(j * (Width - 1)) + i], weight);
            }
        });
        // Crossings of the column lines x = i + 1/2 cut vertical links of column i.
        CrossLines(x0, y0, x1, y1, Width, (i, y) =>
        {
            int j = (int)Math.Floor(y - 0.5);
            if (j >= 0 && j < Height - 1)
            {
                Vertical[(j * Width) + i] = Math.Min(Vertical[(j * Width) + i], weight);
            }
        });
    }

    /// <summary>
    /// For each line a = k + ½ (0 ≤ k &lt; count) that the segment (a0, b0)–(a1, b1) crosses by the half-open rule,
    /// calls cross(k, b at the crossing).
    /// </summary>
    private static void CrossLines(double a0, double b0, double a1, double b1, int count, Action<int, double> cross)
    {
        if (a0 == a1)
        {
            return;
        }

        double low = Math.Min(a0, a1);
        double high = Math.Max(a0, a1);
        // A point on a line counts as above it, so exactly the lines with low < line <= high are crossed.
        int first = Math.Max(0, (int)Math.Floor(low - 0.5) + 1);
        int last = Math.Min(count - 1, (int)Math.Floor(high - 0.5));
        for (int k = first; k <= last; k++)
        {
            double line = k + 0.5;
            if ((a0 < line) == (a1 < line))
            {
                continue;
            }

            double t = (line - a0) / (a1 - a0);
            cross(k, b0 + (t * (b1 - b0)));
        }
    }
}
