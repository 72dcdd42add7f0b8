using TextSketch.Core.Decoding.Diffusion.Schedulers;

namespace TextSketch.Core.Decoding.Diffusion;

/// <summary>One decode: the seed (the record's, or -Seed) and any overrides of the pack's defaults.</summary>
public sealed record DiffusionRequest
{
    public required int Seed { get; init; }

    public int? Steps { get; init; }

    public SchedulerKind? Scheduler { get; init; }

    public double? GuidanceScale { get; init; }

    /// <summary>Img2img strength from the colour hint (1 = pure noise); null takes the pack's default.</summary>
    public double? Strength { get; init; }
}

/// <summary>Where one decode's time went (for -Verbose and the benchmark).</summary>
public sealed record DiffusionTimings
{
    public TimeSpan TextEncoder { get; init; }

    public TimeSpan VaeEncoder { get; init; }

    public TimeSpan ControlNet { get; init; }

    public TimeSpan Unet { get; init; }

    public TimeSpan Scheduler { get; init; }

    public TimeSpan VaeDecoder { get; init; }

    public int Steps { get; init; }

    public int ModelWidth { get; init; }

    public int ModelHeight { get; init; }

    public override string ToString() =>
        $"{ModelWidth}x{ModelHeight}, {Steps} steps: text encoder {Ms(TextEncoder)}, controlnet {Ms(ControlNet)} ({PerStep(ControlNet)}/step), " +
        $"unet {Ms(Unet)} ({PerStep(Unet)}/step), scheduler {Ms(Scheduler)}, vae encoder {Ms(VaeEncoder)}, vae decoder {Ms(VaeDecoder)}";

    private string PerStep(TimeSpan total) => Steps == 0 ? "-" : Ms(total / Steps);

    private static string Ms(TimeSpan span) => $"{span.TotalMilliseconds:0.0} ms";
}

/// <summary>A decoded image and how long its stages took.</summary>
public sealed record DiffusionResult(Imaging.RgbImage Image, DiffusionTimings Timings);
