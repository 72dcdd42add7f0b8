using TextSketch.Core.Format;

namespace TextSketch.Core.Decoding;

/// <summary>The one pixel-limit check of decoding: a corrupt or hostile record cannot make any decoder allocate an
/// image the user did not allow (-MaxPixels).</summary>
public static class DecodeLimits
{
    /// <summary>Throws <c>RecordTooLarge</c> when <paramref name="document"/> declares more than
    /// <paramref name="maxPixels"/> pixels; <paramref name="name"/> names the record in the message.</summary>
    public static void Require(TskDocument document, long maxPixels, string name)
    {
        ArgumentNullException.ThrowIfNull(document);
        if ((long)document.Width * document.Height > maxPixels)
        {
            throw new TextSketchException("RecordTooLarge",
                $"'{name}' declares {document.Width}x{document.Height} pixels, over the limit of {maxPixels:N0} (raise -MaxPixels if it is genuine).");
        }
    }

    /// <summary>Throws <c>DecodeNeedsMoreMemory</c> when decoding <paramref name="document"/> would need
    /// <paramref name="workingBytes"/> (its decoder's estimate) and that is more than the process may use
    /// (<paramref name="availableBytes"/>): a clear error instead of running out of memory part-way.</summary>
    public static void RequireMemory(TskDocument document, string decoderName, long workingBytes, long availableBytes, string name)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (workingBytes > availableBytes)
        {
            throw new TextSketchException("DecodeNeedsMoreMemory",
                $"'{name}' is {document.Width}x{document.Height}: the {decoderName} decoder needs about {Gigabytes(workingBytes)} GB of memory for it, " +
                $"more than the {Gigabytes(availableBytes)} GB this process may use. Decode it on a machine (or in a container) with more memory.");
        }
    }

    private static string Gigabytes(long bytes) => (bytes / (double)(1L << 30)).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
}
