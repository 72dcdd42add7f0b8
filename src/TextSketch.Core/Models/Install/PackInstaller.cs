using System.Security.Cryptography;

namespace TextSketch.Core.Models.Install;

/// <summary>
/// Installs a model pack so that it is either completely there or not there at all, in four steps: fetch each file
/// into a staging folder (&lt;root&gt;/.partial/&lt;name&gt;/, each into &lt;file&gt;.part first, resumable across
/// runs) — downloaded, extracted from its archive, or converted from its download on this machine
/// (<see cref="InstallRequest.Conversions"/>) — and check it against the manifest's size and sha256 before it takes
/// its real name (archives are checked against theirs first, and deleted once the files are out); check the pack's
/// contents (<see cref="InstallRequest.ContentCheck"/>: every ONNX model loads and has its role's signature); pin
/// the hashes the manifest does not know (<see cref="InstallPlan"/> has the rule for them); write manifest.json last
/// and let the staging folder replace &lt;root&gt;/&lt;name&gt;/ with one rename. Any failure installs nothing.
/// </summary>
public static class PackInstaller
{
    public const string StagingFolderName = ".partial";

    public static InstallResult Install(InstallRequest request, IInstallObserver observer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentNullException.ThrowIfNull(request.ContentCheck);
        ModelManifest manifest = PackPlatforms.Require(request.Manifest);
        string name = CheckPackName(manifest.Name);
        CheckFiles(manifest);
        string root = Path.GetFullPath(request.Root);
        string final = Path.Combine(root, name);

        if (!request.Force && InstalledPack.Find(root, name) is { } present)
        {
            return new InstallResult(present, AlreadyInstalled: true, 0, []);
        }

        if (Directory.Exists(final) && !request.Force && !File.Exists(Path.Combine(final, ModelManifest.InstalledFileName)))
        {
            throw new ModelPackException("ModelPackFolderExists",
                $"'{final}' exists but holds no installed pack (no {ModelManifest.InstalledFileName}); move it away or use -Force to replace it.");
        }

        InstallPlan.For(request).RequireTrustedSources();
        Directory.CreateDirectory(root);
        string stagingRoot = Path.Combine(root, StagingFolderName);
        string staging = Path.Combine(stagingRoot, name);
        Directory.CreateDirectory(staging);
        RefuseLinks(root, staging);
        CheckFreeSpace(staging, manifest);

        var fetch = new FetchStep(manifest, request, staging, observer);
        List<StagedFile> staged = fetch.Run(cancellationToken);
        CheckContents(manifest, staged, request.ContentCheck, cancellationToken);
        var pinned = new List<string>();
        List<ModelFile> installedFiles = staged.Select(file => Pin(file, pinned, observer, request.Mirror)).ToList();

        // manifest.json last: its presence is what makes a folder an installed pack.
        ModelManifest installed = manifest with { Files = installedFiles };
        string manifestPath = Path.Combine(staging, ModelManifest.InstalledFileName);
        File.WriteAllText(manifestPath + ".tmp", installed.ToJson());
        File.Move(manifestPath + ".tmp", manifestPath, overwrite: true);
        cancellationToken.ThrowIfCancellationRequested();
        Swap(staging, final, stagingRoot);
        TryDelete(stagingRoot, onlyIfEmpty: true);

        InstalledPack pack = InstalledPack.Find(root, name)
            ?? throw new ModelPackException("ModelPackIncomplete", $"The pack '{name}' was moved into '{final}' but does not read back as installed.");
        return new InstallResult(pack, AlreadyInstalled: false, fetch.BytesDownloaded, pinned);
    }

    /// <summary>Every staged file through the content check; a file that fails is deleted (the next run fetches it
    /// again) and the install stops with the check's error id, naming the file, its source and the reason.</summary>
    private static void CheckContents(ModelManifest manifest, IReadOnlyList<StagedFile> staged, IPackContentCheck check, CancellationToken cancellationToken)
    {
        foreach (StagedFile file in staged)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                check.Check(manifest, file.Entry, file.Path);
            }
            catch (ModelPackException e)
            {
                File.Delete(file.Path);
                throw new ModelPackException(e.ErrorId,
                    $"'{file.Entry.Path}' of the pack '{manifest.Name}' (from '{file.Source}') is not a model the pack can use: {e.Message} The file was discarded; nothing was installed.", e);
            }
        }
    }

    /// <summary>A pack name is one plain folder name.</summary>
    public static string CheckPackName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Contains('/') || name.StartsWith('.') || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ModelPackException("ModelManifestInvalid", $"'{name}' is not a valid pack name: use letters, digits, '-' and '_'.");
        }

        ModelPaths.CheckRelative(name, name);
        return name;
    }

    private static void CheckFiles(ModelManifest manifest)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (ModelFile file in manifest.Files)
        {
            ModelPaths.CheckRelative(file.Path, manifest.Name);
            if (!seen.Add(file.Path) || string.Equals(file.Path, ModelManifest.InstalledFileName, StringComparison.OrdinalIgnoreCase) || file.Path.EndsWith(".part", StringComparison.OrdinalIgnoreCase))
            {
                throw new ModelPackException("ModelManifestInvalid", $"The manifest of '{manifest.Name}' lists '{file.Path}' twice or under a reserved name.");
            }

            if (file.Sha256 is { } hash && (hash.Length != 64 || !hash.All(Uri.IsHexDigit)))
            {
                throw new ModelPackException("ModelManifestInvalid", $"The manifest of '{manifest.Name}' gives '{file.Path}' the sha256 '{hash}', which is not 64 hex digits.");
            }
        }
    }

    /// <summary>Null when the file matches its manifest entry, else what is wrong.</summary>
    internal static string? Verify(string path, ModelFile file)
    {
        long length = new FileInfo(path).Length;
        if (file.Size is long size && length != size)
        {
            return $"size {length:N0} bytes, expected {size:N0}";
        }

        if (file.Sha256 is { } expected)
        {
            string actual = Sha256Of(path);
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            {
                return $"sha256 {actual}, expected {expected.ToLowerInvariant()}";
            }
        }

        return null;
    }

    private static ModelFile Pin(StagedFile staged, List<string> pinned, IInstallObserver observer, Uri? mirror)
    {
        ModelFile file = staged.Entry;
        long length = new FileInfo(staged.Path).Length;
        if (file.Sha256 is not null)
        {
            return file with { Size = length, Sha256 = file.Sha256.ToLowerInvariant() };
        }

        string hash = Sha256Of(staged.Path);
        pinned.Add(file.Path);
        string from = staged.Origin is { } made ? $"the file {made}" : mirror is null ? "its first download" : $"the trusted mirror's copy ({staged.Source})";
        observer.Notice($"The manifest gives no sha256 for '{file.Path}'; pinned {hash} ({length:N0} bytes) from {from}. Later checks use it.");
        return file with { Size = length, Sha256 = hash };
    }

    public static string Sha256Of(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }

    /// <summary>Refuses a symbolic link (or junction) anywhere from <paramref name="top"/> down to <paramref name="path"/>:
    /// a link would let a pack write or read outside its folder.</summary>
    internal static void RefuseLinks(string top, string path)
    {
        string current = Path.GetFullPath(path);
        string stop = Path.GetFullPath(top).TrimEnd(Path.DirectorySeparatorChar);
        // <paramref name="top"/> itself may be a link (a model root on another disk is fine); only what is below it counts.
        while (current.Length > stop.Length)
        {
            var info = new FileInfo(current);
            if ((info.Exists || Directory.Exists(current)) && (info.Attributes.HasFlag(FileAttributes.ReparsePoint) || info.LinkTarget is not null))
            {
                throw new ModelPackException("ModelPathEscapes", $"'{current}' is a link; pack files must be plain files inside the pack folder.");
            }

            current = Path.GetDirectoryName(current) ?? stop;
        }
    }

    private static void CheckFreeSpace(string staging, ModelManifest manifest)
    {
        long needed = 0;
        foreach (ModelFile file in manifest.Files)
        {
            if (file.Size is not long size)
            {
                continue;
            }

            string target = ModelPaths.FileInPack(staging, file.Path);
            long have = File.Exists(target) ? new FileInfo(target).Length : File.Exists(target + ".part") ? new FileInfo(target + ".part").Length : 0;
            needed += Math.Max(0, size - have);
        }

        if (DiskSpace.Available(staging) is long free && needed > free)
        {
            throw new ModelDownloadException("ModelDiskFull",
                $"The pack '{manifest.Name}' needs {needed:N0} more bytes but only {free:N0} are free where '{staging}' lives.");
        }
    }

    private static void Swap(string staging, string final, string stagingRoot)
    {
        string? old = null;
        if (Directory.Exists(final))
        {
            old = Path.Combine(stagingRoot, Path.GetFileName(final) + ".old-" + Guid.NewGuid().ToString("N"));
            Directory.Move(final, old);
        }

        try
        {
            Directory.Move(staging, final);
        }
        catch
        {
            if (old is not null && !Directory.Exists(final))
            {
                Directory.Move(old, final);
            }

            throw;
        }

        if (old is not null)
        {
            TryDelete(old, onlyIfEmpty: false);
        }
    }

    private static void TryDelete(string directory, bool onlyIfEmpty)
    {
        try
        {
            if (onlyIfEmpty && Directory.EnumerateFileSystemEntries(directory).Any())
            {
                return;
            }

            Directory.Delete(directory, recursive: !onlyIfEmpty);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Leftovers in .partial are harmless; the next install cleans or reuses them.
        }
    }
}
