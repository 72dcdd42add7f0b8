namespace TextSketch.Core.Sketch;

/// <summary>
/// A learned soft edge map (probabilities, e.g. HED's) to the thin binary sketch the coders expect: max-pooling to
/// the sketch resolution (thin lines survive), non-maximum suppression across the ridge, hysteresis between a
/// strong and a weak threshold, thinning to one pixel, and removal of short pieces. Integer arithmetic after the
/// pooling, so the bitmap depends only on the map.
/// </summary>
public static class SoftEdgeThinning
{
    /// <summary>Probability resolution: the map is quantised to 0..Scale before anything else.</summary>
    public const int Scale = 1000;

    /// <param name="map">Row-major probabilities (0..1) of a <paramref name="mapWidth"/> x <paramref name="mapHeight"/> map.</param>
    public static BitPlane ToSketch(float[] map, int mapWidth, int mapHeight, int width, int height, double strongThreshold, double weakThreshold, int minComponentPixels)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.Length != mapWidth * mapHeight)
        {
            throw new ArgumentException($"The map has {map.Length} values, not {mapWidth}x{mapHeight}.", nameof(map));
        }

        int[] pooled = MaxPool(map, mapWidth, mapHeight, width, height);
        int[] ridges = SuppressNonRidges(pooled, width, height);
        int strong = (int)Math.Round(Math.Clamp(strongThreshold, 0, 1) * Scale);
        int weak = (int)Math.Round(Math.Clamp(Math.Min(weakThreshold, strongThreshold), 0, 1) * Scale);
        var plane = new BitPlane(width, height);
        Follow(ridges, Math.Max(1, strong), Math.Max(1, weak), plane);
        Thinning.Thin(plane);
        Components.RemoveSmall(plane, minComponentPixels);
        return plane;
    }

    /// <summary>Each output cell takes the strongest value of the map pixels it covers (nearest pixel when the map is smaller).</summary>
    private static int[] MaxPool(float[] map, int mw, int mh, int w, int h)
    {
        var result = new int[w * h];
        for (int oy = 0; oy < h; oy++)
        {
            int y0 = (int)((long)oy * mh / h);
            int y1 = Math.Max(y0 + 1, (int)((long)(oy + 1) * mh / h));
            for (int ox = 0; ox < w; ox++)
            {
                int x0 = (int)((long)ox * mw / w);
                int x1 = Math.Max(x0 + 1, (int)((long)(ox + 1) * mw / w));
                float best = 0;
                for (int y = y0; y < y1; y++)
                {
                    for (int x = x0; x < x1; x++)
                    {
                        float v = map[y * mw + x];
                        if (v > best)
                        {
                            best = v;
                        }
                    }
                }

                result[oy * w + ox] = float.IsNaN(best) ? 0 : (int)Math.Round(Math.Clamp(best, 0f, 1f) * Scale);
            }
        }

        return result;
    }

    /// <summary>Keeps a pixel only where it is a maximum across the ridge (the direction of the map's own gradient).</summary>
    private static int[] SuppressNonRidges(int[] p, int w, int h)
    {
        var result = new int[w * h];
        for (int y = 0; y < h; y++)
        {
            int up = Math.Max(y - 1, 0) * w;
            int row = y * w;
            int down = Math.Min(y + 1, h - 1) * w;
            for (int x = 0; x < w; x++)
            {
                int v = p[row + x];
                if (v == 0)
                {
                    continue;
                }

                int l = Math.Max(x - 1, 0);
                int r = Math.Min(x + 1, w - 1);
                int gx = (p[up + r] + 2 * p[row + r] + p[down + r]) - (p[up + l] + 2 * p[row + l] + p[down + l]);
                int gy = (p[down + l] + 2 * p[down + x] + p[down + r]) - (p[up + l] + 2 * p[up + x] + p[up + r]);
                int ax = Math.Abs(gx);
                int ay = Math.Abs(gy);
                (int a, int b) = 70 * ay <= 29 * ax ? (p[row + l], p[row + r])
                    : 70 * ax <= 29 * ay ? (p[up + x], p[down + x])
                    : (gx ^ gy) >= 0 ? (p[up + l], p[down + r])
                    : (p[up + r], p[down + l]);
                // A ridge line is a maximum across itself; a flat top keeps one pixel.
                if (v > a && v >= b)
                {
                    result[row + x] = v;
                }
            }
        }

        return result;
    }

    private static void Follow(int[] ridges, int strong, int weak, BitPlane plane)
    {
        int w = plane.Width;
        int h = plane.Height;
        byte[] bits = plane.Bits;
        var stack = new Stack<int>();
        for (int i = 0; i < ridges.Length; i++)
        {
            if (ridges[i] < strong || bits[i] != 0)
            {
                continue;
            }

            bits[i] = 1;
            stack.Push(i);
            while (stack.Count > 0)
            {
                int p = stack.Pop();
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
                            if (bits[n] == 0 && ridges[n] >= weak)
                            {
                                bits[n] = 1;
                                stack.Push(n);
                            }
                        }
                    }
                }
            }
        }
    }
}
