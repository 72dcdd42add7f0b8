using TextSketch.Core.Coding.ColorLayer;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Sketch;

namespace TextSketch.Core.Encoder;

/// <summary>The budget could not be met: even the header and caption (and, in TextSketch mode, an empty sketch) are
/// larger. The message gives the advice that fits the record's mode and the smallest -MaxBytes that works.</summary>
public sealed class BudgetTooSmallException : TextSketchException
{
    private BudgetTooSmallException(int needed, int budget, string message)
        : base("BudgetTooSmall", message)
    {
        Needed = needed;
        Budget = budget;
    }

    /// <summary>The smallest -MaxBytes that codes this image in this mode with these options.</summary>
    public int Needed { get; }

    public int Budget { get; }

    /// <summary>A caption-only record: the caption is the only part that can give way.</summary>
    public static BudgetTooSmallException ForText(int needed, int budget, bool hasCaption) => new(needed, budget,
        $"-MaxBytes {budget} is too small: the header and caption alone need {needed} bytes. " +
        $"{(hasCaption ? "Shorten the caption or use" : "Use")} -MaxBytes {needed} or more.");

    /// <summary>A TextSketch record: the sketch can shrink to nothing, but not the header and caption; -Mode Text is
    /// suggested only when its record (<paramref name="textBytes"/>) fits the budget.</summary>
    public static BudgetTooSmallException ForTextSketch(int needed, int budget, int textBytes, bool hasCaption)
    {
        var advice = new List<string>();
        if (hasCaption)
        {
            advice.Add("shorten the caption");
        }

        if (textBytes <= budget)
        {
            advice.Add($"use -Mode Text (a caption-only record of {textBytes} bytes fits)");
        }

        advice.Add($"use -MaxBytes {needed} or more");
        string joined = advice.Count == 1 ? advice[0] : string.Join(", ", advice.Take(advice.Count - 1)) + " or " + advice[^1];
        return new(needed, budget,
            $"-MaxBytes {budget} is too small: the header, caption and an empty sketch alone need {needed} bytes. {char.ToUpperInvariant(joined[0])}{joined[1..]}.");
    }
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
                throw BudgetTooSmallException.ForText(text.Bytes.Length, limit, !string.IsNullOrEmpty(analysis.Caption));
            }

            return text;
        }

        int budget = maxBytes ?? TextSketchDefaults.RecordBudgetBytes;
        var empty = new BitPlane(analysis.Sketch.Edges.Width, analysis.Sketch.Edges.Height);
        TskRecord bare = analysis.Write(analysis.ToDocument(TextSketchMode.TextSketch, empty));
        int rest = bare.Bytes.Length;
        if (maxBytes is int hard && rest > hard)
        {
            int textBytes = analysis.Write(analysis.ToDocument(TextSketchMode.Text)).Bytes.Length;
            throw BudgetTooSmallException.ForTextSketch(rest, hard, textBytes, !string.IsNullOrEmpty(analysis.Caption));
        }

        var ladder = new SketchLadder(analysis.Sketch, analysis.SketchReference, minComponentPixels);
        SketchLadder.Step floor = ladder.Floor(MinimumSketchFidelity);
        if (maxBytes is null)
        {
            // A soft budget: the floor sketch always fits, and at least MinimumSketchBytes of sketch when the detector has them.
            if (floor.Bytes < MinimumSketchBytes && floor.Index > 0)
            {
                floor = ladder.Fit(MinimumSketchBytes);
            }

            budget = Math.Max(budget, rest + floor.Bytes + 1);
        }

        if (rest + floor.Bytes > budget)
        {
            // Not even the floor sketch fits: the largest sketch that does, and a colour layer only in what it leaves.
            floor = ladder.Fit(budget - rest);
        }

        // The sketch at its floor, the colour layer in the rest: more sketch decodes no better (tools/TextSketch.CodecLab
        // measured under 0.03 dB and 0.0004 MS-SSIM at every budget), every byte of layer does.
        TskRecord sketchOnly = analysis.Write(analysis.ToDocument(TextSketchMode.TextSketch, floor.Sketch));
        while (sketchOnly.Bytes.Length > budget && floor.Index < SketchSimplifier.Steps)
        {
            // The sketch shares the stream, so its cost there can differ from its cost alone by a byte or so.
            floor = ladder.Fit(floor.Bytes - (sketchOnly.Bytes.Length - budget), floor.Index + 1);
            sketchOnly = analysis.Write(analysis.ToDocument(TextSketchMode.TextSketch, floor.Sketch));
        }

        if (analysis.Image is not { } image || sketchOnly.Bytes.Length >= budget)
        {
            return sketchOnly;
        }

        // The layer's bits join the stream: the record grows by about their eighth, and its ending may take one more byte.
        double space = (budget - sketchOnly.Bytes.Length) * 8.0;
        double bits = space - 8;
        LayerTrial? layer = ColorLayerPlanner.Choose(image, bits);
        if (FullerLayer(image, layer, space) is { } fuller
            && analysis.Write(analysis.ToDocument(TextSketchMode.TextSketch, floor.Sketch, fuller.Reconstruction)) is { } filled
            && filled.Bytes.Length <= budget)
        {
            return filled;
        }

        while (layer is not null)
        {
            TskRecord record = analysis.Write(analysis.ToDocument(TextSketchMode.TextSketch, floor.Sketch, layer.Reconstruction));
            int over = record.Bytes.Length - budget;
            if (over <= 0)
            {
                return record;
            }

            // Rare: the shared stream ended a byte or two longer than the parts' code lengths say. Code the layer smaller.
            bits -= (8.0 * over) + 4;
            layer = bits < ColorLayerPlanner.MinimumLayerBytes * 8 ? null
                : ColorLayerCoder.FitBudget(LayerPlanes.FromImage(image, layer.Reconstruction.Geometry), bits, layer.Options, layer.Quantiser);
        }

        return sketchOnly;
    }

    /// <summary>
    /// The layer in the byte kept free for the stream's ending too, when the ending does not take it: at small budgets
    /// that byte is a sixth of the layer. On the bench photos at -MaxBytes 30, 40, 60 and 80 (32 records, Paint
    /// decoder) it added 31 bytes in all, gave one record a layer it had lacked (+12 dB), raised decoded PSNR on 11
    /// more by 0.05 to 1.2 dB and lowered it on one by 0.27 dB. The size setting stays the one chosen for the smaller
    /// budget (a finer size at the same bytes decoded worse there); null when it buys nothing more.
    /// </summary>
    private static LayerTrial? FullerLayer(RgbImage image, LayerTrial? layer, double space)
    {
        if (layer is null)
        {
            return ColorLayerPlanner.Choose(image, space);
        }

        LayerTrial? fuller = ColorLayerCoder.FitBudget(LayerPlanes.FromImage(image, layer.Reconstruction.Geometry), space, layer.Options,
            layer.Reconstruction.Quantiser, refine: false, fill: true);
        return fuller is not null && fuller.Bits > layer.Bits ? fuller : null;
    }
}
