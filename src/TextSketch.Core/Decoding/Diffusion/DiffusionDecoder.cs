using System.Globalization;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Models;
using TextSketch.Core.Onnx;
using TextSketch.Core.Sketch;

namespace TextSketch.Core.Decoding.Diffusion;

/// <summary>
/// The paper's decoder as an <see cref="ITskDecoder"/>: the <see cref="DiffusionPipeline"/> of one installed pack,
/// opened at <see cref="Prepare"/>, decoding one record at a time on the calling thread. A record with a colour layer
/// starts from its weight-free reconstruction (<see cref="TskDecoders.WeightFree"/>, asked through the registry, so
/// it is whatever decoder that is) at the strength <see cref="DiffusionPipeline.StrengthFor"/> gives; colours and
/// layout then come from the record, detail from the model. Without -ModelPack each record goes to the pack Auto
/// prefers for its sketch model (<see cref="DiffusionPacks.PreferredFor"/>), opened the first time a record needs it.
/// </summary>
public sealed class DiffusionDecoder : ITskDecoder
{
    private readonly InstalledPack _pack;
    private readonly DecodeOptions _options;
    private readonly string? _autoRoot;
    private readonly Dictionary<string, DiffusionPipeline> _pipelines = new(StringComparer.Ordinal);
    private IMessageSink? _messages;
    private ITskDecoder? _weightFree;
    private bool _warnedCpu;

    private DiffusionDecoder(InstalledPack pack, DecodeOptions options, string? autoRoot)
    {
        _pack = pack;
        _options = options;
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
        return new DiffusionDecoder(pack, options, options.ModelPack is null ? root : null);
    }

    /// <summary>A decoder for a pack already found (candidate selection decodes exactly as a default Expand does).</summary>
    public static DiffusionDecoder Open(InstalledPack pack, ExecutionDevice device)
    {
        ArgumentNullException.ThrowIfNull(pack);
        return new DiffusionDecoder(pack, new DecodeOptions { Decoder = Entry.Name, ModelPack = pack.Name, Device = device }, null);
    }

    public void Prepare(IMessageSink messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (_messages is not null)
        {
            return;
        }

        _messages = messages;
        _weightFree = TskDecoders.WeightFree.Open(_options);
        _weightFree.Prepare(messages);
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
        double strength = pipeline.StrengthFor(record.Document, options.Strength, options.Steps);
        // The start image is only made when a start from it runs (strength below 1).
        RgbImage? init = strength < 1 ? _weightFree!.Decode(record, options, null, cancellationToken).Image : null;
        var request = new DiffusionRequest
        {
            Seed = options.Seed ?? record.Seed,
            Steps = options.Steps,
            Scheduler = options.Scheduler,
            GuidanceScale = options.GuidanceScale,
            Strength = strength,
            InitImage = init,
        };
        DiffusionResult result = pipeline.Decode(record.Document, request, progress is null ? null : progress.Report, cancellationToken);
        string start = init is null ? string.Empty : $", started from the {_weightFree!.Name} reconstruction";
        return new DecodedImage(result.Image, $"(seed {request.Seed}{start}): {result.Timings}");
    }

    public void Dispose()
    {
        foreach (DiffusionPipeline pipeline in _pipelines.Values)
        {
            pipeline.Dispose();
        }

        _pipelines.Clear();
        _weightFree?.Dispose();
        _weightFree = null;
    }

    /// <summary>The pack's pipeline, opened (and its warnings given) the first time.</summary>
    private DiffusionPipeline PipelineOf(InstalledPack pack)
    {
        if (_pipelines.TryGetValue(pack.Name, out DiffusionPipeline? open))
        {
            return open;
        }

        IMessageSink messages = _messages!;
        messages.Verbose($"Opening the diffusion pack '{pack.Name}' from '{pack.Directory}'.");
        DiffusionPipeline pipeline = DiffusionPipeline.Open(pack, _options.Device);
        _pipelines[pack.Name] = pipeline;
        if (pipeline.FallbackReason is string reason && !_warnedCpu)
        {
            _warnedCpu = true;
            messages.Warning($"The diffusion decoder runs on the CPU because CUDA cannot be used: {CudaLibraries.Explain(reason)}. " +
                "Expect minutes per real 512 px image instead of seconds.");
        }

        if (!pipeline.HasVaeEncoder && pipeline.Settings.Strength < 1 && _options.Strength is null)
        {
            messages.Warning(string.Create(CultureInfo.InvariantCulture,
                $"The model pack '{pack.Name}' has no VAE encoder (role {DiffusionPipeline.VaeEncoderRole}), so records start from pure noise (strength 1) " +
                $"instead of from their colour layer at the pack's strength {pipeline.Settings.Strength}. Add vae_encoder/model.onnx to the pack, or use -Strength 1 to silence this warning."));
        }

        if (pipeline.VaeEncoderNondeterminism is string why && _options.Strength is not 1.0)
        {
            messages.Warning($"Images that start from a record's colour layer may differ between runs with the pack '{pack.Name}': {why}. Use -Strength 1 for reproducible images.");
        }

        messages.Verbose($"Diffusion decoder: pack '{pipeline.PackName}' on {pipeline.ProviderName}; records with a colour layer start from the {_weightFree!.Name} decoder's reconstruction.");
        return pipeline;
    }

    /// <summary>Auto may use it when -ModelPack names a pack (a missing one is then an error, not a fallback) or a
    /// diffusion pack is installed.</summary>
    private static DecoderUnavailable? Availability(DecodeOptions options) =>
        options.ModelPack is not null || DiffusionPacks.FindDefault(ModelPaths.ResolveRoot(options.ModelRoot)) is not null
            ? null
            : new DecoderUnavailable("No diffusion model pack is installed", $"Install one with: Install-TextSketchModel -Name {DiffusionPacks.Preferred[0]}");
}
