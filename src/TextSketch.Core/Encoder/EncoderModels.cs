using TextSketch.Core.Caption;
using TextSketch.Core.Clip;
using TextSketch.Core.Decoding.Diffusion;
using TextSketch.Core.Models;
using TextSketch.Core.Models.Install;
using TextSketch.Core.Onnx;
using TextSketch.Core.Sketch;

namespace TextSketch.Core.Encoder;

/// <summary>Which model packs the encoder should use (-Captioner, -SketchModel, -ModelRoot, -PromptTokens).</summary>
public sealed record EncoderModelRequest
{
    /// <summary>A captioner pack (kind Captioner, e.g. florence2-base) or a CLIP pack (prompt inversion).</summary>
    public string? Captioner { get; init; }

    /// <summary>A sketch pack (kind Sketch, e.g. hed); null keeps the built-in detector.</summary>
    public string? SketchModel { get; init; }

    public string? ModelRoot { get; init; }

    /// <summary>Prompt length for CLIP prompt inversion.</summary>
    public int? PromptTokens { get; init; }

    public ExecutionDevice Device { get; init; } = ExecutionDevice.Auto;

    /// <summary>Candidate selection: decode this many seeds and keep the best (needs a diffusion pack and clip-vit-b32).</summary>
    public int? Candidates { get; init; }

    /// <summary>The diffusion pack candidates are decoded with; null: the one Expand-TextSketch's Auto would use.</summary>
    public string? DiffusionPack { get; init; }

    public bool IsEmpty => Captioner is null && SketchModel is null && Candidates is null;
}

/// <summary>
/// The model packs an encoding job runs, opened once (sessions created, signatures checked) and shared by every
/// item and thread of the job. Encoder sessions run single-threaded ops so a record's bytes never depend on the
/// thread count. The models own their sessions; Dispose releases them all.
/// </summary>
public sealed class EncoderModels : IDisposable
{
    private readonly OnnxSessionFactory? _sessions;
    private readonly List<IDisposable> _owned;

    private EncoderModels(OnnxSessionFactory? sessions, ICaptioner? captioner, ISketchDetector? sketchDetector, List<IDisposable> owned,
        ICandidateSelector? candidateSelector = null)
    {
        _sessions = sessions;
        Captioner = captioner;
        SketchDetector = sketchDetector;
        _owned = owned;
        CandidateSelector = candidateSelector;
    }

    public static EncoderModels None { get; } = new(null, null, null, []);

    public ICandidateSelector? CandidateSelector { get; }

    public ICaptioner? Captioner { get; }

    public ISketchDetector? SketchDetector { get; }

    /// <summary>Why the models run on the CPU although CUDA was wanted (null when they do not, or no model runs).</summary>
    public string? FallbackReason => _sessions?.FallbackReason;

    /// <summary>Opens the requested packs; a missing pack names the install command, a wrong export lists the
    /// expected and found inputs.</summary>
    public static EncoderModels Open(EncoderModelRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.PromptTokens is not null && request.Captioner is null)
        {
            throw new TextSketchException("PromptTokensWithoutCaptioner", "-PromptTokens only applies with a CLIP captioner pack (-Captioner clip-vit-b32).");
        }

        if (request.IsEmpty)
        {
            return None;
        }

        string root = ModelPaths.ResolveRoot(request.ModelRoot);
        InstalledPack? sketchPack = request.SketchModel is null ? null : PackNames.Require(root, request.SketchModel, "-SketchModel", ModelPackKind.Sketch);
        InstalledPack? captionPack = request.Captioner is null ? null : PackNames.Require(root, request.Captioner, "-Captioner", ModelPackKind.Captioner, ModelPackKind.Clip);
        var sessions = new OnnxSessionFactory(request.Device, intraOpThreads: 1);
        ClipEncoder? clip = null;
        var owned = new List<IDisposable>();
        try
        {
            ISketchDetector? detector = sketchPack?.Manifest.Kind switch
            {
                null => null,
                ModelPackKind.Sketch => Own(SketchModels.Open(sketchPack, sessions)),
                ModelPackKind kind => throw WrongKind(sketchPack.Name, kind, "-SketchModel", "Sketch"),
            };

            ICaptioner? captioner = null;
            if (captionPack is not null)
            {
                switch (captionPack.Manifest.Kind)
                {
                    case ModelPackKind.Captioner:
                        if (request.PromptTokens is not null)
                        {
                            throw new TextSketchException("PromptTokensWithoutCaptioner",
                                $"-PromptTokens applies to CLIP prompt inversion; '{captionPack.Name}' is a captioner that writes its own captions.");
                        }

                        captioner = Own(new Florence2Captioner(captionPack, sessions));
                        break;
                    case ModelPackKind.Clip:
                        clip = Own(new ClipEncoder(captionPack, sessions));
                        captioner = new ClipPromptInverter(clip, request.PromptTokens ?? ClipPromptInverter.DefaultPromptTokens);
                        break;
                    default:
                        throw WrongKind(captionPack.Name, captionPack.Manifest.Kind, "-Captioner", "Captioner or Clip");
                }
            }

            if (request.Candidates is not int count)
            {
                return new EncoderModels(sessions, captioner, detector, owned);
            }

            // Candidate selection decodes with the pack a default Expand-TextSketch would use for these sketches, and
            // compares with CLIP.
            SketchSource sketches = detector?.Source ?? SketchSource.BuiltIn;
            InstalledPack diffusionPack = request.DiffusionPack is not null
                ? DiffusionPacks.Require(root, request.DiffusionPack)
                : DiffusionPacks.FindDefault(root, sketches) ?? throw ModelPackException.NotInstalled(DiffusionPacks.PreferredFor(sketches)[0], root);
            InstalledPack clipPack = InstalledPack.Require(root, ClipEncoder.PackName);
            if (clipPack.Manifest.Kind != ModelPackKind.Clip)
            {
                throw WrongKind(clipPack.Name, clipPack.Manifest.Kind, "-Candidates", "Clip");
            }

            clip ??= Own(new ClipEncoder(clipPack, sessions));
            DiffusionDecoder decoder = Own(DiffusionDecoder.Open(diffusionPack, request.Device));
            decoder.Prepare(UnreportedMessages.Instance);
            return new EncoderModels(sessions, captioner, detector, owned, new CandidateSelector(decoder, clip, count));
        }
        catch
        {
            Release(owned);
            throw;
        }

        T Own<T>(T model) where T : IDisposable
        {
            owned.Add(model);
            return model;
        }
    }

    /// <summary>The options with these models plugged in.</summary>
    public EncoderOptions Apply(EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options with { Captioner = Captioner, SketchDetector = SketchDetector, CandidateSelector = CandidateSelector };
    }

    public void Dispose() => Release(_owned);

    /// <summary>Releases models in the reverse order of opening.</summary>
    private static void Release(List<IDisposable> owned)
    {
        for (int i = owned.Count - 1; i >= 0; i--)
        {
            owned[i].Dispose();
        }

        owned.Clear();
    }

    private static ModelPackException WrongKind(string pack, ModelPackKind kind, string parameter, string wanted) =>
        new("ModelPackWrongKind", $"The pack '{pack}' is a {kind} pack; {parameter} needs a {wanted} pack.");

    /// <summary>Where the candidate decoder's preparation messages go: the encode job reports the models' CPU fallback
    /// itself (<see cref="FallbackReason"/>), and the rest only matter to Expand-TextSketch's own run.</summary>
    private sealed class UnreportedMessages : IMessageSink
    {
        public static UnreportedMessages Instance { get; } = new();

        public void Warning(string message)
        {
        }

        public void Verbose(string message)
        {
        }
    }
}
