using TextSketch.Core.Caption;
using TextSketch.Core.Color;
using TextSketch.Core.Sketch;

namespace TextSketch.Core.Format;

/// <summary>The coded sketch layer: its bitmap, the divisor that fixes its size, and the coder that codes it.</summary>
public sealed record SketchLayer(BitPlane Bitmap, int Divisor, int CoderId);

/// <summary>Which of 2^<see cref="Bits"/> candidate records the encoder found best (candidate selection). The index
/// changes the record's bytes, so each candidate has its own checksum and hence its own decoder seed.</summary>
public sealed record CandidateChoice(int Bits, int Index)
{
    public const int MaxBits = 6;
}

/// <summary>Everything a .tsk record holds, decoded.</summary>
public sealed record TskDocument
{
    public required int Width { get; init; }

    public required int Height { get; init; }

    public TextSketchMode Mode { get; init; }

    /// <summary>Null when the record has no caption (then <see cref="CaptionSource"/> is None).</summary>
    public string? Caption { get; init; }

    public CaptionSource CaptionSource { get; init; }

    /// <summary>The coder the caption is stored with (the encoder chooses it; see <see cref="Coding.CaptionCoders"/>).</summary>
    public int CaptionCoder { get; init; } = TextSketchDefaults.CaptionCoder;

    public ColorHint? Color { get; init; }

    /// <summary>Whether the record carries colour the decoders can start from. A version-1 record's 12-cell colour
    /// hint counts: it is the smallest setting of the colour layer (its cells' mean colours are real colour data,
    /// which the weight-free decoders paint and the diffusion decoder's img2img start encodes). Records without
    /// colour (Text mode) answer false.</summary>
    public bool HasColorLayer => Color is not null;

    /// <summary>Present exactly when <see cref="Mode"/> is TextSketch.</summary>
    public SketchLayer? Sketch { get; init; }

    /// <summary>Which detector drew the sketch (BuiltIn in Text mode, which has none).</summary>
    public SketchSource SketchSource { get; init; }

    /// <summary>A decoder seed chosen by the encoder; null means "derive it from the record's checksum".</summary>
    public int? ExplicitSeed { get; init; }

    /// <summary>The seed candidate the encoder picked (-Candidates); null when it did not choose.</summary>
    public CandidateChoice? Candidate { get; init; }
}
