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

/// <summary>
/// Where each source's record goes. Flat (no base path): <c>&lt;destination&gt;/&lt;stem&gt;.tsk</c>. Mirrored: the
/// source's folder relative to the base path is kept under the destination. Two sources of one job that would share
/// an output (a.jpg and a.png, or photos from different folders in a flat job) never overwrite each other: the first
/// in input order gets <c>a.tsk</c>, later ones <c>a.png.tsk</c>, then <c>a.png.2.tsk</c>, ... Claimed names are kept
/// as 64-bit hashes, so a million-file job holds about 24 MB for them.
/// </summary>
public sealed class OutputPlanner
{
    public const string Extension = ".tsk";

    private readonly HashSet<ulong> _claimed = [];
    private readonly bool _caseInsensitive = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX);

    public OutputPlanner(string destination, string? basePath)
    {
        Destination = Path.GetFullPath(destination);
        BasePath = basePath is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(basePath));
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
    public string Claim(string source)
    {
        string relative = RelativePath(source);
        string folder = Path.GetDirectoryName(relative) ?? string.Empty;
        string stem = Path.GetFileNameWithoutExtension(relative);
        string extension = Path.GetExtension(relative).TrimStart('.');
        string directory = Path.Combine(Destination, folder);
        string candidate = Path.Combine(directory, stem + Extension);
        for (int n = 1; !_claimed.Add(Key(candidate)); n++)
        {
            string suffix = extension.Length == 0 ? "_" : extension;
            candidate = Path.Combine(directory, n == 1 ? $"{stem}.{suffix}{Extension}" : $"{stem}.{suffix}.{n}{Extension}");
        }

        return candidate;
    }

    private ulong Key(string path) => ShardSpec.Hash(_caseInsensitive ? path.ToUpperInvariant() : path);
}
