using TextSketch.Core.Decoding.Diffusion.Schedulers;

namespace TextSketch.Core.Decoding.Diffusion;

/// <summary>One decode: the seed (the record's, or -Seed) and any overrides of the pack's defaults.</summary>
public sealed record DiffusionRequest
{
    public required int Seed { get; init; }

    public int? Steps { get; init; }

    public SchedulerKind? Scheduler { get; init; }

    public double? GuidanceScale { get; init; }

    /// <summary>Img2img strength in (0, 1]: floor(steps · strength) steps run from <see cref="InitImage"/> noised to
    /// that point; 1 = pure noise (text + sketch only). Null: the pack's default when there is an init image, else 1.</summary>
    public double? Strength { get; init; }

    /// <summary>The image an img2img start encodes: the record's weight-free reconstruction, at any size (it is
    /// resized to the model resolution). Required for a strength below 1; unused at 1.</summary>
    public Imaging.RgbImage? InitImage { get; init; }
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

    /// <summary>Denoising steps that ran: all of them at strength 1, floor(steps · strength) below.</summary>
    public int Steps { get; init; }

    /// <summary>The strength the decode ran at (1 = pure text + sketch).</summary>
    public double Strength { get; init; } = 1.0;

    /// <summary>The timestep of the first step that ran (the noise level the start was diffused to).</summary>
    public double StartTimestep { get; init; }

    public int ModelWidth { get; init; }

    public int ModelHeight { get; init; }

    public override string ToString() =>
        $"{ModelWidth}x{ModelHeight}, {Steps} steps{Start}: text encoder {Ms(TextEncoder)}, controlnet {Ms(ControlNet)} ({PerStep(ControlNet)}/step), " +
        $"unet {Ms(Unet)} ({PerStep(Unet)}/step), scheduler {Ms(Scheduler)}, vae encoder {Ms(VaeEncoder)}, vae decoder {Ms(VaeDecoder)}";

    private string Start => Strength < 1 ? FormattableString.Invariant($" from timestep {StartTimestep:0.###} (strength {Strength:0.###})") : string.Empty;

    private string PerStep(TimeSpan total) => Steps == 0 ? "-" : Ms(total / Steps);

    private static string Ms(TimeSpan span) => $"{span.TotalMilliseconds:0.0} ms";
}

/// <summary>A decoded image and how long its stages took.</summary>
public sealed record DiffusionResult(Imaging.RgbImage Image, DiffusionTimings Timings);
