using System.Diagnostics;
using System.Management.Automation;
using TextSketch.Core.Decoding.Diffusion;
using TextSketch.Core.Decoding.Diffusion.Schedulers;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Jobs;
using TextSketch.Core.Models;
using TextSketch.Core.Onnx;
using TextSketch.Core.Decoding.Preview;
using TextSketch.Infrastructure;

namespace TextSketch.Commands;

/// <summary>Which decoder makes the image.</summary>
public enum TextSketchDecoder
{
    /// <summary>The best decoder installed: Diffusion when a diffusion pack is installed, else Preview (with a warning).</summary>
    Auto,

    /// <summary>No weights: colour layout shaped by the sketch, edges drawn.</summary>
    Preview,

    /// <summary>Stable Diffusion + ControlNet guided by the sketch and the caption (the paper's decoder; needs a pack).</summary>
    Diffusion,
}

/// <summary>Denoising schedulers of the diffusion decoder.</summary>
public enum TextSketchScheduler
{
    /// <summary>UniPC multistep (the paper's).</summary>
    UniPC,

    /// <summary>DDIM (deterministic, eta 0).</summary>
    DDIM,

    /// <summary>Euler (discrete).</summary>
    Euler,

    /// <summary>Latent Consistency Model sampling (for LCM-distilled UNets).</summary>
    LCM,
}

/// <summary>What Expand-TextSketch writes.</summary>
public enum TextSketchLayer
{
    /// <summary>The reconstructed image at the original size.</summary>
    Image,

    /// <summary>The decoded sketch bitmap itself, black edges on white, at the sketch's size.</summary>
    Sketch,
}

/// <summary>Output image formats.</summary>
public enum TextSketchImageFormat
{
    Png,
    Jpeg,
    Webp,
}

/// <summary>Decompresses TextSketch records to images (Expand-TextSketch).</summary>
[Cmdlet(VerbsData.Expand, "TextSketch", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExpandTextSketchCommand : PSCmdlet, IDisposable
{
    private const string InputObjectSet = "InputObject";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private readonly CancellationTokenSource _stopping = new();
    private OrderedWorkQueue<DecodeItem, DecodeOutcome>? _queue;
    private ProgressReporter? _progress;
    private string _destination = string.Empty;
    private bool _previewNoted;
    private InstalledPack? _diffusionPack;
    private DiffusionPipeline? _pipeline;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    public TextSketchRecord[] InputObject { get; set; } = [];

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>Folder for the images (created if missing).</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string DestinationPath { get; set; } = string.Empty;

    [Parameter]
    public TextSketchImageFormat Format { get; set; } = TextSketchImageFormat.Png;

    [Parameter]
    public TextSketchLayer Layer { get; set; } = TextSketchLayer.Image;

    [Parameter]
    public TextSketchDecoder Decoder { get; set; } = TextSketchDecoder.Auto;

    /// <summary>The diffusion pack to decode with (default: sd15-canny, else the first diffusion pack installed).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ModelPack { get; set; }

    /// <summary>The seed of the diffusion decoder's noise (default: each record's own Seed).</summary>
    [Parameter]
    public int? Seed { get; set; }

    /// <summary>Denoising steps (default: the pack's, 25).</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int? Steps { get; set; }

    /// <summary>Denoising scheduler (default: the pack's, UniPC).</summary>
    [Parameter]
    public TextSketchScheduler? Scheduler { get; set; }

    /// <summary>Classifier-free guidance scale (default: the pack's, 9; 1 or less turns guidance off).</summary>
    [Parameter]
    [ValidateRange(0.0, 50.0)]
    public double? GuidanceScale { get; set; }

    /// <summary>Start from the record's colour hint instead of pure noise: 1 = pure noise (default), lower keeps more of the hint's colours.</summary>
    [Parameter]
    [ValidateRange(0.01, 1.0)]
    public double? Strength { get; set; }

    /// <summary>Folder of installed model packs (default: $env:TEXTSKETCH_MODELS, else the user's local data folder).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ModelRoot { get; set; }

    /// <summary>Replace existing images.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Records claiming more pixels than this are refused (a corrupt or hostile record cannot exhaust memory).</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long MaxPixels { get; set; } = Core.TextSketchDefaults.MaxImagePixels;

    protected override void BeginProcessing()
    {
        try
        {
            _destination = PathResolver.ResolveDestination(this, DestinationPath);
        }
        catch (PSArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "DestinationInvalid", ErrorCategory.InvalidArgument, DestinationPath));
        }

        if (!Directory.Exists(_destination) && ShouldProcess(_destination, "Create folder"))
        {
            Directory.CreateDirectory(_destination);
        }

        _queue = new OrderedWorkQueue<DecodeItem, DecodeOutcome>(Run, Environment.ProcessorCount, _stopping.Token);
        _progress = new ProgressReporter(this, "Expanding TextSketch records");
        if (Layer == TextSketchLayer.Image)
        {
            _diffusionPack = FindDiffusionPack();
        }
    }

    /// <summary>The pack the diffusion decoder uses, or null for the Preview decoder.</summary>
    private InstalledPack? FindDiffusionPack()
    {
        if (Decoder == TextSketchDecoder.Preview)
        {
            return null;
        }

        string root;
        try
        {
            root = ModelPaths.ResolveRoot(ModelRoot is null ? null : PathResolver.ResolveDestination(this, ModelRoot));
        }
        catch (PSArgumentException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "ModelRootInvalid", ErrorCategory.InvalidArgument, ModelRoot));
            return null;
        }

        try
        {
            return ModelPack is not null || Decoder == TextSketchDecoder.Diffusion
                ? DiffusionPacks.Require(root, ModelPack)
                : DiffusionPacks.FindDefault(root);
        }
        catch (ModelPackException e)
        {
            ThrowTerminatingError(ErrorRecords.For(e, ModelPack ?? DiffusionPacks.Preferred[0]));
            return null;
        }
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            if (!MyInvocation.ExpectingInput)
            {
                _progress!.Total = (_progress.Total ?? 0) + InputObject.Length;
            }

            foreach (TextSketchRecord record in InputObject)
            {
                if (record is null)
                {
                    continue;
                }

                string name = record.Path ?? record.SourcePath ?? "record";
                Plan(new DecodeItem(name, record.Encoded, null, string.Empty));
            }

            return;
        }

        bool literal = ParameterSetName == LiteralPathSet;
        List<string> files = PathResolver.ResolveFiles(this, literal ? LiteralPath : Path, literal).ToList();
        if (!MyInvocation.ExpectingInput)
        {
            _progress!.Total = (_progress.Total ?? 0) + files.Count;
        }

        foreach (string file in files)
        {
            Plan(new DecodeItem(file, null, file, string.Empty));
        }
    }

    protected override void EndProcessing()
    {
        Emit(_queue!.TakeAll());
        _progress!.Complete();
        // Release the sessions (and their GPU memory) as soon as the last image is written.
        _pipeline?.Dispose();
        _pipeline = null;
    }

    private DiffusionPipeline OpenPipeline()
    {
        if (_pipeline is not null)
        {
            return _pipeline;
        }

        try
        {
            WriteVerbose($"Opening the diffusion pack '{_diffusionPack!.Name}' from '{_diffusionPack.Directory}'.");
            _pipeline = DiffusionPipeline.Open(_diffusionPack);
        }
        catch (Core.TextSketchException e)
        {
            ThrowTerminatingError(ErrorRecords.For(e, _diffusionPack!.Directory));
        }

        if (_pipeline!.FallbackReason is string reason)
        {
            WriteWarning($"The diffusion decoder runs on the CPU because CUDA cannot be used: {CudaLibraries.Explain(reason)}. " +
                "Expect minutes per real 512 px image instead of seconds.");
        }

        WriteVerbose($"Diffusion decoder: pack '{_pipeline.PackName}' on {_pipeline.ProviderName}.");
        return _pipeline;
    }

    private void DecodeWithDiffusion(DecodeItem item)
    {
        DiffusionPipeline pipeline = OpenPipeline();
        try
        {
            TskRecord record = item.Record ?? ReadRecord(item.File!);
            TskDocument document = record.Document;
            if ((long)document.Width * document.Height > MaxPixels)
            {
                throw new Core.TextSketchException("RecordTooLarge",
                    $"'{item.Name}' declares {document.Width}x{document.Height} pixels, over the limit of {MaxPixels:N0} (raise -MaxPixels if it is genuine).");
            }

            var request = new DiffusionRequest
            {
                Seed = Seed ?? record.Seed,
                Steps = Steps,
                Scheduler = Scheduler is TextSketchScheduler kind ? (SchedulerKind)(int)kind : null,
                GuidanceScale = GuidanceScale,
                Strength = Strength,
            };
            var stepProgress = new ProgressRecord(StepActivityId, $"Denoising {System.IO.Path.GetFileName(item.Name)}", "Starting");
            var lastUpdate = Stopwatch.StartNew();
            DiffusionResult result = pipeline.Decode(document, request, progress =>
            {
                if (lastUpdate.ElapsedMilliseconds < 100 && progress.Step != progress.TotalSteps)
                {
                    return;
                }

                lastUpdate.Restart();
                stepProgress.StatusDescription = $"Step {progress.Step} of {progress.TotalSteps}";
                stepProgress.PercentComplete = progress.Step * 100 / progress.TotalSteps;
                stepProgress.SecondsRemaining = (int)Math.Ceiling(progress.Remaining.TotalSeconds);
                WriteProgress(stepProgress);
            }, _stopping.Token);
            WriteProgress(new ProgressRecord(StepActivityId, stepProgress.Activity, "Done") { RecordType = ProgressRecordType.Completed });
            WriteVerbose($"'{item.Name}' (seed {request.Seed}): {result.Timings}");
            AtomicFile.Write(item.Output, stream => ImageWriter.Write(result.Image, stream, ToCore(Format)), Force);
            Emit([new DecodeOutcome(item, null)]);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            Emit([new DecodeOutcome(item, e)]);
        }
    }

    private const int StepActivityId = 0x7E5D;

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose()
    {
        _stopping.Cancel();
        _queue?.Dispose();
        _pipeline?.Dispose();
        _stopping.Dispose();
    }

    private void Plan(DecodeItem item)
    {
        string baseName = System.IO.Path.GetFileNameWithoutExtension(item.Name);
        string suffix = Layer == TextSketchLayer.Sketch ? ".sketch" : string.Empty;
        string output = System.IO.Path.Combine(_destination, baseName + suffix + ImageWriter.Extension(ToCore(Format)));
        if (!Force && File.Exists(output))
        {
            WriteError(ErrorRecords.For(new OutputExistsException(output), item.Name));
            _progress!.ItemDone(item.Name);
            return;
        }

        if (!ShouldProcess(output, $"Write the {Layer.ToString().ToLowerInvariant()} of '{item.Name}'"))
        {
            return;
        }

        if (Layer == TextSketchLayer.Image && !_previewNoted)
        {
            _previewNoted = true;
            if (Decoder == TextSketchDecoder.Auto && _diffusionPack is null)
            {
                WriteWarning("No diffusion model pack is installed, so images come from the Preview decoder " +
                    "(colour layout shaped by the sketch). Install one with: Install-TextSketchModel -Name sd15-canny. " +
                    "Use -Decoder Preview to silence this warning.");
            }
        }

        if (Layer == TextSketchLayer.Image && _diffusionPack is not null)
        {
            // The diffusion decoder runs one image at a time on the pipeline thread (GPU memory, per-step progress).
            Emit(_queue!.TakeAll());
            DecodeWithDiffusion(item with { Output = output });
            return;
        }

        _queue!.Enqueue(item with { Output = output });
        Emit(_queue.TakeReady());
    }

    private DecodeOutcome Run(DecodeItem item, CancellationToken cancellationToken)
    {
        try
        {
            TskRecord record = item.Record ?? ReadRecord(item.File!);
            TskDocument document = record.Document;
            cancellationToken.ThrowIfCancellationRequested();
            RgbImage image;
            if (Layer == TextSketchLayer.Sketch)
            {
                if (document.Sketch is null)
                {
                    throw new Core.TextSketchException("NoSketchLayer", $"'{item.Name}' is a Text-mode record: it has no sketch layer.");
                }

                image = PreviewRenderer.RenderSketch(document);
            }
            else
            {
                if ((long)document.Width * document.Height > MaxPixels)
                {
                    throw new Core.TextSketchException("RecordTooLarge",
                        $"'{item.Name}' declares {document.Width}x{document.Height} pixels, over the limit of {MaxPixels:N0} (raise -MaxPixels if it is genuine).");
                }

                image = PreviewRenderer.Render(document);
            }

            cancellationToken.ThrowIfCancellationRequested();
            AtomicFile.Write(item.Output, stream => ImageWriter.Write(image, stream, ToCore(Format)), Force);
            return new DecodeOutcome(item, null);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            return new DecodeOutcome(item, e);
        }
    }

    private static TskRecord ReadRecord(string path)
    {
        var info = new FileInfo(path);
        if (info.Length > TskFile.MaxRecordBytes)
        {
            throw new TskFormatException(TskFormatError.NotTsk, path, $"{info.Length:N0} bytes is far larger than any TextSketch record.");
        }

        return TskFile.Read(File.ReadAllBytes(path), path);
    }

    private void Emit(IEnumerable<DecodeOutcome> outcomes)
    {
        foreach (DecodeOutcome outcome in outcomes)
        {
            if (outcome.Error is not null)
            {
                WriteError(ErrorRecords.For(outcome.Error, (object?)outcome.Item.File ?? outcome.Item.Name));
            }
            else
            {
                WriteObject(SessionState.InvokeProvider.Item.Get([outcome.Item.Output], force: true, literalPath: true), enumerateCollection: true);
            }

            _progress!.ItemDone(outcome.Item.Name);
        }
    }

    private static ImageFileFormat ToCore(TextSketchImageFormat format) => format switch
    {
        TextSketchImageFormat.Jpeg => ImageFileFormat.Jpeg,
        TextSketchImageFormat.Webp => ImageFileFormat.Webp,
        _ => ImageFileFormat.Png,
    };

    private sealed record DecodeItem(string Name, TskRecord? Record, string? File, string Output);

    private sealed record DecodeOutcome(DecodeItem Item, Exception? Error);
}
