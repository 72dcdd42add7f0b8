namespace TextSketch.Core.Models.Install;

/// <summary>What to install, where, and how to reach the files.</summary>
public sealed record InstallRequest
{
    public required ModelManifest Manifest { get; init; }

    /// <summary>The model root; the pack goes to &lt;Root&gt;/&lt;name&gt;/.</summary>
    public required string Root { get; init; }

    /// <summary>Where the manifest came from (file or URI); relative file URIs resolve against it when the
    /// manifest names no baseUri (a user's own pack next to its manifest).</summary>
    public Uri? ManifestLocation { get; init; }

    /// <summary>Fetch the same relative paths from this base URI instead (an internal mirror).</summary>
    public Uri? Mirror { get; init; }

    /// <summary>Accept files the manifest gives no sha256 for from <see cref="Mirror"/> (their hash is then pinned
    /// from the mirror's copy); without it such a pack is refused before anything is downloaded.</summary>
    public bool TrustMirror { get; init; }

    /// <summary>What the pack's files must pass before it counts as installed (the module's: every ONNX model loads
    /// and has its role's signature, <c>TextSketch.Core.Packs.PackModelCheck</c>).</summary>
    public required IPackContentCheck ContentCheck { get; init; }

    /// <summary>Reinstall even when the pack is already installed.</summary>
    public bool Force { get; init; }

    /// <summary>Longest wait for a connection or for the next bytes of a download.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Tries per file; a broken connection resumes where it stopped (Range request).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The conversions manifests may name in "convert" (e.g. Sketch.SketchModels.Conversions).</summary>
    public IReadOnlyList<IPackConversion> Conversions { get; init; } = [];
}

/// <summary>Progress of one pack install, in bytes.</summary>
public sealed record InstallProgress(
    string Pack,
    string File,
    int FileNumber,
    int FileCount,
    long PackBytesDone,
    long? PackBytesTotal,
    long FileBytesDone,
    long? FileBytesTotal,
    double BytesPerSecond)
{
    /// <summary>Seconds left at the current rate: for the pack when its size is known, else for the current file
    /// when the server gave its length, else null.</summary>
    public int? SecondsRemaining => BytesPerSecond <= 0 ? null
        : PackBytesTotal is long total ? (int)Math.Ceiling(Math.Max(0, total - PackBytesDone) / BytesPerSecond)
        : FileBytesTotal is long file ? (int)Math.Ceiling(Math.Max(0, file - FileBytesDone) / BytesPerSecond)
        : null;
}

/// <summary>Receives progress and notices on the thread that called <see cref="PackInstaller.Install"/>.</summary>
public interface IInstallObserver
{
    void Progress(InstallProgress progress);

    /// <summary>Something the user should be told (e.g. a hash that was pinned from a download).</summary>
    void Notice(string message);
}

/// <summary>The outcome of an install.</summary>
public sealed record InstallResult(InstalledPack Pack, bool AlreadyInstalled, long BytesDownloaded, IReadOnlyList<string> PinnedFiles);
