using System.Globalization;
using System.Runtime.ExceptionServices;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Models;
using TextSketch.Core.Onnx;
using TextSketch.Core.Sketch;

namespace TextSketch.Core.Decoding.Diffusion;

/// <summary>
/// The paper's decoder as an <see cref="ITskDecoder"/>: the <see cref="DiffusionPipeline"/> of an installed pack,
/// decoding one record at a time on the calling thread. A record with a colour layer starts from its weight-free
/// reconstruction (<see cref="TskDecoders.WeightFree"/>, asked through the registry, so it is whatever decoder that
/// is) at the strength <see cref="DiffusionPipeline.StrengthFor"/> gives; colours and layout then come from the
/// record, detail from the model. A pack named with -ModelPack decodes every record and opens at
/// <see cref="Prepare"/>. Without one each record goes to the pack Auto prefers for its sketch model
/// (<see cref="DiffusionPacks.PreferredFor"/>), found and opened the first time a record needs it: a run whose
/// records all route to sd15-softedge never loads (or needs) sd15-canny. A pack that fails to open fails the
/// records routed to it, each with the same error, and is not retried.
/// </summary>
public sealed class DiffusionDecoder : ITskDecoder
{
    private readonly InstalledPack? _named;
    private readonly string _root;
    private readonly DecodeOptions _options;
    private readonly Dictionary<SketchSource, InstalledPack> _routes = [];
    private readonly Dictionary<string, DiffusionPipeline> _pipelines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ExceptionDispatchInfo> _failed = new(StringComparer.Ordinal);
    private IMessageSink? _messages;
    private ITskDecoder? _weightFree;
    private bool _warnedCpu;

    private DiffusionDecoder(InstalledPack? named, string root, DecodeOptions options)
    {
        _named = named;
        _root = root;
        _options = options;
    }

    public static TskDecoderEntry Entry { get; } = new("Diffusion", "Stable Diffusion + ControlNet guided by the sketch and the caption", Availability, Open)
    {
        NeedsWeights = true,
    };

    public string Name => Entry.Name;

    public bool RunsInParallel => false;

    /// <summary>The pack it decodes with: the named one, else Auto's for the built-in detector's sketches (found, not opened).</summary>
    public string PackName => (_named ?? RouteOf(SketchSource.BuiltIn)).Name;

    /// <summary>The pack <paramref name="options"/> name (-ModelPack), required now; else Auto's, which needs some
    /// diffusion pack installed and is chosen per record (<see cref="DiffusionPacks"/>). A missing pack names the
    /// install command. Nothing is loaded here.</summary>
    public static DiffusionDecoder Open(DecodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string root = ModelPaths.ResolveRoot(options.ModelRoot);
        if (options.ModelPack is not null)
        {
            return new DiffusionDecoder(DiffusionPacks.Require(root, options.ModelPack), root, options);
        }

        _ = DiffusionPacks.FindDefault(root) ?? throw ModelPackException.NotInstalled(DiffusionPacks.Preferred[0], root);
        return new DiffusionDecoder(null, root, options);
    }

    /// <summary>A decoder for a pack already found (candidate selection decodes exactly as a default Expand does).</summary>
    public static DiffusionDecoder Open(InstalledPack pack, ExecutionDevice device)
    {
        ArgumentNullException.ThrowIfNull(pack);
        return new DiffusionDecoder(pack, Path.GetDirectoryName(pack.Directory) ?? pack.Directory,
            new DecodeOptions { Decoder = Entry.Name, ModelPack = pack.Name, Device = device });
    }

    /// <summary>Opens the weight-free decoder and a named pack (so a broken -ModelPack fails before anything is
    /// written); Auto's packs open with their first record.</summary>
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
        if (_named is not null)
        {
            PipelineOf(_named);
        }
    }

    public DecodedImage Decode(TskRecord record, DecodeOptions options, IProgress<DecodeProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(options);
        if (_messages is null)
        {
            throw new InvalidOperationException("Prepare the decoder before decoding.");
        }

        DiffusionPipeline pipeline = PipelineOf(_named ?? RouteOf(record.Document.SketchSource));
        double strength = pipeline.StrengthFor(record.Document, options.Strength, options.Steps);
        // The start image is only made when a start from it runs (strength below 1).
        // The start is the picture, never its ink (-Outline is the weight-free decoder's look, not the record's colour).
        RgbImage? init = strength < 1 ? _weightFree!.Decode(record, options with { Outline = false }, null, cancellationToken).Image : null;
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

    /// <summary>The pack Auto uses for sketches of <paramref name="source"/>, found the first time one is asked for.</summary>
    private InstalledPack RouteOf(SketchSource source)
    {
        if (!_routes.TryGetValue(source, out InstalledPack? pack))
        {
            pack = DiffusionPacks.FindDefault(_root, source) ?? throw ModelPackException.NotInstalled(DiffusionPacks.PreferredFor(source)[0], _root);
            _routes[source] = pack;
        }

        return pack;
    }

    /// <summary>The pack's pipeline, opened (and its warnings given) the first time; a pack that failed to open
    /// gives its error again instead of loading again.</summary>
    private DiffusionPipeline PipelineOf(InstalledPack pack)
    {
        if (_pipelines.TryGetValue(pack.Name, out DiffusionPipeline? open))
        {
            return open;
        }

        _failed.GetValueOrDefault(pack.Name)?.Throw();
        IMessageSink messages = _messages!;
        messages.Verbose($"Opening the diffusion pack '{pack.Name}' from '{pack.Directory}'.");
        DiffusionPipeline pipeline;
        try
        {
            pipeline = DiffusionPipeline.Open(pack, _options.Device);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _failed[pack.Name] = ExceptionDispatchInfo.Capture(e);
            throw;
        }

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
