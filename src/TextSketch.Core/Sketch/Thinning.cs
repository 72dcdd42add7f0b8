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
        ArgumentNullException.ThrowIfNull(plane);
        var grid = new PaddedGrid(plane);
        RemoveElbows(grid, ZhangSuen(grid));
        grid.CopyTo(plane);
    }

    /// <summary>Removes, in raster order, each pixel that joins exactly two perpendicular 4-neighbours and nothing
    /// else those two do not already reach: the curve stays 8-connected and one pixel thinner at every step.</summary>
    public static void RemoveElbows(BitPlane plane)
    {
        ArgumentNullException.ThrowIfNull(plane);
        var grid = new PaddedGrid(plane);
        RemoveElbows(grid, grid.Ink());
        grid.CopyTo(plane);
    }

    /// <param name="ink">The grid's ink cells in raster order.</param>
    private static void RemoveElbows(PaddedGrid grid, List<int> ink)
    {
        foreach (int i in ink)
        {
            if (grid.IsElbow(i))
            {
                grid.Cells[i] = 0;
            }
        }
    }

    /// <summary>Zhang-Suen on the grid; returns its ink cells left, in raster order.</summary>
    private static List<int> ZhangSuen(PaddedGrid grid)
    {
        List<int> candidates = grid.Ink();
        var remove = new List<int>();
        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int pass = 0; pass < 2; pass++)
            {
                remove.Clear();
                foreach (int i in candidates)
                {
                    if (grid.Cells[i] != 0 && grid.ZhangSuenRemovable(i, pass))
                    {
                        remove.Add(i);
                    }
                }

                foreach (int i in remove)
                {
                    grid.Cells[i] = 0;
                }

                changed |= remove.Count > 0;
            }

            candidates.RemoveAll(i => grid.Cells[i] == 0);
        }

        return candidates;
    }

    /// <summary>The bitmap with a one-pixel background border, so neighbours need no bounds checks.</summary>
    private sealed class PaddedGrid
    {
        private readonly int _stride;
        private readonly int _width;
        private readonly int _height;

        public PaddedGrid(BitPlane plane)
        {
            _width = plane.Width;
            _height = plane.Height;
            _stride = _width + 2;
            Cells = new byte[_stride * (_height + 2)];
            for (int y = 0; y < _height; y++)
            {
                Array.Copy(plane.Bits, y * _width, Cells, (y + 1) * _stride + 1, _width);
            }
        }

        public byte[] Cells { get; }

        /// <summary>Ink cells in raster order.</summary>
        public List<int> Ink()
        {
            var ink = new List<int>();
            for (int i = 0; i < Cells.Length; i++)
            {
                // Sparse: jump to the next ink cell (a vectorised search) instead of testing each.
                int skip = Cells.AsSpan(i).IndexOfAnyExcept((byte)0);
                if (skip < 0)
                {
                    break;
                }

                i += skip;
                ink.Add(i);
            }

            return ink;
        }

        public void CopyTo(BitPlane plane)
        {
            for (int y = 0; y < _height; y++)
            {
                Array.Copy(Cells, (y + 1) * _stride + 1, plane.Bits, y * _width, _width);
            }
        }

        public bool IsElbow(int i)
        {
            byte[] c = Cells;
            int s = _stride;
            int n = c[i - s], e = c[i + 1], so = c[i + s], w = c[i - 1];
            int ne = c[i - s + 1], se = c[i + s + 1], sw = c[i + s - 1], nw = c[i - s - 1];
            // Exactly two ink neighbours, perpendicular 4-neighbours (then they are diagonal to each other).
            if (n + e + so + w + ne + se + sw + nw != 2)
            {
                return false;
            }

            return (n & e) == 1 || (e & so) == 1 || (so & w) == 1 || (w & n) == 1;
        }

        /// <summary>Zhang-Suen's test depends only on the 8 neighbours: looked up by their mask (P2 in bit 0 … P9 in
        /// bit 7) in a table the test itself fills, one half per pass.</summary>
        private static readonly bool[] Removable = BuildRemovable();

        private static bool[] BuildRemovable()
        {
            var table = new bool[2 * 256];
            for (int pass = 0; pass < 2; pass++)
            {
                for (int mask = 0; mask < 256; mask++)
                {
                    table[(pass << 8) | mask] = ZhangSuenRemovable(
                        mask & 1, (mask >> 1) & 1, (mask >> 2) & 1, (mask >> 3) & 1, (mask >> 4) & 1, (mask >> 5) & 1, (mask >> 6) & 1, (mask >> 7) & 1, pass);
                }
            }

            return table;
        }

        public bool ZhangSuenRemovable(int i, int pass)
        {
            byte[] c = Cells;
            int s = _stride;
            // Neighbours P2..P9 clockwise from north.
            int mask = c[i - s] | c[i - s + 1] << 1 | c[i + 1] << 2 | c[i + s + 1] << 3
                | c[i + s] << 4 | c[i + s - 1] << 5 | c[i - 1] << 6 | c[i - s - 1] << 7;
            return Removable[(pass << 8) | mask];
        }

        private static bool ZhangSuenRemovable(int p2, int p3, int p4, int p5, int p6, int p7, int p8, int p9, int pass)
        {
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
}
