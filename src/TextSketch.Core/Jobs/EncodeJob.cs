using System.Diagnostics;
using System.Security.Cryptography;
using TextSketch.Core.Coding;
using TextSketch.Core.Encoder;
using TextSketch.Core.Format;

namespace TextSketch.Core.Jobs;

/// <summary>What an encode job does (ConvertTo-TextSketch's parameters).</summary>
public sealed record EncodeJobOptions
{
    public EncoderOptions Encoder { get; init; } = EncoderOptions.Default;

    /// <summary>Packs the encoder runs (-Captioner, -SketchModel, -Candidates, -ModelRoot), opened once per job.</summary>
    public EncoderModelRequest Models { get; init; } = new();

    /// <summary>-Caption: for every image; '' stores none; null: metadata, else the captioner, else none.</summary>
    public string? Caption { get; init; }

    /// <summary>Folder for the .tsk files; null: records are only returned.</summary>
    public string? Destination { get; init; }

    /// <summary>Keep each source's folder relative to this one under <see cref="Destination"/> (also keys the shard).</summary>
    public string? BasePath { get; init; }

    public ShardSpec? Shard { get; init; }

    public bool Force { get; init; }

    public bool SkipExisting { get; init; }

    public bool RemoveSource { get; init; }

    /// <summary>JSON-lines log: one line per item, a summary line at the end.</summary>
    public string? LogPath { get; init; }

    public int ThrottleLimit { get; init; } = Environment.ProcessorCount;
}

/// <summary>One source's result, in input order.</summary>
public sealed record EncodeOutcome(string Source, string? Destination, TskRecord? Record, Exception? Error, JobItemStatus Status, bool SourceRemoved);

/// <summary>
/// The bulk encode job: plans each source on the caller's thread (shard, output name, exists / skip / force,
/// ShouldProcess, removal confirmation), encodes on up to <see cref="EncodeJobOptions.ThrottleLimit"/> threads,
/// writes each record atomically, verifies before removing a source, and logs every item — handing results back
/// strictly in input order, whatever the thread count. Add and Finish return what is ready; the caller reports it.
/// </summary>
public sealed class EncodeJob : IDisposable
{
    private readonly EncodeJobOptions _options;
    private readonly IJobHost _host;
    private readonly CancellationToken _cancellationToken;
    private readonly EncoderModels _models;
    private readonly EncoderOptions _encoder;
    private readonly CaptionCoders _readers;
    private readonly OutputPlanner? _planner;
    private readonly ClashNotices _clashes;
    private readonly StaleTemporaries _temporaries = new();
    private readonly JobLog? _log;
    private readonly OrderedWorkQueue<Item, Outcome> _queue;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Checks the options and opens the packs; a contradiction or a missing pack throws a
    /// <see cref="TextSketchException"/> before anything is written.</summary>
    public EncodeJob(EncodeJobOptions options, IJobHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _host = host ?? throw new ArgumentNullException(nameof(host));
        _cancellationToken = cancellationToken;
        _clashes = new ClashNotices(host);
        Validate(options, host);
        _readers = RecordFiles.CodersFor(options.Models.ModelRoot);
        _models = EncoderModels.Open(options.Models);
        try
        {
            if (_models.FallbackReason is { } reason)
            {
                host.Verbose($"Model packs run on the CPU: {reason}");
            }

            _encoder = _models.Apply(options.Encoder);
            if (options.Destination is not null)
            {
                if (!Directory.Exists(options.Destination) && host.ShouldProcess(options.Destination, "Create folder"))
                {
                    Directory.CreateDirectory(options.Destination);
                }

                _planner = new OutputPlanner(options.Destination, options.BasePath);
            }

            _log = options.LogPath is null ? null : OpenLog(options.LogPath);
            _queue = new OrderedWorkQueue<Item, Outcome>(Run, options.ThrottleLimit, cancellationToken);
        }
        catch
        {
            _models.Dispose();
            _log?.Dispose();
            throw;
        }
    }

    /// <summary>Totals so far (complete after <see cref="Finish"/>).</summary>
    public JobSummary Summary { get; } = new();

    /// <summary>Plans <paramref name="source"/> and queues it; returns the outcomes ready now (in input order).</summary>
    public IReadOnlyList<EncodeOutcome> Add(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var ready = new List<EncodeOutcome>();
        if (Plan(source, ready) is { } item)
        {
            _queue.Enqueue(item);
        }

        ready.AddRange(_queue.TakeReady().Select(Report));
        return ready;
    }

    /// <summary>Waits for every queued source; returns their outcomes and writes the summary line.</summary>
    public IReadOnlyList<EncodeOutcome> Finish()
    {
        List<EncodeOutcome> rest = _queue.TakeAll().Select(Report).ToList();
        _clashes.Finish();
        Summary.Renamed = _clashes.Count;
        Summary.Seconds = Math.Round(_clock.Elapsed.TotalSeconds, 1);
        _log?.WriteSummary(Summary);
        return rest;
    }

    public void Dispose()
    {
        _queue.Dispose();
        _models.Dispose();
        _log?.Dispose();
    }

    private static void Validate(EncodeJobOptions options, IJobHost host)
    {
        if (options.SkipExisting && options.Force)
        {
            throw new TextSketchException("SkipExistingWithForce", "-SkipExisting and -Force contradict each other: choose one.");
        }

        if (options.BasePath is not null && !Directory.Exists(options.BasePath))
        {
            throw new TextSketchException("BasePathInvalid", $"The base path '{options.BasePath}' is not a folder.");
        }

        if (options.Destination is null)
        {
            if (options.RemoveSource)
            {
                throw new TextSketchException("RemoveSourceWithoutDestination", "-RemoveSource needs -DestinationPath: a source is only removed once its record is safely written.");
            }

            if (options.SkipExisting || options.Force || (options.BasePath is not null && options.Shard is null))
            {
                // (-BasePath also keys -Shard, so with -Shard it matters even without a destination.)
                host.Warning("-SkipExisting, -Force and -BasePath only matter with -DestinationPath; nothing is written without it.");
            }
        }
    }

    internal static JobLog OpenLog(string path)
    {
        try
        {
            return new JobLog(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TextSketchException("LogPathInvalid", $"The log '{path}' cannot be opened: {e.Message}", e);
        }
    }

    /// <summary>What happens to one source, decided on the caller's thread (ShouldProcess must run there): its output
    /// (<see cref="OutputPlanner"/>'s rule), and under -SkipExisting whether a valid record is already there, so a
    /// source that will be skipped is never announced as a write (-WhatIf, -Verbose, -Confirm).</summary>
    private Item? Plan(string source, List<EncodeOutcome> ready)
    {
        OutputClaim? claim;
        try
        {
            if (_options.Shard is { } shard && !shard.Includes(ShardSpec.KeyOf(OutputPlanner.RelativeTo(_options.BasePath, source))))
            {
                _host.Verbose($"'{source}' belongs to another shard than {shard}.");
                return null;
            }

            claim = _planner?.Claim(source);
        }
        catch (TextSketchException e)
        {
            ready.Add(Report(new Outcome(new Item(source, null), null, e, JobItemStatus.Failed, 0, null, 0, false)));
            return null;
        }

        string? destination = claim?.Path;
        if (claim is not null)
        {
            _clashes.Note(claim, source);
        }

        TskRecord? existing = null;
        bool replace = false;
        if (destination is not null && File.Exists(destination))
        {
            if (_options.SkipExisting)
            {
                existing = RecordFiles.TryRead(destination, _readers);
                // An invalid leftover is replaced under -SkipExisting: it holds nothing worth keeping.
                replace = existing is null;
            }
            else if (!_options.Force)
            {
                ready.Add(Report(new Outcome(new Item(source, destination, claim), null, new OutputExistsException(destination), JobItemStatus.Failed, 0, null, 0, false)));
                return null;
            }
        }

        if (destination is not null && existing is null)
        {
            // -WhatIf declines the write, so the removal is not asked about on its own: the write says it.
            string then = _options.RemoveSource ? ", then remove the source once the record is verified" : string.Empty;
            if (!_host.ShouldProcess(destination, $"Write TextSketch record of '{source}'{then}"))
            {
                return null;
            }

            // A job killed mid-write leaves a hidden temporary file beside the output: the rerun clears it.
            _temporaries.RemoveFor(destination);
        }

        bool remove = _options.RemoveSource && _host.ShouldProcess(source, "Remove source image once its record is verified") && _host.ConfirmRemoval(source);
        return new Item(source, destination, claim, existing, replace, remove);
    }

    private Outcome Run(Item item, CancellationToken cancellationToken)
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

            if (item.Existing is { } existing && item.Destination is not null)
            {
                bool removed = false;
                if (item.RemoveSource)
                {
                    // Only when the record on disk is this source's record (the encoder is deterministic), never an
                    // older record of a different image that happened to have this name.
                    TskRecord fresh = TextSketchEncoder.Encode(item.Source, _options.Caption, _encoder, cancellationToken);
                    if (!fresh.Bytes.AsSpan().SequenceEqual(existing.Bytes))
                    {
                        throw new VerificationFailedException(item.Destination, "it is not the record of this source; use -Force to replace it");
                    }

                    SourceRemoval.VerifyThenRemove(item.Source, item.Destination, existing.Bytes, _readers);
                    removed = true;
                }

                return new Outcome(item, existing, null, JobItemStatus.Skipped, sourceBytes, sourceSha256, clock.Elapsed.TotalMilliseconds, removed);
            }

            TskRecord record = TextSketchEncoder.Encode(item.Source, _options.Caption, _encoder, cancellationToken);
            if (item.Destination is null)
            {
                return new Outcome(item, record, null, JobItemStatus.Encoded, sourceBytes, sourceSha256, clock.Elapsed.TotalMilliseconds, false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            AtomicFile.Write(item.Destination, record.Bytes, overwrite: _options.Force || item.Replace);
            if (item.RemoveSource)
            {
                SourceRemoval.VerifyThenRemove(item.Source, item.Destination, record.Bytes, _readers);
            }

            return new Outcome(item, record, null, JobItemStatus.Written, sourceBytes, sourceSha256, clock.Elapsed.TotalMilliseconds, item.RemoveSource);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            return new Outcome(item, null, e, JobItemStatus.Failed, sourceBytes, sourceSha256, clock.Elapsed.TotalMilliseconds, false);
        }
    }

    /// <summary>Counts and logs one outcome (on the caller's thread, in input order).</summary>
    private EncodeOutcome Report(Outcome outcome)
    {
        Item item = outcome.Item;
        TskRecord? record = outcome.Record;
        Summary.Add(outcome.Status, outcome.SourceBytes, record?.Bytes.Length ?? 0);
        if (outcome.SourceRemoved)
        {
            Summary.SourcesRemoved++;
        }

        _log?.Write(new JobLogEntry
        {
            Source = item.Source,
            SourceBytes = outcome.SourceBytes > 0 ? outcome.SourceBytes : null,
            SourceSha256 = outcome.SourceSha256,
            Output = record is null ? null : item.Destination,
            ClashedWith = item.Claim?.ClashedWith,
            Bytes = record?.Bytes.Length,
            Bpp = record is null ? null : Math.Round(record.Bytes.Length * 8.0 / ((double)record.Document.Width * record.Document.Height), 6),
            Status = outcome.Status,
            SourceRemoved = outcome.SourceRemoved,
            ErrorId = outcome.Error is null ? null : JobErrors.IdOf(outcome.Error),
            Error = outcome.Error?.Message,
            DurationMs = Math.Round(outcome.DurationMs, 1),
        });

        if (outcome.Status == JobItemStatus.Skipped)
        {
            _host.Verbose($"Skipped '{item.Source}': '{item.Destination}' already holds a valid record.");
        }
        else if (record is not null && record.Document.CaptionSource == Caption.CaptionSource.None && _options.Caption is null && _options.Models.Captioner is null)
        {
            // Once per job: a million photos without metadata must not print a million lines (the summary counts them).
            if (Summary.Uncaptioned++ == 0)
            {
                _host.Warning($"'{item.Source}' has no caption in its metadata, so its record stores none (further images without one are not reported; " +
                    "the summary counts them). A caption is what a generative decoder draws from: give one with -Caption '<text>', or let a " +
                    "captioner pack write them: Install-TextSketchModel -Name florence2-base, then -Captioner florence2-base.");
            }
        }

        return new EncodeOutcome(item.Source, item.Destination, record, outcome.Error, outcome.Status, outcome.SourceRemoved);
    }

    private sealed record Item(string Source, string? Destination, OutputClaim? Claim = null, TskRecord? Existing = null, bool Replace = false, bool RemoveSource = false);

    private sealed record Outcome(Item Item, TskRecord? Record, Exception? Error, JobItemStatus Status,
        long SourceBytes, string? SourceSha256, double DurationMs, bool SourceRemoved);
}
