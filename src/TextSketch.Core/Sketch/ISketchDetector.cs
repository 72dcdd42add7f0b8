using TextSketch.Core.Imaging;

namespace TextSketch.Core.Sketch;

/// <summary>A learned sketch model (-SketchModel): image to a thin binary edge map at the sketch resolution, with a
/// strength per edge pixel so rate control can drop the weakest first; the same sketch coders then code it.
/// Implementations are thread-safe and deterministic (same image, same map), and own their model (Dispose).</summary>
public interface ISketchDetector : IDisposable
{
    /// <summary>The pack it runs (for messages and logs).</summary>
    string Name { get; }

    /// <summary>What kind of detector it is: the record stores it, so decoders can choose the matching ControlNet.</summary>
    SketchSource Source { get; }

    EdgeMap Detect(RgbImage image, int width, int height, SketchOptions options, CancellationToken cancellationToken = default);
}
