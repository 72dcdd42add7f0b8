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
}
