using System.Management.Automation;
using TextSketch.Core;
using TextSketch.Core.Models;
using TextSketch.Core.Models.Install;
using TextSketch.Core.Onnx;
using TextSketch.Core.Packs;
using TextSketch.Core.Sketch;
using TextSketch.Infrastructure;

namespace TextSketch.Commands;

/// <summary>Downloads and verifies model packs into the model root (Install-TextSketchModel).</summary>
[Cmdlet(VerbsLifecycle.Install, "TextSketchModel", DefaultParameterSetName = NameSet, SupportsShouldProcess = true)]
[OutputType(typeof(ModelPackInfo))]
public sealed class InstallTextSketchModelCommand : TextSketchCmdlet, IDisposable
{
    private const string NameSet = "Name";
    private const string ManifestSet = "Manifest";

    private readonly CancellationTokenSource _stopping = new();
    private string _root = string.Empty;
    private IReadOnlyDictionary<string, ModelManifest> _shipped = new Dictionary<string, ModelManifest>();
    private Uri? _mirror;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ShippedPackCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>A pack manifest of your own: a file path or an http(s)/file URI.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ManifestSet)]
    [ValidateNotNullOrEmpty]
    public string Manifest { get; set; } = string.Empty;

    /// <summary>Fetch the files from this base URI (http, https, file) or folder instead, at the same relative paths.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Mirror { get; set; }

    /// <summary>Accept files the manifest gives no sha256 for from -Mirror, pinning their hash from the mirror's copy.</summary>
    [Parameter]
    public SwitchParameter TrustMirror { get; set; }

    /// <summary>Reinstall packs that are already installed.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Longest wait, in seconds, for a connection or for more bytes of a download.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 100;

    protected override void BeginProcessing()
    {
        _mirror = Mirror is null ? null : MirrorUri(Mirror);
        try
        {
            _root = ResolvedModelRoot;
            _shipped = ModelCatalog.Shipped(ModelPacks.ShippedManifestDirectory);
        }
        catch (Exception e) when (e is TextSketchException or PSArgumentException)
        {
            ThrowTerminatingError(ErrorRecords.For(e, ModelRoot));
        }
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == ManifestSet)
        {
            ModelManifest manifest;
            Uri location;
            try
            {
                string source = Uri.TryCreate(Manifest, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https" or "file"
                    ? Manifest
                    : FileSystemPath(Manifest, "ManifestInvalid");
                (manifest, location) = ModelCatalog.LoadManifest(source, TimeSpan.FromSeconds(TimeoutSec), _stopping.Token);
            }
            catch (Exception e) when (e is TextSketchException or PSArgumentException or IOException or UnauthorizedAccessException)
            {
                WriteError(ErrorRecords.For(e, Manifest));
                return;
            }

            Install(manifest, location);
            return;
        }

        foreach (string name in Name)
        {
            if (!_shipped.TryGetValue(name, out ModelManifest? manifest))
            {
                IReadOnlyList<PackStatus> known = ModelCatalog.List(ModelPacks.ShippedManifestDirectory, _root).Where(p => _shipped.ContainsKey(p.Name)).ToList();
                WriteError(new ErrorRecord(
                    new ItemNotFoundException(PackNames.Unknown(name, known, null, _shipped, ownPackHint: true)),
                    "ModelPackUnknown", ErrorCategory.ObjectNotFound, name));
                continue;
            }

            Install(manifest, null);
        }
    }

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>-Mirror as a base URI: an http or https URI as given; a file URI or a PowerShell path (relative to
    /// the current location, ~) must name a folder.</summary>
    private Uri MirrorUri(string mirror)
    {
        bool isUri = Uri.TryCreate(mirror, UriKind.Absolute, out Uri? uri);
        if (isUri && uri!.Scheme is "http" or "https")
        {
            return uri;
        }

        string? folder = !isUri ? FileSystemPath(mirror, "MirrorInvalid") : uri!.IsFile ? uri.LocalPath : null;
        if (folder is null || !Directory.Exists(folder))
        {
            Terminate(new PSArgumentException($"-Mirror must be an http, https or file URI or a folder; '{mirror}' is neither."), "MirrorInvalid", mirror);
        }

        return new Uri(folder!);
    }

    public void Dispose() => _stopping.Dispose();

    private void Install(ModelManifest manifest, Uri? location)
    {
        string target = Path.Combine(_root, manifest.Name);
        var request = new InstallRequest
        {
            Manifest = manifest,
            Root = _root,
            ManifestLocation = location,
            Mirror = _mirror,
            TrustMirror = TrustMirror,
            Force = Force,
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
            ContentCheck = PackModelCheck.Instance,
            Conversions = SketchModels.Conversions,
        };
        var observer = new ProgressObserver(this, manifest.Name);
        try
        {
            // Only this machine's files count in -WhatIf and get installed; an untrusted mirror is refused before
            // anything is asked or downloaded, also under -WhatIf.
            InstallPlan plan = InstallPlan.For(request);
            plan.RequireTrustedSources();
            if (!ShouldProcess(target, plan.Describe(PackModelCheck.Instance)))
            {
                return;
            }

            InstallResult result = PackInstaller.Install(request, observer, _stopping.Token);
            if (result.AlreadyInstalled)
            {
                WriteVerbose($"The pack '{manifest.Name}' is already installed in '{result.Pack.Directory}'; use -Force to reinstall it.");
            }
            else
            {
                WriteVerbose($"Installed '{manifest.Name}' in '{result.Pack.Directory}' ({Bytes(result.BytesDownloaded)} downloaded).");
            }

            if (manifest.Name == OnnxRuntimeLibrary.CudaPackName && OnnxRuntimeLibrary.Resolved && OnnxRuntimeLibrary.LoadedFromPack is null)
            {
                WriteWarning($"ONNX Runtime is already loaded in this session (the module's CPU build); the CUDA build in '{result.Pack.Directory}' loads in the next PowerShell session.");
            }

            PackStatus status = ModelCatalog.List(ModelPacks.ShippedManifestDirectory, _root).FirstOrDefault(p => p.Name == manifest.Name)
                ?? new PackStatus(manifest.Name, result.Pack.Manifest.Kind, true, result.Pack.Manifest.TotalSize, result.Pack.Directory, manifest.Description, result.Pack.Manifest);
            WriteObject(new ModelPackInfo(status));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (e is TextSketchException or IOException or UnauthorizedAccessException)
        {
            WriteError(ErrorRecords.For(e, manifest.Name));
        }
        finally
        {
            observer.Complete();
        }
    }

    private static string Bytes(long bytes) => InstallPlan.FormatBytes(bytes);

    /// <summary>Write-Progress with bytes and time left; notices become warnings. Called on the pipeline thread.</summary>
    private sealed class ProgressObserver : IInstallObserver
    {
        private static int _nextId = 0x5EED;
        private readonly Cmdlet _cmdlet;
        private readonly string _activity;
        private readonly int _id = Interlocked.Increment(ref _nextId);
        private bool _shown;

        public ProgressObserver(Cmdlet cmdlet, string pack)
        {
            _cmdlet = cmdlet;
            _activity = $"Installing model pack '{pack}'";
        }

        public void Progress(InstallProgress progress)
        {
            string total = progress.PackBytesTotal is long all ? $" of {Bytes(all)}" : string.Empty;
            string fileTotal = progress.FileBytesTotal is long size ? $" of {Bytes(size)}" : string.Empty;
            var record = new ProgressRecord(_id, _activity, $"{Bytes(progress.PackBytesDone)}{total} at {Bytes((long)progress.BytesPerSecond)}/s")
            {
                CurrentOperation = $"{progress.File} ({progress.FileNumber} of {progress.FileCount}): {Bytes(progress.FileBytesDone)}{fileTotal}",
            };
            if (progress.PackBytesTotal is long known && known > 0)
            {
                record.PercentComplete = (int)Math.Min(100, progress.PackBytesDone * 100 / known);
            }
            else if (progress.FileBytesTotal is long current && current > 0)
            {
                // Sizes the manifest does not know: the percentage of the current file (the server's Content-Length).
                record.PercentComplete = (int)Math.Min(100, progress.FileBytesDone * 100 / current);
            }

            if (progress.SecondsRemaining is int seconds)
            {
                record.SecondsRemaining = seconds;
            }

            _cmdlet.WriteProgress(record);
            _shown = true;
        }

        public void Notice(string message) => _cmdlet.WriteWarning(message);

        public void Complete()
        {
            if (_shown)
            {
                _cmdlet.WriteProgress(new ProgressRecord(_id, _activity, "Done") { RecordType = ProgressRecordType.Completed });
            }
        }
    }
}
