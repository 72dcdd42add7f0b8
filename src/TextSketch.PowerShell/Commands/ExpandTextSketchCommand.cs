using System.Management.Automation;
using TextSketch.Core.Decoding;
using TextSketch.Core.Jobs;
using TextSketch.Infrastructure;

namespace TextSketch.Commands;

/// <summary>Decompresses TextSketch records to images (Expand-TextSketch). The decode job in Core does the work.</summary>
[Cmdlet(VerbsData.Expand, "TextSketch", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExpandTextSketchCommand : TextSketchPathCmdlet, IDisposable
{
    private const string InputObjectSet = "InputObject";

    private readonly CancellationTokenSource _stopping = new();
    private DecodeJob? _job;
    private ProgressReporter? _progress;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    public TextSketchRecord[] InputObject { get; set; } = [];

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
    [ArgumentCompleter(typeof(DiffusionPackCompleter))]
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

    /// <summary>How far from pure noise the diffusion decoder starts from the record's colour layer: 1 = pure noise, lower keeps more of its colours (default: the pack's, 0.8).</summary>
    [Parameter]
    [ValidateRange(0.01, 1.0)]
    public double? Strength { get; set; }

    /// <summary>Ink the sketch's curves over the Paint decoder's picture (a drawing's look); other decoders ignore it.</summary>
    [Parameter]
    public SwitchParameter Outline { get; set; }

    /// <summary>Replace existing images.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Skip records whose image already exists and reads back whole (resuming a job).</summary>
    [Parameter]
    public SwitchParameter SkipExisting { get; set; }

    /// <summary>Appends one JSON line per record, and a summary line at the end, to this file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LogPath { get; set; }

    /// <summary>Records claiming more pixels than this are refused (a corrupt or hostile record cannot exhaust memory).</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long MaxPixels { get; set; } = Core.TextSketchDefaults.MaxImagePixels;

    protected override void BeginProcessing()
    {
        var options = new DecodeJobOptions
        {
            Destination = FolderPath(DestinationPath, "DestinationInvalid"),
            Decode = new DecodeOptions
            {
                Decoder = EnumMap.ToCoreName(Decoder),
                ModelRoot = ModelRootPath,
                ModelPack = ModelPack,
                Seed = Seed,
                Steps = Steps,
                Scheduler = Scheduler is { } scheduler ? EnumMap.ToCore(scheduler) : null,
                GuidanceScale = GuidanceScale,
                Strength = Strength,
                Outline = Outline,
                MaxPixels = MaxPixels,
            },
            Layer = EnumMap.ToCore(Layer),
            Format = EnumMap.ToCore(Format),
            Force = Force,
            SkipExisting = SkipExisting,
            LogPath = LogPath is null ? null : FileSystemPath(LogPath, "LogPathInvalid"),
        };
        try
        {
            _job = new DecodeJob(options, new CmdletJobHost(this), _stopping.Token);
        }
        catch (Core.TextSketchException e)
        {
            ThrowTerminatingError(ErrorRecords.For(e, ModelPack ?? (object?)ModelRoot));
        }

        _progress = new ProgressReporter(this, "Expanding TextSketch records", "records");
    }

    protected override void ProcessRecord()
    {
        List<DecodeSource> sources = ParameterSetName == InputObjectSet
            ? InputObject.Where(r => r is not null).Select(r => DecodeSource.FromRecord(r.Encoded, r.Path ?? r.SourcePath ?? "record")).ToList()
            : InputFiles().Select(DecodeSource.FromFile).ToList();
        if (!MyInvocation.ExpectingInput)
        {
            _progress!.Total = (_progress.Total ?? 0) + sources.Count;
        }

        foreach (DecodeSource source in sources)
        {
            Run(() => _job!.Add(source));
        }
    }

    protected override void EndProcessing()
    {
        Run(_job!.Finish);
        _progress!.Complete();
        WriteVerbose(_job.Summary.ToString());
    }

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose()
    {
        _stopping.Cancel();
        _job?.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Runs a job call and reports what it returns; a decoder that cannot be opened ends the command.</summary>
    private void Run(Func<IReadOnlyList<DecodeOutcome>> call)
    {
        IReadOnlyList<DecodeOutcome> outcomes = [];
        try
        {
            outcomes = call();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Core.TextSketchException e)
        {
            ThrowTerminatingError(ErrorRecords.For(e, ModelPack ?? (object?)ModelRoot));
        }

        foreach (DecodeOutcome outcome in outcomes)
        {
            if (outcome.Error is not null)
            {
                WriteError(ErrorRecords.For(outcome.Error, (object?)outcome.Source.File ?? outcome.Source.Name));
            }
            else
            {
                WriteObject(SessionState.InvokeProvider.Item.Get([outcome.Output], force: true, literalPath: true), enumerateCollection: true);
            }

            _progress!.ItemDone(outcome.Source.Name);
        }
    }
}
