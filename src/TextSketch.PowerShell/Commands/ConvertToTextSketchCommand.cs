using System.Management.Automation;
using TextSketch.Core.Encoder;
using TextSketch.Core.Imaging;
using TextSketch.Core.Jobs;
using TextSketch.Infrastructure;

namespace TextSketch.Commands;

/// <summary>Compresses images into TextSketch records (ConvertTo-TextSketch). The encode job in Core does the work.</summary>
[Cmdlet(VerbsData.ConvertTo, "TextSketch", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(TextSketchRecord))]
public sealed class ConvertToTextSketchCommand : TextSketchPathCmdlet, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private EncodeJob? _job;
    private ProgressReporter? _progress;

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
    public long MaxPixels { get; set; } = Core.TextSketchDefaults.MaxImagePixels;

    /// <summary>A captioner pack (florence2-base) or a CLIP pack (clip-vit-b32, prompt inversion) for images without -Caption or metadata.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(CaptionerPackCompleter))]
    public string? Captioner { get; set; }

    /// <summary>A learned sketch pack (hed); without it, or with "builtin", the built-in detector.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SketchPackCompleter))]
    public string? SketchModel { get; set; }

    /// <summary>Prompt length in CLIP tokens for -Captioner clip-vit-b32.</summary>
    [Parameter]
    [ValidateRange(1, 75)]
    public int? PromptTokens { get; set; }

    /// <summary>Decode this many seeds and keep the one closest to the original (needs a diffusion pack and clip-vit-b32).</summary>
    [Parameter]
    [ValidateRange(2, 64)]
    public int? Candidates { get; set; }

    /// <summary>The diffusion pack -Candidates decodes with (default: the one Expand-TextSketch -Decoder Auto uses).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DiffusionPackCompleter))]
    public string? ModelPack { get; set; }

    /// <summary>Appends one JSON line per item, and a summary line at the end, to this file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LogPath { get; set; }

    /// <summary>Keep each source's folder, relative to this one, under -DestinationPath.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BasePath { get; set; }

    /// <summary>"i/N": only the sources of shard i of N.</summary>
    [Parameter]
    [ValidatePattern(@"^\d+/\d+$")]
    public string? Shard { get; set; }

    /// <summary>Delete each source once its .tsk has been written, read back and verified.</summary>
    [Parameter]
    public SwitchParameter RemoveSource { get; set; }

    protected override void BeginProcessing()
    {
        ShardSpec? shard = null;
        if (Shard is not null)
        {
            try
            {
                shard = ShardSpec.Parse(Shard);
            }
            catch (FormatException e)
            {
                Terminate(new PSArgumentException(e.Message, e), "ShardInvalid");
            }
        }

        var options = new EncodeJobOptions
        {
            Encoder = new EncoderOptions
            {
                Mode = EnumMap.ToCore(Mode),
                Image = new ImageReadOptions { MaxPixels = MaxPixels },
                MaxBytes = MyInvocation.BoundParameters.ContainsKey(nameof(MaxBytes)) ? MaxBytes : null,
            },
            Models = new EncoderModelRequest
            {
                Captioner = Captioner,
                SketchModel = string.Equals(SketchModel, Core.TextSketchDefaults.BuiltinSketchDetector, StringComparison.OrdinalIgnoreCase) ? null : SketchModel,
                ModelRoot = ModelRootPath,
                PromptTokens = PromptTokens,
                Candidates = Candidates,
                DiffusionPack = ModelPack,
            },
            Caption = Caption,
            Destination = DestinationPath is null ? null : FolderPath(DestinationPath, "DestinationInvalid"),
            BasePath = BasePath is null ? null : FileSystemPath(BasePath, "BasePathInvalid"),
            Shard = shard,
            Force = Force,
            SkipExisting = SkipExisting,
            RemoveSource = RemoveSource,
            LogPath = LogPath is null ? null : FileSystemPath(LogPath, "LogPathInvalid"),
            ThrottleLimit = ThrottleLimit,
        };
        try
        {
            _job = new EncodeJob(options, new CmdletJobHost(this), _stopping.Token);
        }
        catch (Core.TextSketchException e)
        {
            ThrowTerminatingError(ErrorRecords.For(e, Captioner ?? SketchModel ?? ModelPack));
        }

        _progress = new ProgressReporter(this, "Compressing images to TextSketch records", "images");
    }

    protected override void ProcessRecord()
    {
        List<string> files = InputFiles();
        if (!MyInvocation.ExpectingInput)
        {
            // Every input came with the parameters, so the count is known.
            _progress!.Total = (_progress.Total ?? 0) + files.Count;
        }

        foreach (string file in files)
        {
            Report(_job!.Add(file));
        }
    }

    protected override void EndProcessing()
    {
        Report(_job!.Finish());
        _progress!.Complete();
        string summary = _job.Summary.ToString();
        WriteVerbose(summary);
        WriteInformation(new InformationRecord(summary, "ConvertTo-TextSketch") { Tags = { "TextSketch.Summary" } });
    }

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose()
    {
        _stopping.Cancel();
        _job?.Dispose();
        _stopping.Dispose();
    }

    private void Report(IReadOnlyList<EncodeOutcome> outcomes)
    {
        foreach (EncodeOutcome outcome in outcomes)
        {
            if (outcome.Error is not null)
            {
                WriteError(ErrorRecords.For(outcome.Error, outcome.Source));
            }
            else
            {
                WriteObject(new TextSketchRecord(outcome.Record!, outcome.Source, outcome.Destination));
            }

            _progress!.ItemDone(outcome.Source);
        }
    }
}
