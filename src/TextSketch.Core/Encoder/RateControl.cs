using TextSketch.Core.Coding;
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
/// Codes an analysis into a record within a byte budget. Header, caption and colour hint are coded first; the sketch
/// gets the rest and is simplified (<see cref="SketchSimplifier"/>) until it fits. When the sketch would be left with
/// less than <see cref="ColorDropThreshold"/> bytes the colour hint is dropped to make room. A hard budget
/// (-MaxBytes) is never exceeded; without one, <see cref="TextSketchDefaults.RecordBudgetBytes"/> applies but the sketch keeps at least
/// <see cref="MinimumSketchBytes"/> (a long caption must not leave an image without structure).
/// </summary>
public static class RateControl
{
    public const int MinimumSketchBytes = 48;

    public const int ColorDropThreshold = 24;

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
        bool includeColor = analysis.Color is not null;
        int rest = Rest(analysis, empty, includeColor);
        if (includeColor && budget - rest < ColorDropThreshold)
        {
            includeColor = false;
            rest = Rest(analysis, empty, includeColor);
        }

        if (maxBytes is int hard && rest > hard)
        {
            throw new BudgetTooSmallException(rest, hard, "the header, caption and an empty sketch");
        }

        int sketchBudget = maxBytes is null ? Math.Max(MinimumSketchBytes, budget - rest) : budget - rest;
        ISketchCoder coder = SketchCoders.Default;
        while (true)
        {
            (BitPlane sketch, _) = SketchSimplifier.FitToBudget(analysis.Sketch, coder, sketchBudget, minComponentPixels);
            TskRecord record = analysis.Write(analysis.ToDocument(mode, sketch, includeColor));
            int over = record.Bytes.Length - budget;
            if (maxBytes is null || over <= 0 || sketchBudget <= 0)
            {
                return record;
            }

            // The sketch shares the record's stream, so its cost there can differ from its cost alone by a byte or
            // so: take the excess off the sketch's budget and try again (an empty sketch always fits, see above).
            sketchBudget -= over;
        }
    }

    /// <summary>Bytes of the record with an empty sketch: everything but the sketch's own cost.</summary>
    private static int Rest(ImageAnalysis analysis, BitPlane emptySketch, bool includeColor) =>
        analysis.Write(analysis.ToDocument(TextSketchMode.TextSketch, emptySketch, includeColor)).Bytes.Length;
}
