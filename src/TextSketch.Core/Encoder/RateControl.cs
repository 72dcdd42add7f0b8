using TextSketch.Core.Coding.ColorLayer;
using TextSketch.Core.Format;
using TextSketch.Core.Sketch;

namespace TextSketch.Core.Encoder;

/// <summary>The budget could not be met: even the caption (and header) alone are larger.</summary>
public sealed class BudgetTooSmallException : TextSketchException
{
    public BudgetTooSmallException(int needed, int budget, string what)
        : base("BudgetTooSmall", $"-MaxBytes {budget} is too small: {what} alone need {needed} bytes. Shorten the caption, use -Mode Text, or raise -MaxBytes.")
    {
        Needed = needed;
        Budget = budget;
    }

    public int Needed { get; }

    public int Budget { get; }
}

/// <summary>
/// Codes an analysis into a record within a byte budget. Header and caption are coded first; the sketch keeps at
/// least the fidelity floor (<see cref="MinimumSketchFidelity"/>: its decoded edge-F1 against the detector's own
/// map), the colour layer and more sketch share the rest (<see cref="ColorLayerPlanner"/>). A hard budget
/// (-MaxBytes) is never exceeded: when it cannot hold the floor sketch, the colour layer goes first, then the sketch
/// shrinks to what fits. Without one, <see cref="TextSketchDefaults.RecordBudgetBytes"/> applies but the sketch keeps
/// its floor (at least <see cref="MinimumSketchBytes"/>; a long caption must not leave an image without structure).
/// </summary>
public static class RateControl
{
    public const int MinimumSketchBytes = 48;

    /// <summary>The decoded sketch's edge-F1 every TextSketch record keeps when its budget allows (the rate issue's floor).</summary>
    public const double MinimumSketchFidelity = 0.6;

    public static TskRecord Code(ImageAnalysis analysis, TextSketchMode mode, int? maxBytes, int minComponentPixels)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        if (maxBytes is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBytes), "The byte budget must be positive.");
        }

        if (mode == TextSketchMode.Text || analysis.Sketch is null)
        {
            TskRecord text = analysis.Write(analysis.ToDocument(mode));
            if (maxBytes is int limit && text.Bytes.Length > limit)
            {
                throw new BudgetTooSmallException(text.Bytes.Length, limit, "the header and caption");
            }

            return text;
        }

        int budget = maxBytes ?? TextSketchDefaults.RecordBudgetBytes;
        var empty = new BitPlane(analysis.Sketch.Edges.Width, analysis.Sketch.Edges.Height);
        TskRecord bare = analysis.Write(analysis.ToDocument(TextSketchMode.TextSketch, empty));
        int rest = bare.Bytes.Length;
        if (maxBytes is int hard && rest > hard)
        {
            throw new BudgetTooSmallException(rest, hard, "the header, caption and an empty sketch");
        }

        var ladder = new SketchLadder(analysis.Sketch, analysis.SketchReference, minComponentPixels);
        SketchLadder.Step floor = ladder.Floor(MinimumSketchFidelity);
        if (maxBytes is null)
        {
            // A soft budget: the floor sketch always fits, and at least MinimumSketchBytes of sketch when the detector has them.
            int least = Math.Max(floor.Bytes, Math.Min(MinimumSketchBytes, ladder[0].Bytes));
            budget = Math.Max(budget, rest + least + 1);
            floor = ladder.Fit(Math.Max(least, floor.Bytes));
        }

        if (rest + floor.Bytes > budget)
        {
            // Not even the floor sketch fits: the largest sketch that does, and a colour layer only in what it leaves.
            floor = ladder.Fit(budget - rest);
        }

        ColorLayerPlanner.Plan plan = ColorLayerPlanner.Choose(analysis, ladder, floor, budget - rest);
        while (true)
        {
            TskRecord record = analysis.Write(analysis.ToDocument(TextSketchMode.TextSketch, plan.Sketch.Sketch, plan.Layer?.Reconstruction));
            int over = record.Bytes.Length - budget;
            if (over <= 0)
            {
                return record;
            }

            // Parts share the record's stream, so their cost there can differ from their cost alone by a byte or so:
            // take the excess off the colour layer (or, without one, the sketch) and try again.
            plan = ColorLayerPlanner.Shrink(analysis, ladder, plan, over);
        }
    }
}
