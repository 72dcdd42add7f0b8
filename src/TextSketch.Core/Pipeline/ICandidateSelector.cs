using TextSketch.Core.Format;
using TextSketch.Core.Imaging;

namespace TextSketch.Core.Pipeline;

/// <summary>Picks, among decoder seeds, the one whose reconstruction is closest to the original, and records its index.</summary>
public interface ICandidateSelector
{
    /// <summary>Extra bytes the choice can add to a record (kept free of a hard budget).</summary>
    int ReservedBytes { get; }

    /// <summary>The record with the chosen candidate stored (its seed then decodes to that candidate).</summary>
    TskRecord Choose(TskRecord record, RgbImage original, CancellationToken cancellationToken);
}
