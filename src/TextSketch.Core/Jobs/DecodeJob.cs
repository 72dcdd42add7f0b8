using System.Diagnostics;
using TextSketch.Core.Coding;
using TextSketch.Core.Decoding;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;

namespace TextSketch.Core.Jobs;

/// <summary>What a decode job does (Expand-TextSketch's parameters).</summary>
public sealed record DecodeJobOptions
{
    /// <summary>Folder for the images (created if missing).</summary>
    public required string Destination { get; init; }

    public DecodeOptions Decode { get; init; } = new();

    public DecodeLayer Layer { get; init; } = DecodeLayer.Image;

    public ImageFileFormat Format { get; init; } = ImageFileFormat.Png;

    public bool Force { get; init; }

    /// <summary>Skip records whose image already exists and reads back as a complete image of the right size.</summary>
    public bool SkipExisting { get; init; }

    public string? LogPath { get; init; }

    public int ThrottleLimit { get; init; } = Environment.ProcessorCount;

    /// <summary>Memory the decodes running at once may hold together (their decoder's estimate); a larger record
    /// still decodes, alone. Default: half of <see cref="AvailableMemoryBytes"/>.</summary>
    public long? MemoryBudgetBytes { get; init; }

    /// <summary>Memory the process may use at all: a record whose decode alone needs more is refused
    /// (DecodeNeedsMoreMemory) instead of running out of memory. Default: what the runtime may use (the machine's
    /// memory, or its container's limit).</summary>
    public long? AvailableMemoryBytes { get; init; }
}

/// <summary>One record to decode: already in memory (from the pipeline), or a .tsk file.</summary>
public sealed record DecodeSource(string Name, TskRecord? Record, string? File)
{
    public static DecodeSource FromRecord(TskRecord record, string name) => new(name, record ?? throw new ArgumentNullException(nameof(record)), null);

    public static DecodeSource FromFile(string path) => new(path, null, path ?? throw new ArgumentNullException(nameof(path)));
}

/// <summary>One record's result, in input order: the image written (or kept), or why not.</summary>
public sealed record DecodeOutcome(DecodeSource Source, string Output, Exception? Error, JobItemStatus Status);

/// <summary>
/// The bulk decode job: one decoder for the whole job (<see cref="TskDecoders"/>' rule), one pixel-limit check
/// (<see cref="DecodeLimits"/>), one write path (atomic, PNG/JPEG/WebP), skip-existing with verification, and a log.
/// Weight-free decoders run on up to <see cref="DecodeJobOptions.ThrottleLimit"/> threads; decoders that run one
/// record at a time do so on the caller's thread, with step progress. Results come back in input order.
/// </summary>
public sealed class DecodeJob : IDisposable
{
    private readonly DecodeJobOptions _options;
    private readonly IJobHost _host;
    private readonly CancellationToken _cancellationToken;
    private readonly CaptionCoders _readers;
    private readonly ITskDecoder? _decoder;
    private readonly string? _fallbackWarning;
    private readonly JobLog? _log;
    private readonly OutputPlanner _planner;
    private readonly ClashNotices _clashes;
    private readonly StaleTemporaries _temporaries = new();
    private readonly OrderedWorkQueue<Item, Outcome> _queue;
    private readonly MemoryGate _memory;
    private readonly long _availableMemory;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private bool _prepared;
    private bool _warned;

    /// <summary>Chooses and opens the decoder (a missing or wrong pack throws here, before anything is written)
    /// and creates the destination folder.</summary>
    public DecodeJob(DecodeJobOptions options, IJobHost host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _host = host ?? throw new ArgumentNullException(nameof(host));
        _cancellationToken = cancellationToken;
        if (options.SkipExisting && options.Force)
        {
            throw new TextSketchException("SkipExistingWithForce", "-SkipExisting and -Force contradict each other: choose one.");
        }

        _readers = RecordFiles.CodersFor(options.Decode.ModelRoot);
        _planner = new OutputPlanner(options.Destination, basePath: null,
            (options.Layer == DecodeLayer.Sketch ? ".sketch" : string.Empty) + ImageWriter.Extension(options.Format));
        _clashes = new ClashNotices(host);
        if (!Directory.Exists(options.Destination) && host.ShouldProcess(options.Destination, "Create folder"))
        {
            Directory.CreateDirectory(options.Destination);
        }

        IReadOnlyList<string> ignored = options.Decode.SamplingOverrides();
        if (options.Layer == DecodeLayer.Image)
        {
            TskDecoderChoice choice = TskDecoders.Choose(options.Decode);
            _fallbackWarning = choice.FallbackWarning;
            _decoder = TskDecoders.Open(choice, options.Decode);
            if (!choice.Entry.NeedsWeights && ignored.Count > 0)
            {
                host.Warning($"{Join(ignored)} {(ignored.Count == 1 ? "applies" : "apply")} to a generative decoder (Diffusion) only; the {choice.Entry.Name} decoder, " +
                    $"which needs no model, ignores {(ignored.Count == 1 ? "it" : "them")}.");
            }
        }
        else if (ignored.Count > 0)
        {
            host.Warning($"-Layer Sketch writes the coded sketch itself and ignores {Join(ignored)}.");
        }

        try
        {
            _log = options.LogPath is null ? null : EncodeJob.OpenLog(options.LogPath);
            _queue = new OrderedWorkQueue<Item, Outcome>(Run, options.ThrottleLimit, cancellationToken);
            _availableMemory = options.AvailableMemoryBytes ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            // Half of it, leaving the rest to the process, the encoder side and other programs.
            _memory = new MemoryGate(options.MemoryBudgetBytes ?? Math.Max(1, _availableMemory / 2));
        }
        catch
        {
            _decoder?.Dispose();
            throw;
        }
    }

    private static string Join(IReadOnlyList<string> names) =>
        names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " and " + names[^1];

    /// <summary>The decoder's registry name (null for -Layer Sketch, which needs none).</summary>
    public string? DecoderName => _decoder?.Name;

    public JobSummary Summary { get; } = new() { Expanding = true };

    /// <summary>Plans <paramref name="source"/> and decodes it (queued, or at once for one-at-a-time decoders);
    /// returns the outcomes ready now, in input order. A decoder that cannot be prepared throws.</summary>
    public IReadOnlyList<DecodeOutcome> Add(DecodeSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var ready = new List<DecodeOutcome>();
        if (Plan(source, ready) is not { } item)
        {
            return ready;
        }

        if (_decoder is { RunsInParallel: false })
        {
            ready.AddRange(_queue.TakeAll().Select(Report));
            Prepare();
            ready.Add(Report(Run(item, _cancellationToken, new StepReporter(_host, source.Name))));
            return ready;
        }

        Prepare();
        _queue.Enqueue(item);
        ready.AddRange(_queue.TakeReady().Select(Report));
        return ready;
    }

    /// <summary>Waits for every queued record, returns their outcomes, writes the summary line and releases the
    /// decoder (and its device memory) at once.</summary>
    public IReadOnlyList<DecodeOutcome> Finish()
    {
        List<DecodeOutcome> rest = _queue.TakeAll().Select(Report).ToList();
        _clashes.Finish();
        Summary.Renamed = _clashes.Count;
        Summary.Seconds = Math.Round(_clock.Elapsed.TotalSeconds, 1);
        _log?.WriteSummary(Summary);
        _decoder?.Dispose();
        return rest;
    }

    public void Dispose()
    {
        _queue.Dispose();
        _decoder?.Dispose();
        _log?.Dispose();
    }

    private void Prepare()
    {
        if (!_prepared)
        {
            _decoder?.Prepare(_host);
            _prepared = true;
        }
    }

    /// <summary>What happens to one record, decided on the caller's thread (ShouldProcess must run there): its output
    /// (<see cref="OutputPlanner"/>'s rule, the same as the encode job's), and under -SkipExisting whether the output
    /// already holds the whole image, so a record that will be skipped is never announced as a write.</summary>
    private Item? Plan(DecodeSource source, List<DecodeOutcome> ready)
    {
        OutputClaim claim = _planner.Claim(source.Name);
        _clashes.Note(claim, source.Name);
        string output = claim.Path;
        bool exists = File.Exists(output);
        if (exists && !_options.Force && !_options.SkipExisting)
        {
            ready.Add(Report(new Outcome(new Item(source, claim), new OutputExistsException(output), JobItemStatus.Failed, 0)));
            return null;
        }

        if (exists && _options.SkipExisting && TryRead(source) is { } record && IsComplete(output, ExpectedSize(record)))
        {
            return new Item(source with { Record = record }, claim, Skip: true);
        }

        if (!_host.ShouldProcess(output, $"Write the {_options.Layer.ToString().ToLowerInvariant()} of '{source.Name}'"))
        {
            return null;
        }

        if (_fallbackWarning is not null && !_warned)
        {
            _warned = true;
            _host.Warning(_fallbackWarning);
        }

        // A decode killed mid-write (Ctrl+C twice, a crash) leaves a hidden temporary file beside the output: cleared here.
        _temporaries.RemoveFor(output);

        // Under -SkipExisting an output that is not the whole image (a leftover of another program) is replaced.
        return new Item(source, claim, Replace: exists && _options.SkipExisting);
    }

    /// <summary>The record, or null when it cannot be read (the decode then reports why).</summary>
    private TskRecord? TryRead(DecodeSource source) =>
        source.Record ?? (source.File is { } file ? RecordFiles.TryRead(file, _readers) : null);

    private (int Width, int Height) ExpectedSize(TskRecord record) =>
        _options.Layer == DecodeLayer.Sketch ? (record.SketchWidth, record.SketchHeight) : (record.Document.Width, record.Document.Height);

    private Outcome Run(Item item, CancellationToken cancellationToken) => Run(item, cancellationToken, null);

    private Outcome Run(Item item, CancellationToken cancellationToken, IProgress<DecodeProgress>? progress)
    {
        var clock = Stopwatch.StartNew();
        string? details = null;
        try
        {
            if (item.Skip)
            {
                return new Outcome(item, null, JobItemStatus.Skipped, clock.Elapsed.TotalMilliseconds);
            }

            TskRecord record = item.Source.Record ?? RecordFiles.Read(item.Source.File!, _readers);
            TskDocument document = record.Document;
            cancellationToken.ThrowIfCancellationRequested();

            RgbImage image;
            if (_options.Layer == DecodeLayer.Sketch)
            {
                image = SketchLayerImage.Render(document, item.Source.Name);
            }
            else
            {
                DecodeLimits.Require(document, _options.Decode.MaxPixels, item.Source.Name);
                long working = _decoder!.WorkingBytes(document);
                DecodeLimits.RequireMemory(document, _decoder.Name, working, _availableMemory, item.Source.Name);
                DecodedImage decoded;
                // Parallel decodes of big records would together hold more than the machine has: they wait their turn.
                using (_memory.Enter(working, cancellationToken))
                {
                    decoded = _decoder.Decode(record, _options.Decode, progress, cancellationToken);
                }

                details = decoded.Details;
                image = decoded.Image;
            }

            cancellationToken.ThrowIfCancellationRequested();
            AtomicFile.Write(item.Output, stream => ImageWriter.Write(image, stream, _options.Format), overwrite: _options.Force || item.Replace);
            return new Outcome(item, null, JobItemStatus.Written, clock.Elapsed.TotalMilliseconds, details);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            return new Outcome(item, e, JobItemStatus.Failed, clock.Elapsed.TotalMilliseconds);
        }
    }

    /// <summary>Whether <paramref name="path"/> holds a whole image of the expected size (a cut-off write is not).</summary>
    private static bool IsComplete(string path, (int Width, int Height) size)
    {
        try
        {
            RgbImage existing = ImageReader.Read(path);
            return existing.Width == Math.Max(1, size.Width) && existing.Height == Math.Max(1, size.Height);
        }
        catch (Exception e) when (e is ImageReadException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private DecodeOutcome Report(Outcome outcome)
    {
        Summary.Add(outcome.Status, 0, 0);
        _log?.Write(new JobLogEntry
        {
            Source = outcome.Item.Source.File ?? outcome.Item.Source.Name,
            Output = outcome.Error is null ? outcome.Item.Output : null,
            ClashedWith = outcome.Item.Claim.ClashedWith,
            Bytes = outcome.Error is null && File.Exists(outcome.Item.Output) ? (int)Math.Min(int.MaxValue, new FileInfo(outcome.Item.Output).Length) : null,
            Status = outcome.Status,
            ErrorId = outcome.Error is null ? null : JobErrors.IdOf(outcome.Error),
            Error = outcome.Error?.Message,
            DurationMs = Math.Round(outcome.DurationMs, 1),
        });

        if (outcome.Status == JobItemStatus.Skipped)
        {
            _host.Verbose($"Skipped '{outcome.Item.Source.Name}': '{outcome.Item.Output}' already holds its image.");
        }

        if (outcome.Details is not null)
        {
            _host.Verbose($"'{outcome.Item.Source.Name}' {outcome.Details}");
        }

        return new DecodeOutcome(outcome.Item.Source, outcome.Item.Output, outcome.Error, outcome.Status);
    }

    private sealed record Item(DecodeSource Source, OutputClaim Claim, bool Skip = false, bool Replace = false)
    {
        public string Output => Claim.Path;
    }

    private sealed record Outcome(Item Item, Exception? Error, JobItemStatus Status, double DurationMs, string? Details = null);

    /// <summary>Step progress forwarded to the host as it happens (the decode runs on the host's thread).</summary>
    private sealed class StepReporter(IJobHost host, string item) : IProgress<DecodeProgress>
    {
        public void Report(DecodeProgress value) => host.StepProgress(item, value);
    }
}
