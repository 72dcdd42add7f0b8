namespace TextSketch.Core.Sketch;

/// <summary>
/// A learned soft edge map (probabilities, e.g. HED's) to the thin binary sketch the coders expect. At the map's own
/// resolution: quantisation to 0..<see cref="Scale"/>, non-maximum suppression across the ridge, hysteresis between
/// a strong and a weak threshold, thinning to one pixel, removal of short pieces; the result is then reduced onto
/// the sketch grid the way the built-in detector reduces its own map (<see cref="EdgeDetector.Reduce"/>), each edge
/// pixel keeping its probability as its strength for rate control. A map coarser than the sketch is max-pooled to
/// the sketch grid first. Integer arithmetic after quantisation, so the sketch depends only on the map.
/// </summary>
public static class SoftEdgeThinning
{
    /// <summary>Probability resolution: the map is quantised to 0..Scale before anything else.</summary>
    public const int Scale = 1000;

    /// <param name="map">Row-major probabilities (0..1) of a <paramref name="mapWidth"/> x <paramref name="mapHeight"/> map.</param>
    /// <param name="minComponentPixels">Shortest piece kept, in sketch pixels (scaled up at the map's resolution).</param>
    public static EdgeMap ToSketch(float[] map, int mapWidth, int mapHeight, int width, int height, double strongThreshold, double weakThreshold, int minComponentPixels)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.Length != mapWidth * mapHeight)
        {
            throw new ArgumentException($"The map has {map.Length} values, not {mapWidth}x{mapHeight}.", nameof(map));
        }

        int strong = Math.Max(1, (int)Math.Round(Math.Clamp(strongThreshold, 0, 1) * Scale));
        int weak = Math.Max(1, (int)Math.Round(Math.Clamp(Math.Min(weakThreshold, strongThreshold), 0, 1) * Scale));
        if (mapWidth < width || mapHeight < height)
        {
            return Thin(MaxPool(map, mapWidth, mapHeight, width, height), width, height, strong, weak, minComponentPixels);
        }

        // Pieces are lines: their pixel count grows with the linear scale.
        double linear = Math.Min((double)mapWidth / width, (double)mapHeight / height);
        int[] quantised = MaxPool(map, mapWidth, mapHeight, mapWidth, mapHeight);
        EdgeMap fine = Thin(quantised, mapWidth, mapHeight, strong, weak, (int)Math.Round(minComponentPixels * linear));
        return EdgeDetector.Reduce(fine, width, height, minComponentPixels);
    }

    private static EdgeMap Thin(int[] values, int w, int h, int strong, int weak, int minComponentPixels)
    {
        int[] ridges = SuppressNonRidges(values, w, h);
        var plane = new BitPlane(w, h);
        Hysteresis.Trace(ridges, strong, weak, plane);
        Thinning.Thin(plane);
        Components.RemoveSmall(plane, minComponentPixels);
        var strength = new int[w * h];
        for (int i = 0; i < strength.Length; i++)
        {
            // Thinning can keep a pixel beside the ridge line: it still has the map's value there.
            strength[i] = plane.Bits[i] == 0 ? 0 : Math.Max(1, values[i]);
        }

        return new EdgeMap(plane, strength);
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

}
