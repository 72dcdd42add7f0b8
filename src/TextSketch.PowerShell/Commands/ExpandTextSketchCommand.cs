using System.Management.Automation;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Jobs;
using TextSketch.Core.Preview;
using TextSketch.Infrastructure;

namespace TextSketch.Commands;

/// <summary>Which decoder makes the image.</summary>
public enum TextSketchDecoder
{
    /// <summary>The best decoder installed (the Preview decoder until a diffusion pack is installed).</summary>
    Auto,

    /// <summary>No weights: colour layout shaped by the sketch, edges drawn.</summary>
    Preview,
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

    /// <summary>Replace existing images.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Records claiming more pixels than this are refused (a corrupt or hostile record cannot exhaust memory).</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long MaxPixels { get; set; } = ImageReadOptions.DefaultMaxPixels;

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
    }

    protected override void StopProcessing() => _stopping.Cancel();

    public void Dispose()
    {
        _stopping.Cancel();
        _queue?.Dispose();
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
            if (Decoder == TextSketchDecoder.Auto)
            {
                WriteWarning("No diffusion model pack is installed, so images come from the Preview decoder " +
                    "(colour layout shaped by the sketch). Use -Decoder Preview to silence this warning.");
            }
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
