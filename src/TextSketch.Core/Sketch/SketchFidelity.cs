namespace TextSketch.Core.Sketch;

/// <summary>Precision, recall and F1 of one edge map against another, with a distance tolerance.</summary>
public readonly record struct EdgeScore(double Precision, double Recall, double F1, int CandidatePixels, int ReferencePixels);

/// <summary>
/// How much of an edge map a coarser sketch keeps. The sketch is drawn at the reference's size (each sketch pixel at
/// the centre of its cell, 8-neighbours joined by straight lines); a candidate pixel counts as correct when a
/// reference edge lies within the tolerance (Euclidean, pixels), and a reference pixel as found when a candidate
/// pixel does. This is how the Bench measures that rate-aware simplification keeps the detector's structure.
/// </summary>
public static class SketchFidelity
{
    public static BitPlane Render(BitPlane sketch, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(sketch);
        return Render(sketch, new BitPlane(width, height));
    }

    /// <summary><see cref="Render(BitPlane, int, int)"/> into <paramref name="output"/> (cleared first), at its size:
    /// for callers that draw many sketches and keep none.</summary>
    internal static BitPlane Render(BitPlane sketch, BitPlane output)
    {
        ArgumentNullException.ThrowIfNull(sketch);
        ArgumentNullException.ThrowIfNull(output);
        Array.Clear(output.Bits);
        int width = output.Width, height = output.Height;
        for (int y = 0; y < sketch.Height; y++)
        {
            ReadOnlySpan<byte> line = sketch.Bits.AsSpan(y * sketch.Width, sketch.Width);
            for (int x = NextInk(line, 0); x >= 0; x = NextInk(line, x + 1))
            {
                (int cx, int cy) = Centre(x, y, sketch, width, height);
                output[cx, cy] = true;
                foreach ((int dx, int dy) in Forward)
                {
                    int nx = x + dx;
                    int ny = y + dy;
                    if (sketch.GetOrZero(nx, ny) != 0)
                    {
                        (int ex, int ey) = Centre(nx, ny, sketch, width, height);
                        Line(output, cx, cy, ex, ey);
                    }
                }
            }
        }

        return output;
    }

    public static EdgeScore Compare(BitPlane candidate, BitPlane reference, int tolerance = 2)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(reference);
        return Compare(candidate, reference, Dilate(reference, tolerance), tolerance);
    }

    /// <summary><see cref="Compare(BitPlane, BitPlane, int)"/> with the reference already dilated by the tolerance
    /// (<see cref="Dilate"/>): many candidates against one reference.</summary>
    public static EdgeScore Compare(BitPlane candidate, BitPlane reference, BitPlane nearReference, int tolerance)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(nearReference);
        if (candidate.Width != reference.Width || candidate.Height != reference.Height
            || nearReference.Width != reference.Width || nearReference.Height != reference.Height)
        {
            throw new ArgumentException("Edge maps must be the same size to compare.");
        }

        // A reference pixel is found when a candidate pixel lies within the tolerance: its disc is looked up around each
        // reference pixel, which costs the edges' pixels, not the image's (the same count as dilating the candidate).
        (int Dx, int Dy)[] disc = Disc(tolerance);
        int w = reference.Width, h = reference.Height;
        int candidates = 0, correct = 0, references = 0, found = 0;
        byte[] candidateBits = candidate.Bits, nearBits = nearReference.Bits;
        // Edge maps are sparse: the scans jump from ink pixel to ink pixel (a vectorised search for non-zero bytes).
        for (int i = NextInk(candidateBits, 0); i >= 0; i = NextInk(candidateBits, i + 1))
        {
            candidates++;
            correct += nearBits[i];
        }

        byte[] referenceBits = reference.Bits;
        for (int y = 0; y < h; y++)
        {
            ReadOnlySpan<byte> line = referenceBits.AsSpan(y * w, w);
            for (int x = NextInk(line, 0); x >= 0; x = NextInk(line, x + 1))
            {
                references++;
                foreach ((int dx, int dy) in disc)
                {
                    int nx = x + dx, ny = y + dy;
                    if ((uint)nx < (uint)w && (uint)ny < (uint)h && candidateBits[ny * w + nx] != 0)
                    {
                        found++;
                        break;
                    }
                }
            }
        }

        double precision = candidates == 0 ? 1 : (double)correct / candidates;
        double recall = references == 0 ? 1 : (double)found / references;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new EdgeScore(precision, recall, f1, candidates, references);
    }

    /// <summary>The index of the first non-zero byte at or after <paramref name="start"/>, or −1.</summary>
    private static int NextInk(ReadOnlySpan<byte> bits, int start)
    {
        int offset = bits[start..].IndexOfAnyExcept((byte)0);
        return offset < 0 ? -1 : start + offset;
    }

    private static readonly (int Dx, int Dy)[] Forward = [(1, 0), (0, 1), (1, 1), (-1, 1)];

    private static (int X, int Y) Centre(int x, int y, BitPlane sketch, int width, int height) =>
        ((int)Math.Min(width - 1, ((2L * x + 1) * width) / (2L * sketch.Width)),
         (int)Math.Min(height - 1, ((2L * y + 1) * height) / (2L * sketch.Height)));

    private static void Line(BitPlane plane, int x0, int y0, int x1, int y1)
    {
        int steps = Math.Max(Math.Abs(x1 - x0), Math.Abs(y1 - y0));
        for (int i = 0; i <= steps; i++)
        {
            int x = steps == 0 ? x0 : x0 + (int)Math.Round((double)(x1 - x0) * i / steps);
            int y = steps == 0 ? y0 : y0 + (int)Math.Round((double)(y1 - y0) * i / steps);
            plane[x, y] = true;
        }
    }

    /// <summary>The offsets within <paramref name="radius"/> (Euclidean), nearest first.</summary>
    private static (int Dx, int Dy)[] Disc(int radius)
    {
        var offsets = new List<(int, int)>();
        for (int dy = -radius; dy <= radius; dy++)
        {
            for (int dx = -radius; dx <= radius; dx++)
            {
                if (dx * dx + dy * dy <= radius * radius)
                {
                    offsets.Add((dx, dy));
                }
            }
        }

        return [.. offsets.OrderBy(o => o.Item1 * o.Item1 + o.Item2 * o.Item2)];
    }

    /// <summary>Every pixel within <paramref name="radius"/> (Euclidean) of an ink pixel.</summary>
    public static BitPlane Dilate(BitPlane plane, int radius)
    {
        (int Dx, int Dy)[] offsets = Disc(radius);

        var output = new BitPlane(plane.Width, plane.Height);
        for (int y = 0; y < plane.Height; y++)
        {
            ReadOnlySpan<byte> line = plane.Bits.AsSpan(y * plane.Width, plane.Width);
            for (int x = NextInk(line, 0); x >= 0; x = NextInk(line, x + 1))
            {
                foreach ((int dx, int dy) in offsets)
                {
                    int nx = x + dx;
                    int ny = y + dy;
                    if ((uint)nx < (uint)plane.Width && (uint)ny < (uint)plane.Height)
                    {
                        output.Bits[ny * plane.Width + nx] = 1;
                    }
                }
            }
        }

        return output;
    }
}
