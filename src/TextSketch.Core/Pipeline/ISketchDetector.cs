using TextSketch.Core.Imaging;
using TextSketch.Core.Sketch;

namespace TextSketch.Core.Pipeline;

/// <summary>A learned sketch model (-SketchModel): image to a thin binary edge map at the sketch resolution, with a
/// strength per edge pixel so rate control can drop the weakest first; the same sketch coders then code it.
/// Implementations are thread-safe and deterministic (same image, same map).</summary>
public interface ISketchDetector
{
    /// <summary>The pack it runs (for messages and logs).</summary>
    string Name { get; }

    EdgeMap Detect(RgbImage image, int width, int height, SketchOptions options, CancellationToken cancellationToken = default);
}

/// <summary>A model that writes a caption for an image (-Captioner). Thread-safe and deterministic.</summary>
public interface ICaptioner
{
    string Name { get; }

    /// <summary>The caption (already cleaned by <see cref="Caption.CaptionText"/>), or null when the model produced none.</summary>
    string? Caption(RgbImage image, CancellationToken cancellationToken = default);
}
