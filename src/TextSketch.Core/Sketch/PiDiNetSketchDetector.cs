using TextSketch.Core.Imaging;
using TextSketch.Core.Models;
using TextSketch.Core.Onnx;
using TextSketch.Core.Sketch.PiDiNet;

namespace TextSketch.Core.Sketch;

/// <summary>
/// Sketches with PiDiNet (pack "pidinet", -SketchModel pidinet). The network runs at the detection resolution the
/// built-in detector uses — the image's own size, or the image resampled to <see cref="SketchOptions.DetectionScale"/>
/// times the sketch's when it is larger — so its cost is bounded whatever the photo's size; the soft map is then
/// thinned to the sketch by <see cref="SoftEdgeThinning"/> (ridges, hysteresis between the pack's thresholds,
/// one-pixel lines, reduction onto the sketch grid), each edge pixel keeping its probability for rate control.
/// </summary>
public sealed class PiDiNetSketchDetector : ISketchDetector
{
    private readonly PiDiNetRunner _runner;
    private readonly double _strong;
    private readonly double _weak;

    public PiDiNetSketchDetector(InstalledPack pack, OnnxSessionFactory sessions)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(sessions);
        Name = pack.Name;
        _runner = PiDiNetRunner.Open(sessions, pack.PathOf(PiDiNetRunner.ModelRole), $"{pack.Name}/{PiDiNetRunner.ModelRole}");
        var settings = new PackSettings(pack.Manifest);
        _strong = settings.Double("strongThreshold", 0.5);
        _weak = settings.Double("weakThreshold", 0.25);
    }

    public string Name { get; }

    public SketchSource Source => SketchSource.PiDiNet;

    public EdgeMap Detect(RgbImage image, int width, int height, SketchOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        (float[] map, int mapWidth, int mapHeight) = SoftMap(image, width, height, options);
        cancellationToken.ThrowIfCancellationRequested();
        return SoftEdgeThinning.ToSketch(map, mapWidth, mapHeight, width, height, _strong, _weak, options.MinComponentPixels);
    }

    /// <summary>PiDiNet's edge probabilities (row-major) at the detection resolution for a <paramref name="width"/> x
    /// <paramref name="height"/> sketch.</summary>
    public (float[] Map, int Width, int Height) SoftMap(RgbImage image, int width, int height, SketchOptions options)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        int scale = Math.Max(1, options.DetectionScale);
        int mapWidth = Math.Min(image.Width, width * scale);
        int mapHeight = Math.Min(image.Height, height * scale);
        return (_runner.SoftMap(image, mapWidth, mapHeight), mapWidth, mapHeight);
    }

    public void Dispose() => _runner.Dispose();
}
