using TextSketch.Core.Imaging;

namespace TextSketch.Core.Metrics;

/// <summary>
/// Turns an image into a feature vector for a distance metric. <see cref="ResNetFeatureExtractor"/> gives
/// FeatureDistance; a CLIP image encoder (the clip-vit-b32 pack) plugged into <see cref="QualityMeter"/> as its
/// <c>clipEmbedder</c> gives ClipDistance, the paper's d_CLIP. Implementations must be safe to call from several threads.
/// </summary>
public interface IImageEmbedder
{
    /// <summary>What the vectors come from, for messages (e.g. "ResNet-18").</summary>
    string Name { get; }

    float[] EmbedImage(RgbImage image);
}
