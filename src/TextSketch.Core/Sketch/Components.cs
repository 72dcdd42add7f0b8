namespace TextSketch.Core.Sketch;

/// <summary>8-connected pieces of a bitmap.</summary>
public static class Components
{
    /// <summary>Clears every 8-connected piece with fewer than <paramref name="minPixels"/> pixels.</summary>
    public static void RemoveSmall(BitPlane plane, int minPixels)
    {
        ArgumentNullException.ThrowIfNull(plane);
        if (minPixels <= 1)
        {
            return;
        }

        foreach (List<int> piece in Find(plane))
        {
            if (piece.Count < minPixels)
            {
                foreach (int i in piece)
                {
                    plane.Bits[i] = 0;
                }
            }
        }
    }

    /// <summary>Every 8-connected piece as a list of pixel indices, in raster order of first pixel.</summary>
    public static List<List<int>> Find(BitPlane plane)
    {
        ArgumentNullException.ThrowIfNull(plane);
        int w = plane.Width;
        int h = plane.Height;
        var seen = new bool[w * h];
        var pieces = new List<List<int>>();
        var stack = new Stack<int>();
        for (int start = 0; start < seen.Length; start++)
        {
            // Sketches are sparse: jump to the next ink pixel (a vectorised search) instead of testing each.
            int skip = plane.Bits.AsSpan(start).IndexOfAnyExcept((byte)0);
            if (skip < 0)
            {
                break;
            }

            start += skip;
            if (seen[start])
            {
                continue;
            }

            var piece = new List<int>();
            seen[start] = true;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int p = stack.Pop();
                piece.Add(p);
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
                            if (plane.Bits[n] != 0 && !seen[n])
                            {
                                seen[n] = true;
                                stack.Push(n);
                            }
                        }
                    }
                }
            }

            pieces.Add(piece);
        }

        return pieces;
    }
}
