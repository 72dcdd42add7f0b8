namespace TextSketch.Core.Sketch;

/// <summary>
/// Thinning to one-pixel-wide 8-connected curves, keeping end points: Zhang-Suen, then removal of staircase elbows
/// (a pixel whose two perpendicular 4-neighbours already touch diagonally). Zhang-Suen leaves those elbows; they
/// cost bits and make every step of a diagonal line look like a branch point.
/// </summary>
public static class Thinning
{
    public static void Thin(BitPlane plane)
    {
        ZhangSuen(plane);
        RemoveElbows(plane);
    }

    /// <summary>Removes, in raster order, each pixel that joins exactly two perpendicular 4-neighbours and nothing
    /// else those two do not already reach: the curve stays 8-connected and one pixel thinner at every step.</summary>
    public static void RemoveElbows(BitPlane plane)
    {
        ArgumentNullException.ThrowIfNull(plane);
        for (int y = 0; y < plane.Height; y++)
        {
            for (int x = 0; x < plane.Width; x++)
            {
                if (plane[x, y] && IsElbow(plane, x, y))
                {
                    plane[x, y] = false;
                }
            }
        }
    }

    private static bool IsElbow(BitPlane p, int x, int y)
    {
        int n = p.GetOrZero(x, y - 1), e = p.GetOrZero(x + 1, y), s = p.GetOrZero(x, y + 1), w = p.GetOrZero(x - 1, y);
        int ne = p.GetOrZero(x + 1, y - 1), se = p.GetOrZero(x + 1, y + 1), sw = p.GetOrZero(x - 1, y + 1), nw = p.GetOrZero(x - 1, y - 1);
        // Exactly two ink neighbours, perpendicular 4-neighbours (then they are diagonal to each other).
        if (n + e + s + w + ne + se + sw + nw != 2)
        {
            return false;
        }

        return (n & e) == 1 || (e & s) == 1 || (s & w) == 1 || (w & n) == 1;
    }

    private static void ZhangSuen(BitPlane plane)
    {
        ArgumentNullException.ThrowIfNull(plane);
        var remove = new List<int>();
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int pass = 0; pass < 2; pass++)
            {
                remove.Clear();
                for (int y = 0; y < plane.Height; y++)
                {
                    for (int x = 0; x < plane.Width; x++)
                    {
                        if (plane.Bits[y * plane.Width + x] != 0 && Removable(plane, x, y, pass))
                        {
                            remove.Add(y * plane.Width + x);
                        }
                    }
                }

                foreach (int i in remove)
                {
                    plane.Bits[i] = 0;
                }

                changed |= remove.Count > 0;
            }
        }
    }

    private static bool Removable(BitPlane p, int x, int y, int pass)
    {
        // Neighbours P2..P9 clockwise from north.
        int p2 = p.GetOrZero(x, y - 1), p3 = p.GetOrZero(x + 1, y - 1), p4 = p.GetOrZero(x + 1, y);
        int p5 = p.GetOrZero(x + 1, y + 1), p6 = p.GetOrZero(x, y + 1), p7 = p.GetOrZero(x - 1, y + 1);
        int p8 = p.GetOrZero(x - 1, y), p9 = p.GetOrZero(x - 1, y - 1);
        int neighbours = p2 + p3 + p4 + p5 + p6 + p7 + p8 + p9;
        if (neighbours < 2 || neighbours > 6)
        {
            return false;
        }

        int transitions = (p2 == 0 && p3 == 1 ? 1 : 0) + (p3 == 0 && p4 == 1 ? 1 : 0) + (p4 == 0 && p5 == 1 ? 1 : 0)
            + (p5 == 0 && p6 == 1 ? 1 : 0) + (p6 == 0 && p7 == 1 ? 1 : 0) + (p7 == 0 && p8 == 1 ? 1 : 0)
            + (p8 == 0 && p9 == 1 ? 1 : 0) + (p9 == 0 && p2 == 1 ? 1 : 0);
        if (transitions != 1)
        {
            return false;
        }

        return pass == 0
            ? p2 * p4 * p6 == 0 && p4 * p6 * p8 == 0
            : p2 * p4 * p8 == 0 && p2 * p6 * p8 == 0;
    }
}
