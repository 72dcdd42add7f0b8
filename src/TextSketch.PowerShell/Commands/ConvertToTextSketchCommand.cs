using System.Management.Automation;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Jobs;
using TextSketch.Core.Pipeline;
using TextSketch.Infrastructure;

namespace TextSketch.Commands;

/// <summary>Compresses images into TextSketch records (ConvertTo-TextSketch).</summary>
[Cmdlet(VerbsData.ConvertTo, "TextSketch", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(TextSketchRecord))]
public sealed class ConvertToTextSketchCommand : PSCmdlet, IDisposable
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private readonly CancellationTokenSource _stopping = new();
    private OrderedWorkQueue<EncodeItem, EncodeOutcome>? _queue;
    private ProgressReporter? _progress;
    private EncoderOptions _options = EncoderOptions.Default;
    private string? _destination;
    private EncoderModels? _models;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>Caption for every image of this call; '' stores none. Without it: image metadata, else none.</summary>
    [Parameter]
    [AllowEmptyString]
    public string? Caption { get; set; }

    [Parameter]
    public TextSketchMode Mode { get; set; } = TextSketchMode.TextSketch;

    /// <summary>Hard budget for each whole record, in bytes.</summary>
    [Parameter]
    [ValidateRange(8, 1 << 20)]
    public int MaxBytes { get; set; }

    /// <summary>Folder for the .tsk files (created if missing). Without it, records are only output.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DestinationPath { get; set; }

    /// <summary>Replace existing .tsk files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Skip sources whose .tsk already exists and reads back as a valid record (resuming a job).</summary>
    [Parameter]
    public SwitchParameter SkipExisting { get; set; }

    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = Environment.ProcessorCount;

    /// <summary>Images with more pixels are refused from their header, before decoding.</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long MaxPixels { get; set; } = ImageReadOptions.DefaultMaxPixels;

    /// <summary>A captioner pack (florence2-base) or a CLIP pack (clip-vit-b32, prompt inversion) for images without -Caption or metadata.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Captioner { get; set; }

    /// <summary>A learned sketch pack (hed); without it, the built-in detector.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SketchModel { get; set; }

    /// <summary>Where packs are installed (else $env:TEXTSKETCH_MODELS, else the user's data folder).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ModelRoot { get; set; }

    /// <summary>Prompt length in CLIP tokens for -Captioner clip-vit-b32.</summary>
    [Parameter]
    [ValidateRange(1, 75)]
    public int? PromptTokens { get; set; }

    protected override void BeginProcessing()
    {
        if (SkipExisting && Force)
        {
            ThrowTerminatingError(new ErrorRecord(
                new PSArgumentException("-SkipExisting and -Force contradict each other: choose one."),
                "SkipExistingWithForce", ErrorCategory.InvalidArgument, null));
        }

        if ((SkipExisting || Force) && DestinationPath is null)
        {
            WriteWarning("-SkipExisting and -Force only matter with -DestinationPath; nothing is written without it.");
        }

        _options = new EncoderOptions
        {
            Mode = Mode == TextSketchMode.Text ? Core.Format.TextSketchMode.Text : Core.Format.TextSketchMode.TextSketch,
            Image = new ImageReadOptions { MaxPixels = MaxPixels },
            MaxBytes = MyInvocation.BoundParameters.ContainsKey(nameof(MaxBytes)) ? MaxBytes : null,
        };
        OpenModels();

        if (DestinationPath is not null)
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
                Directory.CreateDirectory(_destination!);
            }
        }

        _queue = new OrderedWorkQueue<EncodeItem, EncodeOutcome>(Run, ThrottleLimit, _stopping.Token);
        _progress = new ProgressReporter(this, "Compressing images to TextSketch records");
    }

    protected override void ProcessRecord()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        List<string> files = PathResolver.ResolveFiles(this, literal ? LiteralPath : Path, literal).ToList();
        if (!MyInvocation.ExpectingInput)
        {
            // Every input came with the parameters, so the count is known.
            _progress!.Total = (_progress.Total ?? 0) + files.Count;
        }

        foreach (string file in files)
        {
            EncodeItem? item = Plan(file);
            if (item is not null)
            {
                _queue!.Enqueue(item);
            }

            Emit(_queue!.TakeReady());
        }
    }

    protected override void EndProcessing()
    {
        Emit(_queue!.TakeAll());
        _progress!.Complete();
    }

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose()
    {
        _stopping.Cancel();
        _models?.Dispose();
        _queue?.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Opens -Captioner / -SketchModel packs once for the whole job (the logic is in Core's EncoderModels).</summary>
    private void OpenModels()
    {
        try
        {
            _models = EncoderModels.Open(new EncoderModelRequest
            {
                Captioner = Captioner,
                SketchModel = SketchModel,
                ModelRoot = ModelRoot is null ? null : ModelPacks.ResolvePath(this, ModelRoot),
                PromptTokens = PromptTokens,
            });
        }
        catch (Exception e) when (e is Core.TextSketchException or PSArgumentException)
        {
            ThrowTerminatingError(ErrorRecords.For(e, Captioner ?? SketchModel));
        }

        if (_models!.FallbackReason is { } reason)
        {
            WriteVerbose($"Model packs run on the CPU: {reason}");
        }

        _options = _models.Apply(_options);
    }

    /// <summary>Decides, on the pipeline thread, what happens to one source (ShouldProcess must run here).</summary>
    private EncodeItem? Plan(string source)
    {
        string? destination = null;
        if (_destination is not null)
        {
            destination = System.IO.Path.Combine(_destination, System.IO.Path.GetFileNameWithoutExtension(source) + ".tsk");
            if (File.Exists(destination))
            {
                if (SkipExisting)
                {
                    return new EncodeItem(source, destination, SkipIfValid: true);
                }

                if (!Force)
                {
                    WriteError(ErrorRecords.For(new OutputExistsException(destination), source));
                    _progress!.ItemDone(source);
                    return null;
                }
            }

            if (!ShouldProcess(destination, $"Write TextSketch record of '{source}'"))
            {
                return null;
            }
        }

        return new EncodeItem(source, destination, SkipIfValid: false);
    }

    private EncodeOutcome Run(EncodeItem item, CancellationToken cancellationToken)
    {
        try
        {
            if (item.SkipIfValid && item.Destination is not null && TryReadExisting(item.Destination) is { } existing)
            {
                return new EncodeOutcome(item, existing, null, Skipped: true);
            }

            TskRecord record = TextSketchEncoder.Encode(item.Source, Caption, _options, cancellationToken);
            if (item.Destination is not null)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // An invalid leftover is replaced under -SkipExisting: it holds nothing worth keeping.
                AtomicFile.Write(item.Destination, record.Bytes, overwrite: Force || item.SkipIfValid);
            }

            return new EncodeOutcome(item, record, null, Skipped: false);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            return new EncodeOutcome(item, null, e, Skipped: false);
        }
    }

    private static TskRecord? TryReadExisting(string path)
    {
        try
        {
            return TskFile.Read(File.ReadAllBytes(path), path);
        }
        catch (Exception e) when (e is TskFormatException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void Emit(IEnumerable<EncodeOutcome> outcomes)
    {
        foreach (EncodeOutcome outcome in outcomes)
        {
            EncodeItem item = outcome.Item;
            if (outcome.Error is not null)
            {
                WriteError(ErrorRecords.For(outcome.Error, item.Source));
            }
            else
            {
                if (outcome.Skipped)
                {
                    WriteVerbose($"Skipped '{item.Source}': '{item.Destination}' already holds a valid record.");
                }

                WriteObject(new TextSketchRecord(outcome.Record!, item.Source, item.Destination));
            }

            _progress!.ItemDone(item.Source);
        }
    }

    private sealed record EncodeItem(string Source, string? Destination, bool SkipIfValid);

    private sealed record EncodeOutcome(EncodeItem Item, TskRecord? Record, Exception? Error, bool Skipped);
}
