using TextSketch.Core.Caption;
using TextSketch.Core.Coding.ColorLayer;
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
    /// <summary>The format version the record is written in: <see cref="TskFile.MajorVersion"/> (2) for every new
    /// record; 1 for records read from version-1 files, which write back as they were.</summary>
    public int Version { get; init; } = TskFile.MajorVersion;

    public required int Width { get; init; }

    public required int Height { get; init; }

    public TextSketchMode Mode { get; init; }

    /// <summary>Null when the record has no caption (then <see cref="CaptionSource"/> is None).</summary>
    public string? Caption { get; init; }

    public CaptionSource CaptionSource { get; init; }

    /// <summary>The coder the caption is stored with (the encoder chooses it; see <see cref="Coding.CaptionCoders"/>).</summary>
    public int CaptionCoder { get; init; } = TextSketchDefaults.CaptionCoder;

    /// <summary>Version 2: the colour layer (<see cref="ColorLayerCoder"/>), as coded; null without colour.</summary>
    public LayerReconstruction? ColorLayer { get; init; }

    /// <summary>Version 1 only: the 12-cell colour hint that version 2's <see cref="ColorLayer"/> replaced.</summary>
    public ColorHint? Color { get; init; }

    /// <summary>Whether the record carries colour the decoders can start from: a version-2 colour layer, or a
    /// version-1 colour hint (the colour layer's smallest setting, which the weight-free decoders paint and the
    /// diffusion decoder's img2img start encodes). Records without colour (Text mode) answer false.</summary>
    public bool HasColorLayer => ColorLayer is not null || Color is not null;

    /// <summary>Present exactly when <see cref="Mode"/> is TextSketch.</summary>
    public SketchLayer? Sketch { get; init; }

    /// <summary>Which detector drew the sketch (BuiltIn in Text mode, which has none).</summary>
    public SketchSource SketchSource { get; init; }

    /// <summary>A decoder seed chosen by the encoder; null means "derive it from the record's checksum".</summary>
    public int? ExplicitSeed { get; init; }

    /// <summary>The seed candidate the encoder picked (-Candidates); null when it did not choose.</summary>
    public CandidateChoice? Candidate { get; init; }
}
