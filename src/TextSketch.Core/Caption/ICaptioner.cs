using TextSketch.Core.Imaging;
using TextSketch.Core.Text;

namespace TextSketch.Core.Caption;

/// <summary>A model that writes a caption for an image (-Captioner). Thread-safe and deterministic.</summary>
public interface ICaptioner
{
    string Name { get; }

    /// <summary>The vocabulary whose token sequences the captions are (CLIP prompt inversion), so the encoder may
    /// store them as token ids; null for captioners that write text.</summary>
    ClipTokenizer? TokenVocabulary { get; }

    /// <summary>The caption (already cleaned by <see cref="CaptionText"/>), or null when the model produced none.</summary>
    string? Caption(RgbImage image, CancellationToken cancellationToken = default);
}
