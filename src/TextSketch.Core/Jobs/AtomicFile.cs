namespace TextSketch.Core.Jobs;

/// <summary>An output that already exists and may not be replaced.</summary>
public sealed class OutputExistsException : TextSketchException
{
    public OutputExistsException(string path)
        : base("OutputExists", $"'{path}' already exists; use -Force to replace it.")
    {
        Path = path;
    }

    public string Path { get; }
}

/// <summary>
/// Writes a file so that readers only ever see the old file or the complete new one: the bytes go to a hidden
/// temporary file in the same folder, are flushed to disk, then renamed over the destination. A failure or a
/// cancellation leaves no temporary file behind.
/// </summary>
public static class AtomicFile
{
    public const string TemporarySuffix = ".tmp";

    public static void Write(string path, ReadOnlySpan<byte> bytes, bool overwrite)
    {
        byte[] copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy), overwrite);
    }

    public static void Write(string path, Action<Stream> write, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = System.IO.Path.GetFullPath(path);
        string directory = System.IO.Path.GetDirectoryName(full)
            ?? throw new ArgumentException($"'{path}' has no parent folder.", nameof(path));
        if (!overwrite && File.Exists(full))
        {
            throw new OutputExistsException(full);
        }

        Directory.CreateDirectory(directory);
        string temporary = TemporaryPathFor(full);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            try
            {
                // Without overwrite, the move itself refuses an existing destination, so a race cannot clobber it.
                File.Move(temporary, full, overwrite);
            }
            catch (IOException) when (!overwrite && File.Exists(full))
            {
                throw new OutputExistsException(full);
            }
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Removes temporary files a killed writer left for <paramref name="path"/> (its own pattern only; a writer
    /// still running for the same path would be another job doing the same item, which jobs never do).</summary>
    public static int RemoveStaleTemporaries(string path) => new StaleTemporaries().RemoveFor(path);

    /// <summary>The output a temporary file of ours is for ("a.tsk" for ".a.tsk.&lt;32 hex&gt;.tmp"), else null.</summary>
    internal static string? TargetOf(string fileName)
    {
        const int Hex = 32;
        if (!fileName.StartsWith('.') || !fileName.EndsWith(TemporarySuffix, StringComparison.Ordinal) || fileName.Length < 2 + Hex + 1 + TemporarySuffix.Length)
        {
            return null;
        }

        string middle = fileName[^(Hex + TemporarySuffix.Length)..^TemporarySuffix.Length];
        return fileName[^(Hex + TemporarySuffix.Length + 1)] == '.' && middle.All(char.IsAsciiHexDigitLower)
            ? fileName[1..^(Hex + TemporarySuffix.Length + 1)]
            : null;
    }

    /// <summary>Hidden, unique, and never matching the destination's extension (so *.tsk listings skip it).</summary>
    public static string TemporaryPathFor(string fullPath) =>
        System.IO.Path.Combine(
            System.IO.Path.GetDirectoryName(fullPath)!,
            $".{System.IO.Path.GetFileName(fullPath)}.{Guid.NewGuid():N}{TemporarySuffix}");

    internal static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>
/// Temporary files killed writers left in the folders a job writes to. Each folder is listed once, when the job first
/// writes there (not once per item: a flat folder of a million records would be listed a million times), and an
/// output's leftovers are removed just before the job writes that output — never other outputs' (another shard may be
/// writing those). Called on one thread.
/// </summary>
public sealed class StaleTemporaries
{
    private readonly Dictionary<string, Dictionary<string, List<string>>> _folders = new(StringComparer.Ordinal);

    /// <summary>Removes the leftovers of <paramref name="path"/>; returns how many there were.</summary>
    public int RemoveFor(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        string? directory = System.IO.Path.GetDirectoryName(full);
        if (directory is null)
        {
            return 0;
        }

        if (!_folders.TryGetValue(directory, out Dictionary<string, List<string>>? byOutput))
        {
            byOutput = Scan(directory);
            _folders[directory] = byOutput;
        }

        if (!byOutput.Remove(System.IO.Path.GetFileName(full), out List<string>? leftovers))
        {
            return 0;
        }

        leftovers.ForEach(AtomicFile.TryDelete);
        return leftovers.Count;
    }

    private static Dictionary<string, List<string>> Scan(string directory)
    {
        var byOutput = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (!Directory.Exists(directory))
        {
            return byOutput;
        }

        foreach (string candidate in Directory.EnumerateFiles(directory, ".*" + AtomicFile.TemporarySuffix))
        {
            if (AtomicFile.TargetOf(System.IO.Path.GetFileName(candidate)) is { } output)
            {
                (byOutput.TryGetValue(output, out List<string>? list) ? list : byOutput[output] = []).Add(candidate);
            }
        }

        return byOutput;
    }
}
