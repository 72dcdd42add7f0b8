using System.IO.Compression;
using System.Runtime.InteropServices;

namespace TextSketch.Core.Models.Install;

/// <summary>Which of a manifest's files belong on this machine (files with a <see cref="ModelFile.Platform"/>).</summary>
public static class PackPlatforms
{
    /// <summary>The portable runtime identifier of this process (linux-x64, linux-arm64, win-x64, osx-arm64, ...),
    /// computed from the OS and the architecture: a distribution's own .NET may report a distro-specific one.</summary>
    public static string Current { get; } = (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux")
        + "-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();

    /// <summary>The manifest with only the files for this machine (all of them when none names a platform).</summary>
    public static ModelManifest ForThisMachine(ModelManifest manifest) =>
        manifest.Files.All(f => f.Platform is null)
            ? manifest
            : manifest with { Files = manifest.Files.Where(f => f.Platform is null || string.Equals(f.Platform, Current, StringComparison.OrdinalIgnoreCase)).ToList() };

    /// <summary><see cref="ForThisMachine"/>, refusing a pack that has no files for this machine.</summary>
    public static ModelManifest Require(ModelManifest manifest)
    {
        ModelManifest selected = ForThisMachine(manifest);
        return selected.Files.Count > 0 ? selected
            : throw new ModelPackException("ModelPackPlatformUnsupported",
                $"The pack '{manifest.Name}' has no files for {Current}; it exists for {string.Join(", ", Named(manifest))}.");
    }

    /// <summary>The platforms a manifest has files for (empty when its files are for every platform).</summary>
    public static IReadOnlyList<string> Named(ModelManifest manifest) =>
        manifest.Files.Select(f => f.Platform).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
}

/// <summary>
/// Pack files that are extracted from a zip archive (a NuGet package: ONNX Runtime's CUDA build comes as
/// Microsoft.ML.OnnxRuntime.Gpu.*). Each archive downloads once per install into the staging folder (resumable,
/// like any pack file), is checked against its manifest size and sha256, and is deleted with the staging folder
/// once the pack is in place; each extracted file is then checked against its own size and sha256.
/// </summary>
internal sealed class PackArchives
{
    private const string FolderName = ".archives";
    private readonly ModelManifest _manifest;
    private readonly InstallRequest _request;
    private readonly string _folder;
    private readonly Dictionary<string, string> _downloaded = new(StringComparer.Ordinal);

    public PackArchives(ModelManifest manifest, InstallRequest request, string staging)
    {
        _manifest = manifest;
        _request = request;
        _folder = Path.Combine(staging, FolderName);
    }

    /// <summary>Writes <paramref name="file"/>'s entry of its archive, or what its conversion makes of it
    /// (<see cref="PackConversions"/>), to <paramref name="partPath"/>. <paramref name="source"/> is where the
    /// archive comes from (<see cref="PackSources.ResolveDownload"/>: resolved like a pack file whose path is the
    /// archive's relative URI, so a mirror holding the same relative paths — a NuGet flat container, the NuGet global
    /// packages folder — serves it too).</summary>
    public void Extract(ModelFile file, Uri source, string partPath, FileFetcher fetcher, IInstallObserver observer, CancellationToken cancellationToken)
    {
        string archivePath = Download(ArchiveOf(file), source, fetcher, observer, cancellationToken);
        if (file.Convert is not null)
        {
            PackConversions.Run(file, _manifest, archivePath, partPath, _request.Conversions, cancellationToken);
            return;
        }

        using ZipArchive zip = ZipFile.OpenRead(archivePath);
        ZipArchiveEntry entry = zip.GetEntry(file.Entry ?? string.Empty)
            ?? throw new ModelPackException("ModelManifestInvalid", $"The archive '{file.Archive}' of the pack '{_manifest.Name}' has no entry '{file.Entry}' (for '{file.Path}').");
        if (file.Size is long size && entry.Length != size)
        {
            throw new ModelDownloadException("ModelFileSizeMismatch", $"'{file.Entry}' in '{file.Archive}' is {entry.Length:N0} bytes; the manifest of '{_manifest.Name}' expects {size:N0}.");
        }

        using Stream extracted = entry.Open();
        using var target = new FileStream(partPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        extracted.CopyTo(target);
    }

    /// <summary>Removes the downloaded archives (the pack keeps only its files).</summary>
    public void Delete()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private ModelArchive ArchiveOf(ModelFile file)
    {
        if (file.Convert is null && string.IsNullOrWhiteSpace(file.Entry))
        {
            throw new ModelPackException("ModelManifestInvalid", $"The manifest of '{_manifest.Name}' extracts '{file.Path}' from an archive but names no entry.");
        }

        return _manifest.Archives?.FirstOrDefault(a => string.Equals(a.Uri, file.Archive, StringComparison.Ordinal))
            ?? throw new ModelPackException("ModelManifestInvalid", $"The manifest of '{_manifest.Name}' extracts '{file.Path}' from '{file.Archive}', which its \"archives\" list does not describe.");
    }

    private string Download(ModelArchive archive, Uri source, FileFetcher fetcher, IInstallObserver observer, CancellationToken cancellationToken)
    {
        if (_downloaded.TryGetValue(archive.Uri, out string? done))
        {
            return done;
        }

        string name = Path.GetFileName(source.LocalPath);
        Directory.CreateDirectory(_folder);
        string target = Path.Combine(_folder, string.IsNullOrEmpty(name) ? "archive-" + _downloaded.Count : name);
        string part = target + ".part";
        if (File.Exists(target) && Problem(archive, target) is null)
        {
            // Downloaded and checked by an earlier run that stopped before the pack was in place.
            _downloaded[archive.Uri] = target;
            return target;
        }

        for (int attempt = 1; ; attempt++)
        {
            try
            {
                fetcher.Fetch(source, part, archive.Size, (length, total) =>
                {
                    long? size = archive.Size ?? total;
                    observer.Progress(new InstallProgress(_manifest.Name, name, _downloaded.Count + 1, _manifest.Archives!.Count, length, size, length, size, 0));
                }, cancellationToken);
                break;
            }
            catch (ModelDownloadException e) when (e.ErrorId is "ModelDownloadInterrupted" or "ModelDownloadTimeout" && attempt < _request.MaxAttempts)
            {
                observer.Notice($"{e.Message} Retrying ({attempt + 1} of {_request.MaxAttempts}).");
            }
        }

        if (Problem(archive, part) is { } problem)
        {
            File.Delete(part);
            throw new ModelDownloadException(problem.StartsWith("size", StringComparison.Ordinal) ? "ModelFileSizeMismatch" : "ModelFileHashMismatch",
                $"The archive '{source}' of the pack '{_manifest.Name}' does not match its manifest: {problem}. The download was discarded; nothing was installed.");
        }

        if (archive.Sha256 is null)
        {
            observer.Notice($"The manifest gives no sha256 for the archive '{archive.Uri}'; its files are checked against their own hashes only.");
        }

        File.Move(part, target, overwrite: true);
        _downloaded[archive.Uri] = target;
        return target;
    }

    /// <summary>Null when the downloaded archive matches its manifest entry, else what is wrong.</summary>
    private static string? Problem(ModelArchive archive, string path)
    {
        long length = new FileInfo(path).Length;
        if (archive.Size is long expected && length != expected)
        {
            return $"size {length:N0} bytes, expected {expected:N0}";
        }

        if (archive.Sha256 is { } hash)
        {
            string actual = PackInstaller.Sha256Of(path);
            if (!string.Equals(actual, hash, StringComparison.OrdinalIgnoreCase))
            {
                return $"sha256 {actual}, expected {hash.ToLowerInvariant()}";
            }
        }

        return null;
    }
}
