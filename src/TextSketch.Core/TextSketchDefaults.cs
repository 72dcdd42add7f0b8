namespace TextSketch.Core;

/// <summary>
/// Every default of the codec, in one place. The format codes its "usual values" (caption coder, sketch coder, the
/// divisor chosen for <see cref="SketchPixels"/>) in a fraction of a bit each, and the usual values are these, so the
/// encoder's defaults and the format's cheap values cannot drift apart.
/// </summary>
public static class TextSketchDefaults
{
    /// <summary>The caption coder records name unless they say otherwise: <c>english</c> (Coding.Text.EnglishCaptionCoder).</summary>
    public const int CaptionCoder = 1;

    /// <summary>The sketch coder new records use: <c>mix3</c> (Coding.MixingSketchCoder).</summary>
    public const int SketchCoder = 1;

    /// <summary>Sketch area the usual divisor is chosen for: a 768x512 image gets a 192x128 sketch.</summary>
    public const int SketchPixels = 192 * 128;

    /// <summary>Record budget without -MaxBytes: 768x512 at 0.006 bpp is 295 bytes; 288 leaves room for the rounding.</summary>
    public const int RecordBudgetBytes = 288;

    /// <summary>The name -SketchModel takes for the built-in edge detector (the default; no pack is named this).</summary>
    public const string BuiltinSketchDetector = "builtin";

    /// <summary>Images (and records) with more pixels are refused before any pixel is decoded (-MaxPixels).</summary>
    public const long MaxImagePixels = 100_000_000;
}
