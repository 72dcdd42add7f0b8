using System.Diagnostics;

namespace TextSketch.Core.Models.Install;

/// <summary>A pack file in the staging folder: its manifest entry, where it is, and where its bytes came from (for a
/// file extracted or converted from an archive download, that download). <paramref name="Origin"/> says how it was
/// made when it was not downloaded as it is (e.g. converted on this machine from a downloaded checkpoint): the pin
/// warning then says that instead of naming the download.</summary>
public sealed record StagedFile(ModelFile Entry, string Path, Uri Source, string? Origin = null);

/// <summary>
/// The installer's first step: every file of the pack into the staging folder, each downloaded (or extracted from
/// its archive) into &lt;file&gt;.part, checked against the manifest's size and sha256 where it gives them, and only
/// then given its real name. A file finished by an earlier run is kept when it still matches. Progress goes to the
/// observer in bytes, on the caller's thread.
/// </summary>
internal sealed class FetchStep
{
    private readonly ModelManifest _manifest;
    private readonly InstallRequest _request;
    private readonly string _staging;
    private readonly IInstallObserver _observer;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _doneBefore;
    private long _lastReport = -1000;

    public FetchStep(ModelManifest manifest, InstallRequest request, string staging, IInstallObserver observer)
    {
        _manifest = manifest;
        _request = request;
        _staging = staging;
        _observer = observer;
    }

    /// <summary>Bytes that came over the wire in this run (resumed and kept files not counted).</summary>
    public long BytesDownloaded { get; private set; }

    public List<StagedFile> Run(CancellationToken cancellationToken)
    {
        long? total = _manifest.Files.All(f => f.Size is not null) ? _manifest.TotalSize : null;
        using var fetcher = new FileFetcher(_request.Timeout);
        var staged = new List<StagedFile>();
        PackArchives? archives = null;
        for (int i = 0; i < _manifest.Files.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ModelFile file = _manifest.Files[i];
            string target = ModelPaths.FileInPack(_staging, file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            PackInstaller.RefuseLinks(_staging, target);
            string part = target + ".part";
            Uri source = PackSources.ResolveDownload(file, _manifest, _request.ManifestLocation, _request.Mirror);
            string? origin = OriginOf(file, source);

            if (File.Exists(target) && PackInstaller.Verify(target, file) is null)
            {
                // Finished and verified in an earlier run that stopped later on.
                _doneBefore += new FileInfo(target).Length;
                staged.Add(new StagedFile(file, target, source, origin));
                continue;
            }

            File.Delete(target);
            if (file.Archive is not null)
            {
                (archives ??= new PackArchives(_manifest, _request, _staging)).Extract(file, source, part, fetcher, _observer, cancellationToken);
            }
            else
            {
                Download(fetcher, file, source, part, i, total, cancellationToken);
            }

            string? problem = PackInstaller.Verify(part, file);
            if (problem is not null)
            {
                File.Delete(part);
                throw new ModelDownloadException(problem.StartsWith("size", StringComparison.Ordinal) ? "ModelFileSizeMismatch" : "ModelFileHashMismatch",
                    $"'{file.Path}' of the pack '{_manifest.Name}' {origin ?? $"from '{source}'"} does not match its manifest: {problem}. " +
                    $"The {(file.Convert is null ? "download" : "converted file")} was discarded; nothing was installed.");
            }

            File.Move(part, target, overwrite: true);
            _doneBefore += new FileInfo(target).Length;
            staged.Add(new StagedFile(file, target, source, origin));
        }

        archives?.Delete();
        return staged;
    }

    /// <summary>How a file not downloaded as it is was made, for messages; null for a plain download.</summary>
    private static string? OriginOf(ModelFile file, Uri source) =>
        file.Convert is not null ? $"converted on this machine ({file.Convert}) from '{source}'"
        : file.Archive is not null ? $"extracted from '{source}'"
        : null;

    private void Download(FileFetcher fetcher, ModelFile file, Uri source, string part, int index, long? total, CancellationToken cancellationToken)
    {
        long fileDone = File.Exists(part) ? new FileInfo(part).Length : 0;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                fetcher.Fetch(source, part, file.Size, (length, fileTotal) =>
                {
                    // A server that ignores the Range request starts the file again from zero.
                    BytesDownloaded += Math.Max(0, length - fileDone);
                    fileDone = length;
                    long now = _clock.ElapsedMilliseconds;
                    if (now - _lastReport >= 200 || length == (file.Size ?? fileTotal))
                    {
                        _lastReport = now;
                        double rate = now > 0 ? BytesDownloaded * 1000.0 / now : 0;
                        _observer.Progress(new InstallProgress(_manifest.Name, file.Path, index + 1, _manifest.Files.Count, _doneBefore + length, total, length, file.Size ?? fileTotal, rate));
                    }
                }, cancellationToken);
                return;
            }
            catch (ModelDownloadException e) when (e.ErrorId is "ModelDownloadInterrupted" or "ModelDownloadTimeout" && attempt < _request.MaxAttempts)
            {
                _observer.Notice($"{e.Message} Retrying ({attempt + 1} of {_request.MaxAttempts}).");
            }
        }
    }
}
