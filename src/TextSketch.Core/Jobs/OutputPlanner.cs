using System.Runtime.InteropServices;

namespace TextSketch.Core.Jobs;

/// <summary>A source outside the job's -BasePath.</summary>
public sealed class SourceOutsideBaseException : TextSketchException
{
    public SourceOutsideBaseException(string source, string basePath)
        : base("SourceOutsideBasePath", $"'{source}' is not under the base path '{basePath}', so it has no place in the mirrored tree.")
    {
    }
}

/// <summary>An output name claimed for one item of a job; <see cref="ClashedWith"/> is set when the plain name was
/// already taken by an earlier item of the same job and this one got a longer name instead.</summary>
public sealed record OutputClaim(string Path, string? ClashedWith)
{
    public bool Renamed => ClashedWith is not null;
}

/// <summary>
/// Where each item's output goes, the one rule for both directions (records from images, images from records).
/// Flat (no base path): <c>&lt;destination&gt;/&lt;stem&gt;&lt;extension&gt;</c>. Mirrored: the source's folder relative to
/// the base path is kept under the destination. Two items of one job that would share an output (a.jpg and a.png,
/// or same-named files from different folders in a flat job) never overwrite each other and never fail for it: the
/// first in input order gets <c>a.tsk</c>, later ones their own extension added, <c>a.png.tsk</c>, then a number,
/// <c>a.png.2.tsk</c> (expanding: <c>a.png</c>, <c>a.tsk.png</c>, <c>a.tsk.2.png</c>). The same input in the same
/// order always gives the same names, which is what resuming with -SkipExisting relies on. Claimed names are kept as
/// 64-bit hashes, so a million-item job holds about 24 MB for them.
/// </summary>
public sealed class OutputPlanner
{
    /// <summary>The extension of records.</summary>
    public const string Extension = ".tsk";

    private readonly HashSet<ulong> _claimed = [];
    private readonly bool _caseInsensitive = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX);
    private readonly string _extension;

    /// <param name="extension">What outputs end with: <see cref="Extension"/> for records, ".png" (or ".sketch.png")
    /// for images.</param>
    public OutputPlanner(string destination, string? basePath, string extension = Extension)
    {
        Destination = Path.GetFullPath(destination);
        BasePath = basePath is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(basePath));
        _extension = extension;
    }

    public string Destination { get; }

    public string? BasePath { get; }

    /// <summary>The source's path relative to the base path ('/'-separated), or its file name in a flat job.</summary>
    public string RelativePath(string source) => RelativeTo(BasePath, source);

    /// <summary>The path of <paramref name="source"/> relative to <paramref name="basePath"/> ('/'-separated), or its
    /// file name when there is no base path.</summary>
    public static string RelativeTo(string? basePath, string source)
    {
        string full = Path.GetFullPath(source);
        if (basePath is null)
        {
            return Path.GetFileName(full);
        }

        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(basePath));
        string relative = Path.GetRelativePath(root, full);
        if (relative == "." || relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            throw new SourceOutsideBaseException(full, root);
        }

        return relative.Replace('\\', '/');
    }

    /// <summary>The output for <paramref name="source"/>, claimed for this job.</summary>
    public OutputClaim Claim(string source)
    {
        string relative = RelativePath(source);
        string folder = Path.GetDirectoryName(relative) ?? string.Empty;
        string stem = Path.GetFileNameWithoutExtension(relative);
        string extension = Path.GetExtension(relative).TrimStart('.');
        string directory = Path.Combine(Destination, folder);
        string plain = Path.Combine(directory, stem + _extension);
        string candidate = plain;
        for (int n = 1; !_claimed.Add(Key(candidate)); n++)
        {
            string suffix = extension.Length == 0 ? "_" : extension;
            candidate = Path.Combine(directory, n == 1 ? $"{stem}.{suffix}{_extension}" : $"{stem}.{suffix}.{n}{_extension}");
        }

        return new OutputClaim(candidate, candidate == plain ? null : plain);
    }

    private ulong Key(string path) => ShardSpec.Hash(_caseInsensitive ? path.ToUpperInvariant() : path);
}

/// <summary>How a job tells the user about renamed outputs: the rule once, in a warning at the first clash; each
/// renamed item in a verbose line (and in the log); the total in a closing warning when there were several.</summary>
internal sealed class ClashNotices
{
    private readonly IJobHost _host;

    public ClashNotices(IJobHost host) => _host = host;

    public int Count { get; private set; }

    public void Note(OutputClaim claim, string source)
    {
        if (!claim.Renamed)
        {
            return;
        }

        Count++;
        string what = $"'{source}' is written as '{claim.Path}': '{Path.GetFileName(claim.ClashedWith)}' is already the output of an earlier item of this command.";
        if (Count == 1)
        {
            _host.Warning(what + " Outputs never overwrite each other: a later item with the same name gets its own extension added (then a number); " +
                "the same input in the same order gives the same names. Further renames are listed with -Verbose and in -LogPath.");
        }
        else
        {
            _host.Verbose(what);
        }
    }

    public void Finish()
    {
        if (Count > 1)
        {
            _host.Warning($"{Count} outputs of this command were renamed because their names clashed (see -Verbose or -LogPath).");
        }
    }
}
