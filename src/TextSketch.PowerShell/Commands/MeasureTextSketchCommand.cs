using System.Management.Automation;
using TextSketch.Core;
using TextSketch.Core.Jobs;
using TextSketch.Core.Metrics;
using TextSketch.Infrastructure;

namespace TextSketch.Commands;

/// <summary>Measures reconstructions against their references (Measure-TextSketch). The measuring job in Core does the work.</summary>
[Cmdlet(VerbsDiagnostic.Measure, "TextSketch", DefaultParameterSetName = PathSet)]
[OutputType(typeof(TextSketchQuality), typeof(TextSketchQualitySet))]
public sealed class MeasureTextSketchCommand : TextSketchCmdlet, IDisposable
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private readonly CancellationTokenSource _stopping = new();
    private MeasureJob? _job;
    private ProgressReporter? _progress;

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
        _job = new MeasureJob(new MeasureJobOptions { ModelRoot = ModelRootPath, MaxPixels = MaxPixels, ThrottleLimit = ThrottleLimit },
            new CmdletJobHost(this), _stopping.Token);
        _progress = new ProgressReporter(this, "Measuring reconstructions", "pairs");
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
            else if (!Directory.Exists(reference))
            {
                Plan(new ImagePair(reference, target));
            }
            else if (FindReference(reference, target) is { } match)
            {
                Plan(new ImagePair(match, target));
            }
        }
    }

    protected override void EndProcessing()
    {
        Emit(_job!.Finish());
        _progress!.Complete();
    }

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose()
    {
        _stopping.Cancel();
        _job?.Dispose();
        _stopping.Dispose();
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

        Count(pairing.Pairs.Count);
        Emit(_job!.AddSet(reference, folder, pairing));
    }

    private void Plan(ImagePair pair)
    {
        Count(1);
        Emit(_job!.AddPair(pair));
    }

    private void Count(int items)
    {
        if (!MyInvocation.ExpectingInput)
        {
            _progress!.Total = (_progress.Total ?? 0) + items;
        }
    }

    private void Emit(IEnumerable<MeasureOutcome> outcomes)
    {
        foreach ((PairMeasured pair, SetMeasured? set) in outcomes)
        {
            if (pair.Error is not null)
            {
                WriteError(ErrorRecords.For(pair.Error, pair.Pair.Path));
            }
            else if (!pair.InSet)
            {
                WriteObject(Quality(pair));
            }

            if (set is not null)
            {
                WriteObject(new TextSketchQualitySet(set.ReferenceFolder, set.Folder, set.Pairs.Select(Quality).ToList(), set.FeatureFrechetDistance,
                    set.Pairing.OnlyInReference, set.Pairing.OnlyInTest));
            }

            _progress!.ItemDone(pair.Pair.Path);
        }
    }

    private static TextSketchQuality Quality(PairMeasured pair) => new(pair.Pair.ReferencePath, pair.Pair.Path, pair.Scores!);
}
