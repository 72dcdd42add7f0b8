using TextSketch.Core.Format;
using TextSketch.Core.Models;
using TextSketch.Core.Onnx;

namespace TextSketch.Core.Decoding.Diffusion;

/// <summary>The paper's decoder as an <see cref="ITskDecoder"/>: the <see cref="DiffusionPipeline"/> of one installed
/// pack, opened at <see cref="Prepare"/>, decoding one record at a time on the calling thread.</summary>
public sealed class DiffusionDecoder : ITskDecoder
{
    private readonly InstalledPack _pack;
    private readonly ExecutionDevice _device;
    private DiffusionPipeline? _pipeline;

    private DiffusionDecoder(InstalledPack pack, ExecutionDevice device)
    {
        _pack = pack;
        _device = device;
    }

    public static TskDecoderEntry Entry { get; } = new("Diffusion", "Stable Diffusion + ControlNet guided by the sketch and the caption", Availability, Open)
    {
        NeedsWeights = true,
    };

    public string Name => Entry.Name;

    public bool RunsInParallel => false;

    /// <summary>The pack it decodes with.</summary>
    public string PackName => _pack.Name;

    /// <summary>The pack <paramref name="options"/> name (-ModelPack), else Auto's (<see cref="DiffusionPacks"/>);
    /// a missing pack names the install command.</summary>
    public static DiffusionDecoder Open(DecodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string root = ModelPaths.ResolveRoot(options.ModelRoot);
        InstalledPack pack = options.ModelPack is not null
            ? DiffusionPacks.Require(root, options.ModelPack)
            : DiffusionPacks.FindDefault(root) ?? throw ModelPackException.NotInstalled(DiffusionPacks.Preferred[0], root);
        return new DiffusionDecoder(pack, options.Device);
    }

    public void Prepare(IMessageSink messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (_pipeline is not null)
        {
            return;
        }

        messages.Verbose($"Opening the diffusion pack '{_pack.Name}' from '{_pack.Directory}'.");
        _pipeline = DiffusionPipeline.Open(_pack, _device);
        if (_pipeline.FallbackReason is string reason)
        {
            messages.Warning($"The diffusion decoder runs on the CPU because CUDA cannot be used: {CudaLibraries.Explain(reason)}. " +
                "Expect minutes per real 512 px image instead of seconds.");
        }

        messages.Verbose($"Diffusion decoder: pack '{_pipeline.PackName}' on {_pipeline.ProviderName}.");
    }

    public DecodedImage Decode(TskRecord record, DecodeOptions options, IProgress<DecodeProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(options);
        DiffusionPipeline pipeline = _pipeline ?? throw new InvalidOperationException("Prepare the decoder before decoding.");
        var request = new DiffusionRequest
        {
            Seed = options.Seed ?? record.Seed,
            Steps = options.Steps,
            Scheduler = options.Scheduler,
            GuidanceScale = options.GuidanceScale,
            Strength = options.Strength,
        };
        DiffusionResult result = pipeline.Decode(record.Document, request, progress is null ? null : progress.Report, cancellationToken);
        return new DecodedImage(result.Image, $"(seed {request.Seed}): {result.Timings}");
    }

    public void Dispose()
    {
        _pipeline?.Dispose();
        _pipeline = null;
    }

    /// <summary>Auto may use it when -ModelPack names a pack (a missing one is then an error, not a fallback) or a
    /// diffusion pack is installed.</summary>
    private static DecoderUnavailable? Availability(DecodeOptions options) =>
        options.ModelPack is not null || DiffusionPacks.FindDefault(ModelPaths.ResolveRoot(options.ModelRoot)) is not null
            ? null
            : new DecoderUnavailable("No diffusion model pack is installed", $"Install one with: Install-TextSketchModel -Name {DiffusionPacks.Preferred[0]}");
}
