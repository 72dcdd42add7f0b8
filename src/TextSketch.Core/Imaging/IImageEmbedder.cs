namespace TextSketch.Core.Imaging;

/// <summary>
/// Turns an image into a feature vector (for a distance metric, or to compare candidates): ResNet-18 features give
/// Measure-TextSketch's FeatureDistance, a CLIP image encoder (the clip-vit-b32 pack) its ClipDistance, the paper's
/// d_CLIP. Implementations must be safe to call from several threads.
/// </summary>
public interface IImageEmbedder
{
    /// <summary>What the vectors come from, for messages (e.g. "ResNet-18").</summary>
    string Name { get; }

    float[] EmbedImage(RgbImage image);
}
