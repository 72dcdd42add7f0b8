using TextSketch.Core.Sketch;

namespace TextSketch.Core.Decoding.Paint;

/// <summary>A polyline in image coordinates (pixel (x, y) spans [x, x+1) x [y, y+1)); closed ones repeat no vertex.</summary>
public sealed record EdgeCurve(float[] X, float[] Y, bool Closed)
{
    public int Count => X.Length;
}

/// <summary>
/// The sketch's contours as smooth curves at image scale. The thin 8-connected sketch is read as a graph (diagonal
/// steps only where no orthogonal path exists, so a staircase is one chain, not a ladder of triangles), split into
/// chains between endpoints and junctions (closed loops whole), each chain's pixel centres straightened within their
/// own pixels (<see cref="Straighten"/>) with its ends held (so chains still meet at their junctions), then mapped
/// onto the image. A sketch drawn on a grid
/// coarser than the image thus gives straight or gently curved boundaries, not the grid's staircase.
/// </summary>
public static class SketchContours
{
    public static IReadOnlyList<EdgeCurve> Trace(BitPlane sketch, int imageWidth, int imageHeight, int smoothingPasses)
    {
        ArgumentNullException.ThrowIfNull(sketch);
        int w = sketch.Width;
        int h = sketch.Height;
        var curves = new List<EdgeCurve>();
        if (w == 0 || h == 0)
        {
            return curves;
        }

        byte[] ink = sketch.Bits;
        // Neighbour mask per ink pixel: bit d set when the step Offsets[d] joins it to another ink pixel.
        var links = new byte[w * h];
        var degree = new int[w * h];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int p = y * w + x;
                if (ink[p] == 0)
                {
                    continue;
                }

                byte mask = 0;
                for (int d = 0; d < 8; d++)
                {
                    int nx = x + Dx[d];
                    int ny = y + Dy[d];
                    if (sketch.GetOrZero(nx, ny) == 0)
                    {
                        continue;
                    }

                    // A diagonal step is a link only when neither orthogonal pixel of its corner is ink.
                    if (Dx[d] != 0 && Dy[d] != 0 && (sketch.GetOrZero(x + Dx[d], y) != 0 || sketch.GetOrZero(x, y + Dy[d]) != 0))
                    {
                        continue;
                    }

                    mask |= (byte)(1 << d);
                    degree[p]++;
                }

                links[p] = mask;
            }
        }

        // Each link is walked once: usedLink[p] has bit d when the link from p in direction d has been traced.
        var usedLink = new byte[w * h];
        double scaleX = (double)imageWidth / w;
        double scaleY = (double)imageHeight / h;
        var chain = new List<int>();

        // Open chains start at every pixel that is not a plain chain interior (degree != 2).
        for (int p = 0; p < ink.Length; p++)
        {
            if (ink[p] == 0 || degree[p] == 2)
            {
                continue;
            }

            for (int d = 0; d < 8; d++)
            {
                if ((links[p] & (1 << d)) == 0 || (usedLink[p] & (1 << d)) != 0)
                {
                    continue;
                }

                chain.Clear();
                chain.Add(p);
                Walk(p, d, stopAtStart: false);
                curves.Add(ToCurve(chain, closed: false));
            }
        }

        // What remains unwalked is closed loops of degree-2 pixels.
        for (int p = 0; p < ink.Length; p++)
        {
            if (ink[p] == 0 || degree[p] != 2 || usedLink[p] != 0)
            {
                continue;
            }

            int d = FirstBit(links[p]);
            chain.Clear();
            chain.Add(p);
            Walk(p, d, stopAtStart: true);
            // The walk ended back on p; a loop repeats no vertex.
            chain.RemoveAt(chain.Count - 1);
            curves.Add(ToCurve(chain, closed: chain.Count >= 3));
        }

        return curves;

        void Walk(int start, int direction, bool stopAtStart)
        {
            int p = start;
            int d = direction;
            while (true)
            {
                usedLink[p] |= (byte)(1 << d);
                int q = p + (Dy[d] * w) + Dx[d];
                usedLink[q] |= (byte)(1 << Opposite(d));
                chain.Add(q);
                if (degree[q] != 2 || (stopAtStart && q == start))
                {
                    return;
                }

                // Leave q by its other link.
                int other = links[q] & ~(1 << Opposite(d));
                d = FirstBit((byte)other);
                p = q;
                if ((usedLink[p] & (1 << d)) != 0)
                {
                    return;
                }
            }
        }

        EdgeCurve ToCurve(List<int> pixels, bool closed)
        {
            int n = pixels.Count;
            var cx = new double[n];
            var cy = new double[n];
            for (int i = 0; i < n; i++)
            {
                cx[i] = (pixels[i] % w) + 0.5;
                cy[i] = (pixels[i] / w) + 0.5;
            }

            double[] xs = Straighten(cx, closed, smoothingPasses);
            double[] ys = Straighten(cy, closed, smoothingPasses);
            var fx = new float[n];
            var fy = new float[n];
            for (int i = 0; i < n; i++)
            {
                fx[i] = (float)(xs[i] * scaleX);
                fy[i] = (float)(ys[i] * scaleY);
            }

            return new EdgeCurve(fx, fy, closed);
        }
    }

    /// <summary>
    /// Smooths one coordinate of a chain of sketch-pixel centres while keeping every vertex inside its own pixel
    /// (within half a pixel of the centre): Taubin's pairs of passes, a [1 2 1]/4 step then an inflating step of
    /// −0.53 of the same Laplacian, each followed by that clamp. The pair removes the staircase of a digital line
    /// (its high frequencies) but leaves smooth curves where they are — plain smoothing would shrink a closed
    /// contour towards its inside. An open chain keeps its ends (they are junctions or endpoints).
    /// </summary>
    private static double[] Straighten(double[] centres, bool closed, int passes)
    {
        int n = centres.Length;
        var v = (double[])centres.Clone();
        if (n < 3)
        {
            return v;
        }

        var next = new double[n];
        for (int pass = 0; pass < passes; pass++)
        {
            Step(0.5);
            Step(-0.53);
        }

        return v;

        void Step(double factor)
        {
            for (int i = 0; i < n; i++)
            {
                if (!closed && (i == 0 || i == n - 1))
                {
                    next[i] = v[i];
                    continue;
                }

                double average = (v[(i + n - 1) % n] + v[(i + 1) % n]) * 0.5;
                next[i] = Math.Clamp(v[i] + (factor * (average - v[i])), centres[i] - 0.5, centres[i] + 0.5);
            }

            (v, next) = (next, v);
        }
    }

    private static readonly int[] Dx = [1, 1, 0, -1, -1, -1, 0, 1];
    private static readonly int[] Dy = [0, 1, 1, 1, 0, -1, -1, -1];

    private static int Opposite(int d) => (d + 4) & 7;

    private static int FirstBit(byte mask) => System.Numerics.BitOperations.TrailingZeroCount(mask);
}
