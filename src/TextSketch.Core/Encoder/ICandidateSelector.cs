using TextSketch.Core.Format;
using TextSketch.Core.Imaging;

namespace TextSketch.Core.Encoder;

/// <summary>Picks, among decoder seeds, the one whose reconstruction is closest to the original, and records its index.</summary>
public interface ICandidateSelector
{
    /// <summary>Extra bytes the choice can add to a record (kept free of a hard budget).</summary>
    int ReservedBytes { get; }

    /// <summary>The record of <paramref name="analysis"/> with the chosen candidate stored (its seed then decodes to
    /// that candidate); <paramref name="record"/> is the record without a choice.</summary>
    TskRecord Choose(ImageAnalysis analysis, TskRecord record, RgbImage original, CancellationToken cancellationToken);
}
