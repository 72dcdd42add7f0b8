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
        EdgeMap reduced = EdgeDetector.Reduce(fine, width, height, minComponentPixels);
        if (RemoveStaircases(reduced.Edges))
        {
            for (int i = 0; i < reduced.Strength.Length; i++)
            {
                reduced.Strength[i] = reduced.Edges.Bits[i] == 0 ? 0 : reduced.Strength[i];
            }
        }

        return reduced;
    }

    private static EdgeMap Thin(int[] values, int w, int h, int strong, int weak, int minComponentPixels)
    {
        int[] ridges = SuppressNonRidges(values, w, h);
        var plane = new BitPlane(w, h);
        Hysteresis.Trace(ridges, strong, weak, plane);
        // Before thinning: Zhang-Suen peels a two-pixel staircase from its ends until nothing is left of it.
        RemoveStaircases(plane);
        Thinning.Thin(plane);
        Components.RemoveSmall(plane, minComponentPixels);
        var strength = new int[w * h];
        for (int i = 0; i < strength.Length; i++)
        {
            // Thinning can keep a pixel beside the ridge line: it still has the map's value there.
            strength[i] = plane.Bits[i] == 0 ? 0 : RateStrength(values[i]);
        }

        return new EdgeMap(plane, strength);
    }

    /// <summary>
    /// Removes, in raster order, each ink pixel bridged by two perpendicular 4-neighbours: every other ink pixel
    /// around it touches one of the two, so the line stays 8-connected without it. A diagonal ridge leaves such
    /// 4-connected staircases (two pixels per row), which Zhang-Suen thinning would peel away from their ends and
    /// the sketch coder would pay for.
    /// Returns whether anything was removed.
    /// </summary>
    private static bool RemoveStaircases(BitPlane plane)
    {
        bool removed = false;
        for (int y = 0; y < plane.Height; y++)
        {
            for (int x = 0; x < plane.Width; x++)
            {
                if (plane[x, y] && IsBridged(plane, x, y))
                {
                    plane[x, y] = false;
                    removed = true;
                }
            }
        }

        return removed;
    }

    private static readonly (int Dx, int Dy)[] FourNeighbours = [(0, -1), (1, 0), (0, 1), (-1, 0)];

    private static bool IsBridged(BitPlane plane, int x, int y)
    {
        for (int k = 0; k < 4; k++)
        {
            (int ax, int ay) = (x + FourNeighbours[k].Dx, y + FourNeighbours[k].Dy);
            (int bx, int by) = (x + FourNeighbours[(k + 1) % 4].Dx, y + FourNeighbours[(k + 1) % 4].Dy);
            if (plane.GetOrZero(ax, ay) == 0 || plane.GetOrZero(bx, by) == 0)
            {
                continue;
            }

            bool bridged = true;
            for (int dy = -1; dy <= 1 && bridged; dy++)
            {
                for (int dx = -1; dx <= 1; dx++)
                {
                    (int qx, int qy) = (x + dx, y + dy);
                    if ((dx == 0 && dy == 0) || (qx, qy) == (ax, ay) || (qx, qy) == (bx, by) || plane.GetOrZero(qx, qy) == 0)
                    {
                        continue;
                    }

                    if (Math.Max(Math.Abs(qx - ax), Math.Abs(qy - ay)) > 1 && Math.Max(Math.Abs(qx - bx), Math.Abs(qy - by)) > 1)
                    {
                        bridged = false;
                        break;
                    }
                }
            }

            if (bridged)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The strength rate control sees for a quantised probability v: Scale * (v / Scale)^4. The simplifier keeps a
    /// contour whose pixels reach half the strength of its strongest seed; on probabilities that would keep nearly
    /// every contour of a learned map (its contours meet in one network, linked at 0.5 and above), on the fourth
    /// power it cuts links below 84% of the seed's probability, so a tighter budget sheds the less certain contours.
    /// </summary>
    public static int RateStrength(int v)
    {
        long q = Math.Clamp(v, 0, Scale);
        return (int)Math.Max(1, q * q * q * q / ((long)Scale * Scale * Scale));
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

    /// <summary>
    /// Keeps a pixel only where it is a maximum across the ridge. A soft edge map is a ridge (a line of high values),
    /// not a step: at its crest the gradient vanishes and says nothing about the direction, so the direction across
    /// is the one of the four (0, 45, 90, 135 degrees) in which the map curves down most (the most negative second
    /// difference of the 3x3-smoothed map, distance-normalised). A pixel must curve down that way more than it curves
    /// up in any other (a ridge, not a flank or a flat), and be a maximum across; a flat top keeps one pixel.
    /// </summary>
    private static int[] SuppressNonRidges(int[] p, int w, int h)
    {
        int[] s = SmoothBinomial(p, w, h);
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
                long centre = 2L * s[row + x];
                // Second differences; the axial ones doubled, as diagonal neighbours are sqrt(2) away (curvature
                // scales with the square of the spacing).
                long horizontal = 2 * (s[row + l] + s[row + r] - centre);
                long vertical = 2 * (s[up + x] + s[down + x] - centre);
                long falling = s[up + l] + s[down + r] - centre;
                long rising = s[up + r] + s[down + l] - centre;
                long least = Math.Min(Math.Min(horizontal, vertical), Math.Min(falling, rising));
                long most = Math.Max(Math.Max(horizontal, vertical), Math.Max(falling, rising));
                // A crest curves down across more than it curves up in any direction; the flank outside a bend,
                // past the profile's inflection, curves up across and only a little down along the bend.
                if (least >= 0 || -least <= most)
                {
                    continue;
                }

                // Across the image's border there is nothing to be a maximum against: a map that rises towards the
                // border (the network's padding) is no ridge along it.
                bool acrossColumns = least != vertical;
                bool acrossRows = least != horizontal;
                if ((acrossColumns && (x == 0 || x == w - 1)) || (acrossRows && (y == 0 || y == h - 1)))
                {
                    continue;
                }

                (int a, int b) = least == horizontal ? (p[row + l], p[row + r])
                    : least == vertical ? (p[up + x], p[down + x])
                    : least == falling ? (p[up + l], p[down + r])
                    : (p[up + r], p[down + l]);
                if (v > a && v >= b)
                {
                    result[row + x] = v;
                }
            }
        }

        return result;
    }

    /// <summary>3x3 binomial smoothing ([1 2 1] each way, edge pixels repeated), values scaled by 16.</summary>
    private static int[] SmoothBinomial(int[] p, int w, int h)
    {
        var across = new int[w * h];
        for (int y = 0; y < h; y++)
        {
            int row = y * w;
            for (int x = 0; x < w; x++)
            {
                across[row + x] = p[row + Math.Max(x - 1, 0)] + 2 * p[row + x] + p[row + Math.Min(x + 1, w - 1)];
            }
        }

        var result = new int[w * h];
        for (int y = 0; y < h; y++)
        {
            int up = Math.Max(y - 1, 0) * w;
            int row = y * w;
            int down = Math.Min(y + 1, h - 1) * w;
            for (int x = 0; x < w; x++)
            {
                result[row + x] = across[up + x] + 2 * across[row + x] + across[down + x];
            }
        }

        return result;
    }
}
