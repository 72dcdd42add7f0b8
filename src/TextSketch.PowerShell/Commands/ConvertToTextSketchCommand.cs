using System.Diagnostics;
using System.Management.Automation;
using System.Security.Cryptography;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Jobs;
using TextSketch.Core.Encoder;
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
    private readonly JobSummary _summary = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private OrderedWorkQueue<EncodeItem, EncodeOutcome>? _queue;
    private ProgressReporter? _progress;
    private EncoderOptions _options = EncoderOptions.Default;
    private EncoderModels? _models;
    private OutputPlanner? _planner;
    private ShardSpec? _shard;
    private JobLog? _log;
    private string? _basePath;
    private bool _removeAll;
    private bool _keepAll;

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
    public long MaxPixels { get; set; } = Core.TextSketchDefaults.MaxImagePixels;

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

    /// <summary>Decode this many seeds and keep the one closest to the original (needs a diffusion pack and clip-vit-b32).</summary>
    [Parameter]
    [ValidateRange(2, 64)]
    public int? Candidates { get; set; }

    /// <summary>The diffusion pack -Candidates decodes with (default: the one Expand-TextSketch -Decoder Auto uses).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
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
        if (SkipExisting && Force)
        {
            Terminate(new PSArgumentException("-SkipExisting and -Force contradict each other: choose one."), "SkipExistingWithForce");
        }

        if (DestinationPath is null)
        {
            if (RemoveSource)
            {
                Terminate(new PSArgumentException("-RemoveSource needs -DestinationPath: a source is only removed once its record is safely written."), "RemoveSourceWithoutDestination");
            }

            if (SkipExisting || Force || (BasePath is not null && Shard is null))
            {
                // (-BasePath also keys -Shard, so with -Shard it matters even without a destination.)
                WriteWarning("-SkipExisting, -Force and -BasePath only matter with -DestinationPath; nothing is written without it.");
            }
        }

        _options = new EncoderOptions
        {
            Mode = Mode == TextSketchMode.Text ? Core.Format.TextSketchMode.Text : Core.Format.TextSketchMode.TextSketch,
            Image = new ImageReadOptions { MaxPixels = MaxPixels },
            MaxBytes = MyInvocation.BoundParameters.ContainsKey(nameof(MaxBytes)) ? MaxBytes : null,
        };
        OpenModels();

        if (Shard is not null)
        {
            try
            {
                _shard = ShardSpec.Parse(Shard);
            }
            catch (FormatException e)
            {
                Terminate(new PSArgumentException(e.Message, e), "ShardInvalid");
            }
        }

        if (BasePath is not null)
        {
            _basePath = ResolveFileSystemPath(BasePath, "BasePathInvalid");
            if (!Directory.Exists(_basePath))
            {
                Terminate(new PSArgumentException($"The base path '{BasePath}' is not a folder."), "BasePathInvalid");
            }
        }

        if (DestinationPath is not null)
        {
            string destination = string.Empty;
            try
            {
                destination = PathResolver.ResolveDestination(this, DestinationPath);
            }
            catch (PSArgumentException e)
            {
                Terminate(e, "DestinationInvalid");
            }

            if (!Directory.Exists(destination) && ShouldProcess(destination, "Create folder"))
            {
                Directory.CreateDirectory(destination);
            }

            _planner = new OutputPlanner(destination, _basePath);
        }

        if (LogPath is not null)
        {
            try
            {
                _log = new JobLog(ResolveFileSystemPath(LogPath, "LogPathInvalid"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Terminate(e, "LogPathInvalid");
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
        _summary.Seconds = Math.Round(_clock.Elapsed.TotalSeconds, 1);
        _log?.WriteSummary(_summary);
        WriteVerbose(_summary.ToString());
        WriteInformation(new InformationRecord(_summary.ToString(), "ConvertTo-TextSketch") { Tags = { "TextSketch.Summary" } });
    }

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose()
    {
        _stopping.Cancel();
        _models?.Dispose();
        _queue?.Dispose();
        _log?.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Opens -Captioner / -SketchModel / -Candidates packs once for the whole job (the logic is in Core's EncoderModels).</summary>
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
                Candidates = Candidates,
                DiffusionPack = ModelPack,
            });
        }
        catch (Exception e) when (e is Core.TextSketchException or PSArgumentException)
        {
            ThrowTerminatingError(ErrorRecords.For(e, Captioner ?? SketchModel ?? ModelPack));
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
        string? destination;
        try
        {
            if (_shard is not null)
            {
                string relative = OutputPlanner.RelativeTo(_basePath, source);
                if (!_shard.Includes(ShardSpec.KeyOf(relative)))
                {
                    WriteVerbose($"'{source}' belongs to another shard than {_shard}.");
                    return null;
                }
            }

            destination = _planner?.Claim(source);
        }
        catch (Core.TextSketchException e)
        {
            Report(new EncodeOutcome(new EncodeItem(source, null, false, false), null, e, JobItemStatus.Failed, 0, null, 0, false));
            return null;
        }

        bool skipIfValid = false;
        if (destination is not null)
        {
            if (File.Exists(destination))
            {
                if (SkipExisting)
                {
                    skipIfValid = true;
                }
                else if (!Force)
                {
                    Report(new EncodeOutcome(new EncodeItem(source, destination, false, false), null, new OutputExistsException(destination), JobItemStatus.Failed, 0, null, 0, false));
                    return null;
                }
            }

            if (!ShouldProcess(destination, $"Write TextSketch record of '{source}'"))
            {
                return null;
            }
        }

        return new EncodeItem(source, destination, skipIfValid, RemoveSource && ConfirmRemoval(source));
    }

    /// <summary>
    /// Removing a source is a high-impact action, while writing records is not: it is confirmed on its own, as a
    /// ConfirmImpact High action would be (asked unless -Confirm:$false or $ConfirmPreference is None; honours -WhatIf).
    /// </summary>
    private bool ConfirmRemoval(string source)
    {
        if (!ShouldProcess(source, "Remove source image once its record is verified"))
        {
            return false;
        }

        if (MyInvocation.BoundParameters.ContainsKey("Confirm"))
        {
            // -Confirm: ShouldProcess has just asked; -Confirm:$false: the user asked not to be asked.
            return true;
        }

        var preference = SessionState.PSVariable.GetValue("ConfirmPreference") is ConfirmImpact impact ? impact : ConfirmImpact.High;
        return preference == ConfirmImpact.None
            || ShouldContinue($"Remove '{source}' once its record is written and verified?", "Remove source image", ref _removeAll, ref _keepAll);
    }

    private EncodeOutcome Run(EncodeItem item, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long sourceBytes = 0;
        string? sourceSha256 = null;
        try
        {
            var info = new FileInfo(item.Source);
            sourceBytes = info.Exists ? info.Length : 0;
            if (_log is not null && info.Exists)
            {
                using FileStream stream = info.OpenRead();
                sourceSha256 = Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
            }

            if (item.SkipIfValid && item.Destination is not null && TryReadExisting(item.Destination) is { } existing)
            {
                bool removed = false;
                if (item.RemoveSource)
                {
                    // Only when the record on disk is this source's record (the encoder is deterministic), never an
                    // older record of a different image that happened to have this name.
                    TskRecord fresh = TextSketchEncoder.Encode(item.Source, Caption, _options, cancellationToken);
                    if (!fresh.Bytes.AsSpan().SequenceEqual(existing.Bytes))
                    {
                        throw new VerificationFailedException(item.Destination, "it is not the record of this source; use -Force to replace it");
                    }

                    SourceRemoval.VerifyThenRemove(item.Source, item.Destination, existing.Bytes);
                    removed = true;
                }

                return new EncodeOutcome(item, existing, null, JobItemStatus.Skipped, sourceBytes, sourceSha256, clock.Elapsed.TotalMilliseconds, removed);
            }

            TskRecord record = TextSketchEncoder.Encode(item.Source, Caption, _options, cancellationToken);
            if (item.Destination is null)
            {
                return new EncodeOutcome(item, record, null, JobItemStatus.Encoded, sourceBytes, sourceSha256, clock.Elapsed.TotalMilliseconds, false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            AtomicFile.RemoveStaleTemporaries(item.Destination);
            // An invalid leftover is replaced under -SkipExisting: it holds nothing worth keeping.
            AtomicFile.Write(item.Destination, record.Bytes, overwrite: Force || item.SkipIfValid);
            if (item.RemoveSource)
            {
                SourceRemoval.VerifyThenRemove(item.Source, item.Destination, record.Bytes);
            }

            return new EncodeOutcome(item, record, null, JobItemStatus.Written, sourceBytes, sourceSha256, clock.Elapsed.TotalMilliseconds, item.RemoveSource);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            return new EncodeOutcome(item, null, e, JobItemStatus.Failed, sourceBytes, sourceSha256, clock.Elapsed.TotalMilliseconds, false);
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
            Report(outcome);
        }
    }

    private void Report(EncodeOutcome outcome)
    {
        EncodeItem item = outcome.Item;
        TskRecord? record = outcome.Record;
        _summary.Add(outcome.Status, outcome.SourceBytes, record?.Bytes.Length ?? 0);
        if (outcome.SourceRemoved)
        {
            _summary.SourcesRemoved++;
        }

        _log?.Write(new JobLogEntry
        {
            Source = item.Source,
            SourceBytes = outcome.SourceBytes > 0 ? outcome.SourceBytes : null,
            SourceSha256 = outcome.SourceSha256,
            Output = record is null ? null : item.Destination,
            Bytes = record?.Bytes.Length,
            Bpp = record is null ? null : Math.Round(record.Bytes.Length * 8.0 / ((double)record.Document.Width * record.Document.Height), 6),
            Status = outcome.Status,
            SourceRemoved = outcome.SourceRemoved,
            ErrorId = (outcome.Error as Core.TextSketchException)?.ErrorId ?? (outcome.Error is null ? null : ErrorRecords.For(outcome.Error, null).FullyQualifiedErrorId),
            Error = outcome.Error?.Message,
            DurationMs = Math.Round(outcome.DurationMs, 1),
        });

        if (outcome.Error is not null)
        {
            WriteError(ErrorRecords.For(outcome.Error, item.Source));
        }
        else
        {
            if (outcome.Status == JobItemStatus.Skipped)
            {
                WriteVerbose($"Skipped '{item.Source}': '{item.Destination}' already holds a valid record.");
            }

            WriteObject(new TextSketchRecord(record!, item.Source, item.Destination));
        }

        _progress!.ItemDone(item.Source);
    }

    private string ResolveFileSystemPath(string path, string errorId)
    {
        string resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
        if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
        {
            Terminate(new PSArgumentException($"'{path}' is on the {provider.Name} provider; only file-system paths are supported."), errorId);
        }

        return resolved;
    }

    private void Terminate(Exception exception, string errorId) =>
        ThrowTerminatingError(new ErrorRecord(exception, errorId, ErrorCategory.InvalidArgument, null));

    private sealed record EncodeItem(string Source, string? Destination, bool SkipIfValid, bool RemoveSource);

    private sealed record EncodeOutcome(EncodeItem Item, TskRecord? Record, Exception? Error, JobItemStatus Status,
        long SourceBytes, string? SourceSha256, double DurationMs, bool SourceRemoved);
}
