using System.Management.Automation;
using TextSketch.Core;
using TextSketch.Core.Imaging;
using TextSketch.Core.Jobs;
using TextSketch.Core.Metrics;
using TextSketch.Core.Onnx;
using TextSketch.Infrastructure;

namespace TextSketch.Commands;

/// <summary>Measures reconstructions against their references (Measure-TextSketch).</summary>
[Cmdlet(VerbsDiagnostic.Measure, "TextSketch", DefaultParameterSetName = PathSet)]
[OutputType(typeof(TextSketchQuality), typeof(TextSketchQualitySet))]
public sealed class MeasureTextSketchCommand : TextSketchCmdlet, IDisposable
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<int, SetState> _sets = [];
    private OrderedWorkQueue<PairItem, PairOutcome>? _queue;
    private ProgressReporter? _progress;
    private OnnxSessionFactory? _sessions;
    private QualityMeter _meter = new();
    private Core.Clip.ClipEncoder? _clip;
    private ImageReadOptions _readOptions = ImageReadOptions.Default;
    private int _nextSet;

    /// <summary>The original image, or a folder of originals (paired with the compared images by base name).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string ReferencePath { get; set; } = string.Empty;

    /// <summary>Reconstructions to measure (wildcards), or a folder of them (set mode when ReferencePath is a folder).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = Environment.ProcessorCount;

    /// <summary>Images with more pixels are refused from their header, before decoding.</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long MaxPixels { get; set; } = Core.TextSketchDefaults.MaxImagePixels;

    protected override void BeginProcessing()
    {
        _readOptions = new ImageReadOptions { MaxPixels = MaxPixels };
        string? root = ModelRootPath;
        _clip = CreateClipEmbedder(root);
        _meter = new QualityMeter(CreateFeatureExtractor(root), _clip);
        _queue = new OrderedWorkQueue<PairItem, PairOutcome>(Run, ThrottleLimit, _stopping.Token);
        _progress = new ProgressReporter(this, "Measuring reconstructions");
    }

    protected override void ProcessRecord()
    {
        string? reference = ResolveReference();
        if (reference is null)
        {
            return;
        }

        bool literal = ParameterSetName == LiteralPathSet;
        foreach (string target in ResolveInputs(literal ? LiteralPath : Path, literal, allowFolders: true))
        {
            if (Directory.Exists(target))
            {
                PlanSet(reference, target);
            }
            else if (Directory.Exists(reference))
            {
                string? match = FindReference(reference, target);
                if (match is not null)
                {
                    Plan(new PairItem(match, target, -1));
                }
            }
            else
            {
                Plan(new PairItem(reference, target, -1));
            }
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
        _queue?.Dispose();
        _sessions?.Dispose();
        _clip?.Dispose();
        _stopping.Dispose();
    }

    /// <summary>ResNet-18 from the model root or the module's dependencies; null (with one warning) when absent.</summary>
    private ResNetFeatureExtractor? CreateFeatureExtractor(string? modelRoot)
    {
        string? directory = ResNetFeatureExtractor.FindModelDirectory(modelRoot);
        if (directory is null)
        {
            WriteWarning($"FeatureDistance is $null: the ResNet-18 feature model ({ResNetFeatureExtractor.ModelFolderName}/{ResNetFeatureExtractor.NetworkRelativePath} " +
                $"and {ResNetFeatureExtractor.PreprocessRelativePath}) is neither in the model root nor beside the module. Copy the DnnImageModels folder " +
                "of the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 into the model root, or rebuild the module with build.ps1.");
            return null;
        }

        try
        {
            // CPU, one thread per session: pairs run in parallel, and the same provider and thread count keep distances
            // identical from run to run and machine to machine (ResNet-18 at 224x224 takes tens of milliseconds).
            _sessions = new OnnxSessionFactory(ExecutionDevice.Cpu, intraOpThreads: 1);
            return new ResNetFeatureExtractor(directory, _sessions);
        }
        catch (TextSketchException e)
        {
            WriteWarning($"FeatureDistance is $null: {e.Message}");
            return null;
        }
    }

    /// <summary>ClipDistance's embedder: the clip-vit-b32 pack's image encoder when that pack is installed (in -ModelRoot,
    /// else the default model root); otherwise none, and ClipDistance is $null.</summary>
    private Core.Clip.ClipEncoder? CreateClipEmbedder(string? modelRoot)
    {
        try
        {
            Core.Clip.ClipEncoder? clip = Core.Clip.ClipEncoder.TryOpen(modelRoot);
            WriteVerbose(clip is null ? "ClipDistance: no clip-vit-b32 pack is installed." : $"ClipDistance: CLIP image encoder of '{clip.Name}'.");
            return clip;
        }
        catch (Core.TextSketchException e)
        {
            WriteWarning($"ClipDistance is not computed: {e.Message}");
            return null;
        }
    }

    private string? ResolveReference()
    {
        string resolved;
        try
        {
            resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(ReferencePath, out ProviderInfo provider, out _);
            if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
            {
                throw new PSArgumentException($"'{ReferencePath}' is on the {provider.Name} provider; only file-system paths are supported.");
            }
        }
        catch (Exception e) when (e is PSArgumentException or ProviderNotFoundException or System.Management.Automation.DriveNotFoundException or NotSupportedException)
        {
            WriteError(new ErrorRecord(e, "ReferenceInvalid", ErrorCategory.InvalidArgument, ReferencePath));
            return null;
        }

        if (!File.Exists(resolved) && !Directory.Exists(resolved))
        {
            WriteError(new ErrorRecord(new FileNotFoundException($"The reference '{resolved}' does not exist.", resolved),
                "ReferenceNotFound", ErrorCategory.ObjectNotFound, ReferencePath));
            return null;
        }

        return resolved;
    }

    private string? FindReference(string referenceFolder, string target)
    {
        try
        {
            string? match = ImagePairing.FindReference(referenceFolder, target);
            if (match is null)
            {
                WriteError(new ErrorRecord(
                    new FileNotFoundException($"'{referenceFolder}' has no image named '{System.IO.Path.GetFileNameWithoutExtension(target)}' to compare '{target}' with."),
                    "ReferenceNotFound", ErrorCategory.ObjectNotFound, target));
            }

            return match;
        }
        catch (TextSketchException e)
        {
            WriteError(ErrorRecords.For(e, target));
            return null;
        }
    }

    private void PlanSet(string reference, string folder)
    {
        if (!Directory.Exists(reference))
        {
            WriteError(new ErrorRecord(
                new ArgumentException($"'{folder}' is a folder, so the reference must be a folder too; '{reference}' is a file."),
                "ReferenceNotFolder", ErrorCategory.InvalidArgument, folder));
            return;
        }

        FolderPairing pairing;
        try
        {
            pairing = ImagePairing.PairFolders(reference, folder);
        }
        catch (TextSketchException e)
        {
            WriteError(ErrorRecords.For(e, folder));
            return;
        }

        if (pairing.OnlyInReference.Count > 0 || pairing.OnlyInTest.Count > 0)
        {
            WriteWarning($"Not paired: {pairing.OnlyInReference.Count} image(s) only in '{reference}', {pairing.OnlyInTest.Count} only in '{folder}' " +
                "(see OnlyInReference and OnlyInPath on the result).");
        }

        if (pairing.Pairs.Count == 0)
        {
            WriteError(new ErrorRecord(new ArgumentException($"No image in '{folder}' has a namesake in '{reference}'."),
                "NoImagePairs", ErrorCategory.ObjectNotFound, folder));
            return;
        }

        int id = _nextSet++;
        _sets[id] = new SetState(reference, folder, pairing, pairing.Pairs.Count);
        foreach (ImagePair pair in pairing.Pairs)
        {
            Plan(new PairItem(pair.ReferencePath, pair.Path, id));
        }
    }

    private void Plan(PairItem item)
    {
        if (!MyInvocation.ExpectingInput)
        {
            _progress!.Total = (_progress.Total ?? 0) + 1;
        }

        _queue!.Enqueue(item);
        Emit(_queue.TakeReady());
    }

    private PairOutcome Run(PairItem item, CancellationToken cancellationToken)
    {
        try
        {
            RgbImage reference = ImageReader.Read(item.ReferencePath, _readOptions);
            RgbImage test = ImageReader.Read(item.Path, _readOptions);
            cancellationToken.ThrowIfCancellationRequested();
            return new PairOutcome(item, _meter.Compare(reference, test, cancellationToken), null);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e)
        {
            return new PairOutcome(item, null, e);
        }
    }

    private void Emit(IEnumerable<PairOutcome> outcomes)
    {
        foreach (PairOutcome outcome in outcomes)
        {
            PairItem item = outcome.Item;
            if (outcome.Error is not null)
            {
                WriteError(ErrorRecords.For(outcome.Error, item.Path));
            }

            TextSketchQuality? quality = outcome.Scores is null ? null : new TextSketchQuality(item.ReferencePath, item.Path, outcome.Scores);
            if (item.SetIndex < 0)
            {
                if (quality is not null)
                {
                    WriteObject(quality);
                }
            }
            else
            {
                SetState set = _sets[item.SetIndex];
                if (quality is not null)
                {
                    set.Results.Add((quality, outcome.Scores!));
                }

                if (--set.Remaining == 0)
                {
                    _sets.Remove(item.SetIndex);
                    WriteObject(Summarise(set));
                }
            }

            _progress!.ItemDone(item.Path);
        }
    }

    private static TextSketchQualitySet Summarise(SetState set)
    {
        double? frechet = null;
        List<float[]> references = set.Results.Where(r => r.Scores.ReferenceFeatures is not null).Select(r => r.Scores.ReferenceFeatures!).ToList();
        List<float[]> tests = set.Results.Where(r => r.Scores.TestFeatures is not null).Select(r => r.Scores.TestFeatures!).ToList();
        if (references.Count >= 2 && tests.Count >= 2)
        {
            frechet = FeatureStatistics.FrechetDistance(references, tests);
        }

        return new TextSketchQualitySet(set.ReferenceFolder, set.Folder, set.Results.Select(r => r.Quality).ToList(), frechet,
            set.Pairing.OnlyInReference, set.Pairing.OnlyInTest);
    }

    private sealed record PairItem(string ReferencePath, string Path, int SetIndex);

    private sealed record PairOutcome(PairItem Item, QualityScores? Scores, Exception? Error);

    private sealed class SetState(string referenceFolder, string folder, FolderPairing pairing, int remaining)
    {
        public string ReferenceFolder { get; } = referenceFolder;

        public string Folder { get; } = folder;

        public FolderPairing Pairing { get; } = pairing;

        public int Remaining { get; set; } = remaining;

        public List<(TextSketchQuality Quality, QualityScores Scores)> Results { get; } = [];
    }
}
