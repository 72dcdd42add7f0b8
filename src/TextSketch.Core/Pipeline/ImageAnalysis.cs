using TextSketch.Core.Caption;
using TextSketch.Core.Color;
using TextSketch.Core.Format;
using TextSketch.Core.Sketch;

namespace TextSketch.Core.Pipeline;

/// <summary>What the analysis stage finds in an image, before any coding.</summary>
public sealed record ImageAnalysis(
    int Width,
    int Height,
    string? Caption,
    CaptionSource CaptionSource,
    ColorHint? Color,
    BitPlane? Sketch,
    int SketchDivisor)
{
    public TskDocument ToDocument(TextSketchMode mode) => new()
    {
        Width = Width,
        Height = Height,
        Mode = mode,
        Caption = Caption,
        CaptionSource = CaptionSource,
        Color = mode == TextSketchMode.TextSketch ? Color : null,
        Sketch = mode == TextSketchMode.TextSketch && Sketch is not null
            ? new SketchLayer(Sketch, SketchDivisor, Coding.SketchCoders.Default.Id)
            : null,
    };
}
