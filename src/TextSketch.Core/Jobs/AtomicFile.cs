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
    public static int RemoveStaleTemporaries(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        string? directory = System.IO.Path.GetDirectoryName(full);
        if (directory is null || !Directory.Exists(directory))
        {
            return 0;
        }

        string prefix = "." + System.IO.Path.GetFileName(full) + ".";
        int removed = 0;
        foreach (string candidate in Directory.EnumerateFiles(directory, prefix + "*" + TemporarySuffix))
        {
            string middle = System.IO.Path.GetFileName(candidate)[prefix.Length..^TemporarySuffix.Length];
            if (middle.Length == 32 && middle.All(char.IsAsciiHexDigitLower))
            {
                TryDelete(candidate);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>Hidden, unique, and never matching the destination's extension (so *.tsk listings skip it).</summary>
    public static string TemporaryPathFor(string fullPath) =>
        System.IO.Path.Combine(
            System.IO.Path.GetDirectoryName(fullPath)!,
            $".{System.IO.Path.GetFileName(fullPath)}.{Guid.NewGuid():N}{TemporarySuffix}");

    private static void TryDelete(string path)
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
