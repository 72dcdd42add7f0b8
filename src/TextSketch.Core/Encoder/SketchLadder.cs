using TextSketch.Core.Coding;
using TextSketch.Core.Sketch;

namespace TextSketch.Core.Encoder;

/// <summary>
/// The rate-aware simplifications of one analysis' sketch (<see cref="SketchSimplifier"/>'s steps 0 … Steps, full to
/// empty), each with its coded size and its fidelity: the edge-F1 of the sketch drawn at the reference's size against
/// the detector's own map (<see cref="SketchFidelity"/>, 2-pixel tolerance). Steps are made on first use and kept,
/// so rate control can probe many budgets for the price of a few simplifications.
/// </summary>
public sealed class SketchLadder
{
    private readonly EdgeMap _sketch;
    private readonly BitPlane _reference;
    private readonly int[] _strengths;
    private readonly int _minComponentPixels;
    private readonly ISketchCoder _coder;
    private readonly Step?[] _steps = new Step?[SketchSimplifier.Steps + 1];
    private readonly Lazy<BitPlane> _nearReference;
    private BitPlane? _drawn;

    public SketchLadder(EdgeMap sketch, BitPlane? reference, int minComponentPixels, ISketchCoder? coder = null)
    {
        ArgumentNullException.ThrowIfNull(sketch);
        _sketch = sketch;
        _reference = reference ?? sketch.Edges;
        _strengths = sketch.Strength.Where(v => v > 0).Order().ToArray();
        _minComponentPixels = minComponentPixels;
        _coder = coder ?? SketchCoders.Default;
        _nearReference = new Lazy<BitPlane>(() => SketchFidelity.Dilate(_reference, Tolerance));
    }

    /// <summary>Distance in reference pixels within which an edge counts as kept.</summary>
    public const int Tolerance = 2;

    /// <summary>One step: the bitmap, its bytes coded alone (coded on first use: a fidelity search needs none), and its
    /// edge-F1 against the reference.</summary>
    public sealed class Step(int index, BitPlane sketch, double fidelity, Func<BitPlane, int> code)
    {
        private readonly Lazy<int> _bytes = new(() => code(sketch));

        public int Index { get; } = index;

        public BitPlane Sketch { get; } = sketch;

        public int Bytes => _bytes.Value;

        public double Fidelity { get; } = fidelity;
    }

    public Step this[int index]
    {
        get
        {
            if ((uint)index > SketchSimplifier.Steps)
            {
                throw new ArgumentOutOfRangeException(nameof(index));
            }

            lock (_steps)
            {
                return _steps[index] ??= Make(index);
            }
        }
    }

    /// <summary>The most simplified step whose fidelity is at least <paramref name="fidelity"/> (bisection: fidelity
    /// falls nearly monotonically along the ladder), else the full sketch (step 0).</summary>
    public Step Floor(double fidelity)
    {
        if (this[0].Fidelity < fidelity)
        {
            return this[0];
        }

        int low = 0, high = SketchSimplifier.Steps; // low meets the fidelity, high does not (the empty sketch)
        if (this[high].Fidelity >= fidelity)
        {
            return this[high];
        }

        while (high - low > 1)
        {
            int middle = (low + high) / 2;
            if (this[middle].Fidelity >= fidelity)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return this[low];
    }

    /// <summary>The least simplified step of at most <paramref name="bytes"/> coded bytes at or after
    /// <paramref name="from"/> (bisection on the size, which shrinks along the ladder); the empty sketch when none is
    /// smaller.</summary>
    public Step Fit(int bytes, int from = 0)
    {
        if (this[from].Bytes <= bytes)
        {
            return this[from];
        }

        int low = from, high = SketchSimplifier.Steps; // low is over the budget, high within it (the empty sketch)
        while (high - low > 1)
        {
            int middle = (low + high) / 2;
            if (this[middle].Bytes <= bytes)
            {
                high = middle;
            }
            else
            {
                low = middle;
            }
        }

        return this[high];
    }

    private Step Make(int index)
    {
        BitPlane plane = index == 0 ? _sketch.Edges : SketchSimplifier.Simplify(_sketch, _strengths, index, _minComponentPixels);
        // Drawn into one plane for all steps (Make runs under the steps' lock): only the score is kept.
        BitPlane drawn = SketchFidelity.Render(plane, _drawn ??= new BitPlane(_reference.Width, _reference.Height));
        double f1 = SketchFidelity.Compare(drawn, _reference, _nearReference.Value, Tolerance).F1;
        return new Step(index, plane, f1, p => SketchSimplifier.Code(p, _coder).Length);
    }
}
