using TextSketch.Core.Coding;
using TextSketch.Core.Format;

namespace TextSketch.Core.Jobs;

/// <summary>The written record did not read back as written: the source is kept.</summary>
public sealed class VerificationFailedException : TextSketchException
{
    public VerificationFailedException(string output, string reason)
        : base("VerificationFailed", $"'{output}' did not read back as written ({reason}); the source was not removed.")
    {
    }
}

/// <summary>Deleting a source only once its record is safely on disk.</summary>
public static class SourceRemoval
{
    /// <summary>Reads <paramref name="output"/> back, checks it is a valid record byte-identical to
    /// <paramref name="expected"/>, and only then deletes <paramref name="source"/>.</summary>
    public static void VerifyThenRemove(string source, string output, byte[] expected, CaptionCoders? captionCoders = null)
    {
        byte[] actual;
        try
        {
            actual = File.ReadAllBytes(output);
            TskFile.Read(actual, output, captionCoders);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TskFormatException)
        {
            throw new VerificationFailedException(output, e.Message);
        }

        if (!actual.AsSpan().SequenceEqual(expected))
        {
            throw new VerificationFailedException(output, $"{actual.Length} bytes on disk differ from the {expected.Length} written");
        }

        File.Delete(source);
    }
}
