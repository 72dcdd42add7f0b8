using TextSketch.Core.Decoding.Diffusion.Schedulers;
using TextSketch.Core.Onnx;

namespace TextSketch.Core.Decoding;

/// <summary>How to decode (Expand-TextSketch's parameters): which decoder, where its packs are, and the overrides
/// each decoder may honour. Null means "the record's or the pack's own value".</summary>
public sealed record DecodeOptions
{
    /// <summary>A name from <see cref="TskDecoders.Names"/>, or <see cref="TskDecoders.Auto"/> (case-insensitive).</summary>
    public string Decoder { get; init; } = TskDecoders.Auto;

    /// <summary>The model root (null: $env:TEXTSKETCH_MODELS, else the user's data folder).</summary>
    public string? ModelRoot { get; init; }

    /// <summary>The diffusion pack (null: sd15-canny, else sd15-hed, else any installed diffusion pack).</summary>
    public string? ModelPack { get; init; }

    /// <summary>The decoder's seed (null: the record's own <see cref="Format.TskRecord.Seed"/>).</summary>
    public int? Seed { get; init; }

    public int? Steps { get; init; }

    public SchedulerKind? Scheduler { get; init; }

    public double? GuidanceScale { get; init; }

    public double? Strength { get; init; }

    /// <summary>Ink the sketch's curves over the Paint decoder's picture (-Outline); other decoders ignore it.</summary>
    public bool Outline { get; init; }

    /// <summary>Records claiming more pixels are refused before decoding (<see cref="DecodeLimits"/>).</summary>
    public long MaxPixels { get; init; } = TextSketchDefaults.MaxImagePixels;

    public ExecutionDevice Device { get; init; } = ExecutionDevice.Auto;

    /// <summary>The overrides given that only a generative decoder uses (the seed and sampling settings), as
    /// Expand-TextSketch names them.</summary>
    public IReadOnlyList<string> SamplingOverrides() =>
    [
        .. Seed is null ? Array.Empty<string>() : ["-Seed"],
        .. Steps is null ? Array.Empty<string>() : ["-Steps"],
        .. Scheduler is null ? Array.Empty<string>() : ["-Scheduler"],
        .. GuidanceScale is null ? Array.Empty<string>() : ["-GuidanceScale"],
        .. Strength is null ? Array.Empty<string>() : ["-Strength"],
    ];
}
