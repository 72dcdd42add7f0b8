using TextSketch.Core.Caption;
using TextSketch.Core.Color;
using TextSketch.Core.Format;
using TextSketch.Core.Sketch;

namespace TextSketch.Core.Pipeline;

/// <summary>What the analysis stage finds in an image, before any coding: the caption, the colour layout and the
/// full sketch with its edge strengths (rate control decides how much of it the record keeps).</summary>
public sealed record ImageAnalysis(
    int Width,
    int Height,
    string? Caption,
    CaptionSource CaptionSource,
    ColorHint? Color,
    EdgeMap? Sketch,
    int SketchDivisor)
{
    /// <summary>The record content for <paramref name="mode"/> with the given sketch bitmap (null: the full one).</summary>
    public TskDocument ToDocument(TextSketchMode mode, BitPlane? sketch = null, bool includeColor = true) => new()
    {
        Width = Width,
        Height = Height,
        Mode = mode,
        Caption = Caption,
        CaptionSource = CaptionSource,
        Color = mode == TextSketchMode.TextSketch && includeColor ? Color : null,
        Sketch = mode == TextSketchMode.TextSketch && Sketch is not null
            ? new SketchLayer(sketch ?? Sketch.Edges, SketchDivisor, Coding.SketchCoders.Default.Id)
            : null,
    };
}
