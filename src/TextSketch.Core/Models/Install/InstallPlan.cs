using System.Globalization;

namespace TextSketch.Core.Models.Install;

/// <summary>
/// A check of a pack's downloaded files beyond their sizes and hashes, run before the pack counts as installed (the
/// module's: every ONNX file loads and has the signature its role needs). It lives outside the installer because
/// only the stages that run models know what they need of them.
/// </summary>
public interface IPackContentCheck
{
    /// <summary>Whether <see cref="Check"/> looks at <paramref name="file"/> at all (for -WhatIf and messages).</summary>
    bool Applies(ModelManifest manifest, ModelFile file);

    /// <summary>Throws a <see cref="ModelPackException"/> saying what is wrong when the file at <paramref name="path"/>
    /// is not usable as <paramref name="file"/> of a pack like <paramref name="manifest"/>.</summary>
    void Check(ModelManifest manifest, ModelFile file, string path);
}

/// <summary>
/// What an install will do, decided before anything is downloaded: how much it downloads, which files it checks
/// against the manifest's sha256 and which it pins, and whether it may fetch them at all. The one rule for files
/// whose sha256 the manifest does not give ("sha256": null): from the manifest's own sources the first download pins
/// the hash (with a warning) and later checks use it; from a mirror they are refused unless the user trusts the
/// mirror (<see cref="InstallRequest.TrustMirror"/>), because nothing could tell a mirror's bad copy from a good one.
/// Files with a known sha256 are checked against it wherever they come from, and so are the archive downloads files
/// are extracted or converted from: a file made from an archive with a known sha256 needs no trust either (the same
/// bytes always give the same file), only its own hash is pinned.
/// </summary>
public sealed class InstallPlan
{
    private InstallPlan(ModelManifest manifest, InstallRequest request, IReadOnlyList<ModelFile> unhashed, IReadOnlyList<ModelFile> unverifiable, long downloadBytes, int downloads, int unknownSizes)
    {
        Manifest = manifest;
        Request = request;
        UnhashedFiles = unhashed;
        UncheckedFiles = unverifiable;
        DownloadBytes = downloadBytes;
        Downloads = downloads;
        DownloadsOfUnknownSize = unknownSizes;
    }

    /// <summary>The manifest with this machine's files only.</summary>
    public ModelManifest Manifest { get; }

    public InstallRequest Request { get; }

    /// <summary>Files the manifest gives no sha256 for (their hash is pinned at install).</summary>
    public IReadOnlyList<ModelFile> UnhashedFiles { get; }

    /// <summary>The <see cref="UnhashedFiles"/> whose bytes no sha256 in the manifest vouches for: those not made from an
    /// archive download with a known sha256. Only these need a trusted source.</summary>
    public IReadOnlyList<ModelFile> UncheckedFiles { get; }

    /// <summary>Bytes to download, over the downloads whose size the manifest gives (archives count once, not their
    /// extracted files).</summary>
    public long DownloadBytes { get; }

    /// <summary>Separate downloads: files fetched on their own plus archives files are extracted from.</summary>
    public int Downloads { get; }

    public int DownloadsOfUnknownSize { get; }

    /// <summary>True when the files without a sha256 come from a mirror the user has not said to trust.</summary>
    public bool Refused => Request.Mirror is not null && !Request.TrustMirror && UncheckedFiles.Count > 0;

    public static InstallPlan For(InstallRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ModelManifest manifest = PackPlatforms.ForThisMachine(request.Manifest);
        var unhashed = manifest.Files.Where(f => f.Sha256 is null).ToList();
        var unverifiable = unhashed.Where(f => f.Archive is null || manifest.Archives?.FirstOrDefault(a => string.Equals(a.Uri, f.Archive, StringComparison.Ordinal))?.Sha256 is null).ToList();
        long bytes = 0;
        int downloads = 0;
        int unknown = 0;
        foreach (ModelFile file in manifest.Files.Where(f => f.Archive is null))
        {
            Count(file.Size);
        }

        foreach (string uri in manifest.Files.Select(f => f.Archive).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            Count(manifest.Archives?.FirstOrDefault(a => string.Equals(a.Uri, uri, StringComparison.Ordinal))?.Size);
        }

        return new InstallPlan(manifest, request, unhashed, unverifiable, bytes, downloads, unknown);

        void Count(long? size)
        {
            downloads++;
            if (size is long known)
            {
                bytes += known;
            }
            else
            {
                unknown++;
            }
        }
    }

    /// <summary>Throws <c>ModelMirrorUntrusted</c> (before anything is downloaded) when <see cref="Refused"/>.</summary>
    public void RequireTrustedSources()
    {
        if (Refused)
        {
            throw new ModelPackException("ModelMirrorUntrusted",
                $"The manifest of '{Manifest.Name}' gives no sha256 for {Files(UncheckedFiles)}, so nothing could check the copy the mirror '{Request.Mirror}' serves. " +
                "Install from the manifest's own source instead (leave out -Mirror; the first download pins the hash), or add -TrustMirror if you trust this mirror. Nothing was downloaded.");
        }
    }

    /// <summary>One sentence for -WhatIf and -Confirm: files, download size, source, and how each file is verified.</summary>
    public string Describe(IPackContentCheck? contentCheck)
    {
        string size = DownloadsOfUnknownSize == 0 ? $"download {FormatBytes(DownloadBytes)}"
            : DownloadsOfUnknownSize == Downloads ? "download size unknown (the manifest gives none)"
            : $"download at least {FormatBytes(DownloadBytes)} ({DownloadsOfUnknownSize} of {Downloads} downloads of unknown size)";
        int archives = Manifest.Files.Where(f => f.Convert is null).Select(f => f.Archive).OfType<string>().Distinct(StringComparer.Ordinal).Count();
        int converted = Manifest.Files.Count(f => f.Convert is not null);
        string files = $"{Manifest.Files.Count} {(Manifest.Files.Count == 1 ? "file" : "files")}{(archives > 0 ? $" from {archives} {(archives == 1 ? "archive" : "archives")}" : string.Empty)}"
            + (converted == 0 ? string.Empty : converted == Manifest.Files.Count ? " converted on this machine" : $", {converted} converted on this machine");
        string source = Request.Mirror is not null ? $"from the mirror {Request.Mirror}" : $"from {string.Join(", ", Sources())}";
        string hashes = UnhashedFiles.Count == 0
            ? "every file checked against the sha256 in the manifest"
            : Refused
                ? $"refused: no sha256 in the manifest for {Files(UncheckedFiles)}, and the mirror is not trusted (-TrustMirror)"
                : UnhashedFiles.Count == Manifest.Files.Count
                    ? $"no sha256 in the manifest: each file's hash is pinned from this {(Request.Mirror is null ? "first" : "mirror's")} download (with a warning)"
                    : $"no sha256 in the manifest for {Files(UnhashedFiles)}: pinned from this {(Request.Mirror is null ? "first" : "mirror's")} download (with a warning), the other files checked against theirs";
        int models = contentCheck is null ? 0 : Manifest.Files.Count(f => contentCheck.Applies(Manifest, f));
        string load = models == 0 ? string.Empty : $"; {(models == 1 ? "the ONNX model is" : $"all {models} ONNX models are")} loaded and signature-checked before the pack counts as installed";
        return $"Install model pack '{Manifest.Name}' ({files}, {size}) {source}; {hashes}{load}";
    }

    /// <summary>A byte count for people: 1 decimal in KiB, MiB or GiB.</summary>
    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => $"{bytes} bytes",
    };

    private static string Files(IReadOnlyList<ModelFile> files) =>
        files.Count <= 3 ? string.Join(", ", files.Select(f => f.Path)) : $"{string.Join(", ", files.Take(3).Select(f => f.Path))} and {files.Count - 3} more";

    private IEnumerable<string> Sources()
    {
        var seen = new List<string>();
        foreach (ModelFile file in Manifest.Files)
        {
            string where;
            try
            {
                Uri uri = PackSources.ResolveDownload(file, Manifest, Request.ManifestLocation, null);
                where = uri.IsFile ? Path.GetDirectoryName(uri.LocalPath) ?? uri.LocalPath : uri.Host;
            }
            catch (ModelPackException)
            {
                where = "(no source)";
            }

            if (!seen.Contains(where, StringComparer.OrdinalIgnoreCase))
            {
                seen.Add(where);
            }
        }

        return seen;
    }
}
