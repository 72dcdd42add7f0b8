using TextSketch.Core.Caption;
using TextSketch.Core.Coding;
using TextSketch.Core.Color;
using TextSketch.Core.Format;
using TextSketch.Core.Sketch;
using TextSketch.Core.Text;

namespace TextSketch.Core.Encoder;

/// <summary>What the analysis stage finds in an image, before any coding: the caption, the colour layout and the
/// full sketch with its edge strengths (rate control decides how much of it the record keeps).</summary>
/// <param name="CaptionVocabulary">CLIP's vocabulary when the caption is one of its token sequences (it came from
/// prompt inversion with CLIP's own vocabulary), so it may be stored as token ids; null for every other caption.</param>
/// <param name="SketchSource">The detector that drew <paramref name="Sketch"/> (the record names it).</param>
public sealed record ImageAnalysis(
    int Width,
    int Height,
    string? Caption,
    CaptionSource CaptionSource,
    ColorHint? Color,
    EdgeMap? Sketch,
    int SketchDivisor,
    ClipTokenizer? CaptionVocabulary = null,
    SketchSource SketchSource = SketchSource.BuiltIn)
{
    /// <summary>The caption coders this record may use: the text coders, plus CLIP tokens for an inverted prompt.
    /// Never what happens to be installed: the record's bytes depend only on the image and the options.</summary>
    public CaptionCoders CaptionCoders => CaptionVocabulary is { } vocabulary ? CaptionCoders.WithClipTokens(vocabulary) : CaptionCoders.Builtin;

    /// <summary>The cheapest exact coder for the caption, of <see cref="CaptionCoders"/>.</summary>
    public int CaptionCoder => Caption is null ? TextSketchDefaults.CaptionCoder : CaptionCoders.Cheapest(Caption).Id;

    /// <summary>The record content for <paramref name="mode"/> with the given sketch bitmap (null: the full one).</summary>
    public TskDocument ToDocument(TextSketchMode mode, BitPlane? sketch = null, bool includeColor = true) => new()
    {
        Width = Width,
        Height = Height,
        Mode = mode,
        Caption = Caption,
        CaptionSource = CaptionSource,
        CaptionCoder = CaptionCoder,
        Color = mode == TextSketchMode.TextSketch && includeColor ? Color : null,
        Sketch = mode == TextSketchMode.TextSketch && Sketch is not null
            ? new SketchLayer(sketch ?? Sketch.Edges, SketchDivisor, TextSketchDefaults.SketchCoder)
            : null,
        SketchSource = mode == TextSketchMode.TextSketch && Sketch is not null ? SketchSource : SketchSource.BuiltIn,
    };

    /// <summary>The record of <paramref name="document"/> (one of this analysis' documents).</summary>
    public TskRecord Write(TskDocument document) => TskFile.Write(document, CaptionCoders);
}
