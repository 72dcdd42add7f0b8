using TextSketch.Core.Imaging;

namespace TextSketch.Core.Decoding.Paint;

/// <summary>Optional ink for the Paint decoder's edges: anti-aliased lines along the curves, in the local colour darkened.</summary>
internal static class Outline
{
    /// <summary>Half the line's width in image pixels (lines are at least this thick on small images).</summary>
    private const double HalfWidth = 0.75;

    /// <summary>Share of the colour an inked pixel loses.</summary>
    private const double Darkening = 0.7;

    public static void Ink(RgbImage image, IReadOnlyList<EdgeCurve> curves)
    {
        int w = image.Width;
        int h = image.Height;
        var cover = new float[w * h];
        foreach (EdgeCurve curve in curves)
        {
            int n = curve.Count;
            int segments = curve.Closed ? n : n - 1;
            for (int s = 0; s < Math.Max(segments, n == 1 ? 1 : 0); s++)
            {
                int t = s + 1 >= n ? 0 : s + 1;
                Segment(curve.X[s], curve.Y[s], curve.X[t], curve.Y[t]);
            }
        }

        byte[] px = image.Pixels;
        for (int i = 0; i < cover.Length; i++)
        {
            if (cover[i] > 0)
            {
                double keep = 1 - (Darkening * cover[i]);
                for (int c = 0; c < 3; c++)
                {
                    px[(3 * i) + c] = (byte)Math.Round(px[(3 * i) + c] * keep);
                }
            }
        }

        void Segment(double x0, double y0, double x1, double y1)
        {
            double reach = HalfWidth + 1;
            int left = Math.Max(0, (int)Math.Floor(Math.Min(x0, x1) - reach));
            int right = Math.Min(w - 1, (int)Math.Ceiling(Math.Max(x0, x1) + reach));
            int top = Math.Max(0, (int)Math.Floor(Math.Min(y0, y1) - reach));
            int bottom = Math.Min(h - 1, (int)Math.Ceiling(Math.Max(y0, y1) + reach));
            double dx = x1 - x0;
            double dy = y1 - y0;
            double length2 = (dx * dx) + (dy * dy);
            for (int y = top; y <= bottom; y++)
            {
                for (int x = left; x <= right; x++)
                {
                    double px0 = x + 0.5 - x0;
                    double py0 = y + 0.5 - y0;
                    double t = length2 > 0 ? Math.Clamp(((px0 * dx) + (py0 * dy)) / length2, 0, 1) : 0;
                    double ex = px0 - (t * dx);
                    double ey = py0 - (t * dy);
                    double distance = Math.Sqrt((ex * ex) + (ey * ey));
                    // Coverage of a pixel by a line HalfWidth either side, with a one-pixel soft rim.
                    float coverage = (float)Math.Clamp(HalfWidth + 0.5 - distance, 0, 1);
                    int i = (y * w) + x;
                    if (coverage > cover[i])
                    {
                        cover[i] = coverage;
                    }
                }
            }
        }
    }
}
