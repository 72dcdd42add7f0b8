using TextSketch.Core.Clip;
using TextSketch.Core.Imaging;
using TextSketch.Core.Metrics;
using TextSketch.Core.Onnx;

namespace TextSketch.Core.Jobs;

/// <summary>What a measuring job does (Measure-TextSketch's parameters).</summary>
public sealed record MeasureJobOptions
{
    /// <summary>Searched for DnnImageModels/ (ResNet-18) before the module's own copy, and for clip-vit-b32.</summary>
    public string? ModelRoot { get; init; }

    public long MaxPixels { get; init; } = TextSketchDefaults.MaxImagePixels;

    public int ThrottleLimit { get; init; } = Environment.ProcessorCount;
}

/// <summary>One pair's scores (or why there are none), in input order; <paramref name="InSet"/> when it belongs to a
/// folder pair (its scores then go into that folder's summary).</summary>
public sealed record PairMeasured(ImagePair Pair, QualityScores? Scores, Exception? Error, bool InSet);

/// <summary>One measured pair, and the folder summary it completed (null when it completed none).</summary>
public sealed record MeasureOutcome(PairMeasured Pair, SetMeasured? CompletedSet);

/// <summary>A folder pair's results, once its last pair is measured: the pairs that succeeded, and the Fréchet
/// distance of their ResNet-18 features (null with fewer than two pairs or without the model).</summary>
public sealed record SetMeasured(string ReferenceFolder, string Folder, FolderPairing Pairing, IReadOnlyList<PairMeasured> Pairs, double? FeatureFrechetDistance);

/// <summary>
/// The measuring job: opens the feature models once (ResNet-18 and, when installed, CLIP's image encoder; each
/// missing one is said once and its distance stays null), measures pairs on up to
/// <see cref="MeasureJobOptions.ThrottleLimit"/> threads and hands results back in input order; a folder pair's
/// summary comes after its last pair.
/// </summary>
public sealed class MeasureJob : IDisposable
{
    private readonly ImageReadOptions _read;
    private readonly ResNetFeatureExtractor? _features;
    private readonly ClipEncoder? _clip;
    private readonly QualityMeter _meter;
    private readonly OrderedWorkQueue<Item, (PairMeasured Result, int SetIndex)> _queue;
    private readonly Dictionary<int, SetState> _sets = [];
    private int _nextSet;

    public MeasureJob(MeasureJobOptions options, IMessageSink messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(messages);
        _read = new ImageReadOptions { MaxPixels = options.MaxPixels };
        _clip = OpenClip(options.ModelRoot, messages);
        _features = OpenFeatures(options.ModelRoot, messages);
        _meter = new QualityMeter(_features, _clip);
        _queue = new OrderedWorkQueue<Item, (PairMeasured Result, int SetIndex)>(Run, options.ThrottleLimit, cancellationToken);
    }

    /// <summary>Queues one pair; returns what is ready (pair results and finished folder summaries).</summary>
    public IReadOnlyList<MeasureOutcome> AddPair(ImagePair pair) => Add(new Item(pair, -1));

    /// <summary>Queues every pair of a folder pairing; its <see cref="SetMeasured"/> follows its last pair.</summary>
    public IReadOnlyList<MeasureOutcome> AddSet(string referenceFolder, string folder, FolderPairing pairing)
    {
        ArgumentNullException.ThrowIfNull(pairing);
        int id = _nextSet++;
        _sets[id] = new SetState(referenceFolder, folder, pairing);
        var ready = new List<MeasureOutcome>();
        foreach (ImagePair pair in pairing.Pairs)
        {
            ready.AddRange(Add(new Item(pair, id)));
        }

        return ready;
    }

    public IReadOnlyList<MeasureOutcome> Finish() => Take(_queue.TakeAll());

    public void Dispose()
    {
        _queue.Dispose();
        _features?.Dispose();
        _clip?.Dispose();
    }

    private IReadOnlyList<MeasureOutcome> Add(Item item)
    {
        _queue.Enqueue(item);
        return Take(_queue.TakeReady());
    }

    private List<MeasureOutcome> Take(IEnumerable<(PairMeasured Result, int SetIndex)> results)
    {
        var ready = new List<MeasureOutcome>();
        foreach ((PairMeasured result, int id) in results)
        {
            SetMeasured? completed = null;
            if (id >= 0)
            {
                SetState state = _sets[id];
                state.Results.Add(result);
                if (state.Results.Count == state.Pairing.Pairs.Count)
                {
                    _sets.Remove(id);
                    completed = Summarise(state);
                }
            }

            ready.Add(new MeasureOutcome(result, completed));
        }

        return ready;
    }

    private (PairMeasured Result, int SetIndex) Run(Item item, CancellationToken cancellationToken)
    {
        bool inSet = item.SetIndex >= 0;
        try
        {
            RgbImage reference = ImageReader.Read(item.Pair.ReferencePath, _read);
            RgbImage test = ImageReader.Read(item.Pair.Path, _read);
            cancellationToken.ThrowIfCancellationRequested();
            return (new PairMeasured(item.Pair, _meter.Compare(reference, test, cancellationToken), null, inSet), item.SetIndex);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            return (new PairMeasured(item.Pair, null, e, inSet), item.SetIndex);
        }
    }

    private static SetMeasured Summarise(SetState set)
    {
        List<QualityScores> scores = set.Results.Where(r => r.Scores is not null).Select(r => r.Scores!).ToList();
        List<float[]> references = scores.Where(s => s.ReferenceFeatures is not null).Select(s => s.ReferenceFeatures!).ToList();
        List<float[]> tests = scores.Where(s => s.TestFeatures is not null).Select(s => s.TestFeatures!).ToList();
        double? frechet = references.Count >= 2 && tests.Count >= 2 ? FeatureStatistics.FrechetDistance(references, tests) : null;
        return new SetMeasured(set.ReferenceFolder, set.Folder, set.Pairing, set.Results.Where(r => r.Scores is not null).ToList(), frechet);
    }

    /// <summary>ResNet-18 from the model root or beside the module; null (said once) when absent.</summary>
    private static ResNetFeatureExtractor? OpenFeatures(string? modelRoot, IMessageSink messages)
    {
        string? directory = ResNetFeatureExtractor.FindModelDirectory(modelRoot);
        if (directory is null)
        {
            messages.Warning($"FeatureDistance is $null: the ResNet-18 feature model ({ResNetFeatureExtractor.ModelFolderName}/{ResNetFeatureExtractor.NetworkRelativePath} " +
                $"and {ResNetFeatureExtractor.PreprocessRelativePath}) is neither in the model root nor beside the module. Copy the DnnImageModels folder " +
                "of the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 into the model root, or rebuild the module with build.ps1.");
            return null;
        }

        try
        {
            // CPU, one thread per session: pairs run in parallel, and the same provider and thread count keep distances
            // identical from run to run and machine to machine (ResNet-18 at 224x224 takes tens of milliseconds).
            return new ResNetFeatureExtractor(directory, new OnnxSessionFactory(ExecutionDevice.Cpu, intraOpThreads: 1));
        }
        catch (TextSketchException e)
        {
            messages.Warning($"FeatureDistance is $null: {e.Message}");
            return null;
        }
    }

    /// <summary>ClipDistance's embedder: the clip-vit-b32 pack's image encoder when that pack is installed (in the
    /// model root); otherwise none, and ClipDistance is null.</summary>
    private static ClipEncoder? OpenClip(string? modelRoot, IMessageSink messages)
    {
        try
        {
            ClipEncoder? clip = ClipEncoder.TryOpen(modelRoot);
            messages.Verbose(clip is null ? "ClipDistance: no clip-vit-b32 pack is installed." : $"ClipDistance: CLIP image encoder of '{clip.Name}'.");
            return clip;
        }
        catch (TextSketchException e)
        {
            messages.Warning($"ClipDistance is not computed: {e.Message}");
            return null;
        }
    }

    private sealed record Item(ImagePair Pair, int SetIndex);

    private sealed class SetState(string referenceFolder, string folder, FolderPairing pairing)
    {
        public string ReferenceFolder { get; } = referenceFolder;

        public string Folder { get; } = folder;

        public FolderPairing Pairing { get; } = pairing;

        public List<PairMeasured> Results { get; } = [];
    }
}
