using TextSketch.Core.Coding;
using TextSketch.Core.Sketch;

namespace TextSketch.Core.Encoder;

/// <summary>
/// Rate-aware simplification: raises the sketch's own hysteresis thresholds, and the shortest contour it keeps,
/// step by step until the coded sketch fits a byte budget. Contours are kept or lost as wholes — a weak stretch
/// survives when it joins a strong one — so what remains is the long, strong structure a decoder needs, not a
/// scatter of fragments. The step is found by bisection on the actual coded size.
/// </summary>
public static class SketchSimplifier
{
    /// <summary>Simplification steps: step k keeps contours seeded by the strongest (Steps - k)/Steps of edge pixels.</summary>
    public const int Steps = 48;

    /// <summary>The simplified sketch and its coded bytes (coded alone), no more than <paramref name="maxBytes"/>
    /// whenever that is achievable (an empty sketch always is).</summary>
    public static (BitPlane Sketch, byte[] Coded) FitToBudget(EdgeMap sketch, ISketchCoder coder, int maxBytes, int minComponentPixels)
    {
        ArgumentNullException.ThrowIfNull(sketch);
        ArgumentNullException.ThrowIfNull(coder);
        byte[] full = Code(sketch.Edges, coder);
        if (full.Length <= maxBytes)
        {
            return (sketch.Edges, full);
        }

        int[] levels = sketch.Strength.Where(v => v > 0).Order().ToArray();
        // Invariant: step `low` does not fit (step 0 is the full sketch); step `high` does (the empty sketch).
        int low = 0;
        int high = Steps;
        BitPlane best = new(sketch.Edges.Width, sketch.Edges.Height);
        byte[] bestCoded = Code(best, coder);
        while (high - low > 1)
        {
            int middle = (low + high) / 2;
            BitPlane candidate = Simplify(sketch, levels, middle, minComponentPixels);
            byte[] coded = Code(candidate, coder);
            if (coded.Length <= maxBytes)
            {
                high = middle;
                best = candidate;
                bestCoded = coded;
            }
            else
            {
                low = middle;
            }
        }

        return (best, bestCoded);
    }

    public static byte[] Code(BitPlane plane, ISketchCoder coder)
    {
        var encoder = new RangeEncoder();
        coder.Encode(plane, encoder);
        return encoder.Finish();
    }

    /// <summary>Step <paramref name="step"/> of the ladder: hysteresis on the sketch's strengths with the strong
    /// threshold at that quantile of edge strengths and the weak one at half of it, then pieces shorter than
    /// minComponentPixels + step / 2 removed.</summary>
    public static BitPlane Simplify(EdgeMap sketch, int[] sortedStrengths, int step, int minComponentPixels)
    {
        BitPlane source = sketch.Edges;
        var plane = new BitPlane(source.Width, source.Height);
        if (step >= Steps || sortedStrengths.Length == 0)
        {
            return plane;
        }

        int strong = sortedStrengths[(int)((long)sortedStrengths.Length * step / Steps)];
        // Strengths are zero off the sketch's edges, so tracing them keeps to the sketch.
        Hysteresis.Trace(sketch.Strength, strong, strong / 2, plane);
        Components.RemoveSmall(plane, minComponentPixels + step / 2);
        return plane;
    }
}
