using TextSketch.Core.Format;
using TextSketch.Core.Models;
using TextSketch.Core.Onnx;
using TextSketch.Core.Sketch;

namespace TextSketch.Core.Decoding.Diffusion;

/// <summary>The paper's decoder as an <see cref="ITskDecoder"/>: the <see cref="DiffusionPipeline"/> of an installed
/// pack, opened at <see cref="Prepare"/>, decoding one record at a time on the calling thread. Without -ModelPack,
/// each record goes to the pack Auto prefers for its sketch model (<see cref="DiffusionPacks.PreferredFor"/>), opened
/// the first time a record needs it.</summary>
public sealed class DiffusionDecoder : ITskDecoder
{
    private readonly InstalledPack _pack;
    private readonly ExecutionDevice _device;
    private readonly string? _autoRoot;
    private readonly Dictionary<string, DiffusionPipeline> _pipelines = new(StringComparer.Ordinal);
    private IMessageSink? _messages;
    private bool _warned;

    private DiffusionDecoder(InstalledPack pack, ExecutionDevice device, string? autoRoot)
    {
        _pack = pack;
        _device = device;
        _autoRoot = autoRoot;
    }

    public static TskDecoderEntry Entry { get; } = new("Diffusion", "Stable Diffusion + ControlNet guided by the sketch and the caption", Availability, Open)
    {
        NeedsWeights = true,
    };

    public string Name => Entry.Name;

    public bool RunsInParallel => false;

    /// <summary>The pack it decodes with: the named one, else Auto's for the built-in detector's sketches.</summary>
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
        return new DiffusionDecoder(pack, options.Device, options.ModelPack is null ? root : null);
    }

    public void Prepare(IMessageSink messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        _messages = messages;
        PipelineOf(_pack);
    }

    public DecodedImage Decode(TskRecord record, DecodeOptions options, IProgress<DecodeProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(options);
        if (_messages is null)
        {
            throw new InvalidOperationException("Prepare the decoder before decoding.");
        }

        // Auto: the ControlNet trained on this record's kind of sketch, when one is installed.
        InstalledPack pack = _autoRoot is not null && record.Document.SketchSource != SketchSource.BuiltIn
            ? DiffusionPacks.FindDefault(_autoRoot, record.Document.SketchSource) ?? _pack
            : _pack;
        DiffusionPipeline pipeline = PipelineOf(pack);
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
        foreach (DiffusionPipeline pipeline in _pipelines.Values)
        {
            pipeline.Dispose();
        }

        _pipelines.Clear();
    }

    private DiffusionPipeline PipelineOf(InstalledPack pack)
    {
        if (_pipelines.TryGetValue(pack.Name, out DiffusionPipeline? open))
        {
            return open;
        }

        IMessageSink messages = _messages!;
        messages.Verbose($"Opening the diffusion pack '{pack.Name}' from '{pack.Directory}'.");
        DiffusionPipeline pipeline = DiffusionPipeline.Open(pack, _device);
        _pipelines[pack.Name] = pipeline;
        if (pipeline.FallbackReason is string reason && !_warned)
        {
            _warned = true;
            messages.Warning($"The diffusion decoder runs on the CPU because CUDA cannot be used: {CudaLibraries.Explain(reason)}. " +
                "Expect minutes per real 512 px image instead of seconds.");
        }

        messages.Verbose($"Diffusion decoder: pack '{pipeline.PackName}' on {pipeline.ProviderName}.");
        return pipeline;
    }

    /// <summary>Auto may use it when -ModelPack names a pack (a missing one is then an error, not a fallback) or a
    /// diffusion pack is installed.</summary>
    private static DecoderUnavailable? Availability(DecodeOptions options) =>
        options.ModelPack is not null || DiffusionPacks.FindDefault(ModelPaths.ResolveRoot(options.ModelRoot)) is not null
            ? null
            : new DecoderUnavailable("No diffusion model pack is installed", $"Install one with: Install-TextSketchModel -Name {DiffusionPacks.Preferred[0]}");
}
