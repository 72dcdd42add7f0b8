namespace TextSketch.Core.Decoding.Paint;

/// <summary>Settings of the Paint decoder. The defaults are what the record format's decoder uses; an encoder that
/// fits the layer to the decoder must fit it with the same settings.</summary>
public sealed record PaintOptions
{
    public static PaintOptions Default { get; } = new();

    /// <summary>λ: weight of a cell's squared mean error against the smoothness energy. Large values make the
    /// decoded cell means (almost) the layer's values; the smoothness energy of an image is scale-free, so one λ
    /// suits every grid size.</summary>
    public double DataWeight { get; init; } = 100;

    /// <summary>Weight left on a neighbour link that an edge cuts (1 = no edge). Small but not zero: a region the
    /// sketch encloses that no cell constrains on its own still has one solution.</summary>
    public float EdgeLeak { get; init; } = 0.01f;

    /// <summary>μ: each pixel's weak pull towards the layer's bilinear interpolation (0: none). It decides what a
    /// region that no cell pins down on its own looks like.</summary>
    public float Anchor { get; init; } = 0.001f;

    /// <summary>Standard deviation in pixels of the blur applied across edges only, after the solve (0: hard edges).</summary>
    public float EdgeSoftness { get; init; } = 1f;

    /// <summary>Relaxation passes that straighten each contour within its sketch pixels (see <see cref="SketchContours"/>).</summary>
    public int ContourPasses { get; init; } = 8;

    /// <summary>Solver work for the luma plane.</summary>
    public SolveSchedule Schedule { get; init; } = SolveSchedule.Default;

    /// <summary>Solver work for the chroma planes.</summary>
    public SolveSchedule ChromaSchedule { get; init; } = SolveSchedule.Chroma;

    /// <summary>Ink the edges over the picture (a drawing's look); off, edges are boundaries only.</summary>
    public bool Outline { get; init; }

    /// <summary>Planes solved at once (1 to 3). The result is the same for any value.</summary>
    public int MaxDegreeOfParallelism { get; init; } = 1;
}

/// <summary>How much work a solve does (fixed, so the output never depends on timing).</summary>
/// <param name="FullMultigridCycles">V-cycles on each level of the full-multigrid start.</param>
/// <param name="ConjugateGradientIterations">Preconditioned CG iterations after it.</param>
/// <param name="Smoothing">Gauss–Seidel sweeps before and after each coarse correction.</param>
/// <param name="CoarseVisits">Cycles on the next coarser level per coarse correction: 1 is a V-cycle, 2 a W-cycle.</param>
/// <param name="FinestLevel">The finest multigrid level solved (0: the image); below it each pixel takes its
/// aggregate's value (aggregates never straddle an edge). Level 1 is enough for chroma, which varies slowly.</param>
public sealed record SolveSchedule(int FullMultigridCycles, int ConjugateGradientIterations, int Smoothing, int CoarseVisits = 1, int FinestLevel = 0)
{
    /// <summary>Luma: full multigrid with two smoothing sweeps, to within a few hundredths of a level of the minimiser.</summary>
    public static SolveSchedule Default { get; } = new(1, 0, 2);

    /// <summary>Chroma: full multigrid with one sweep, on level 1 (2x2 aggregates): a sixth of the work, no measurable loss.</summary>
    public static SolveSchedule Chroma { get; } = new(1, 0, 1, 1, 1);
}
