using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TextSketch.Core.Imaging;
using TextSketch.Core.Models;
using TextSketch.Core.Onnx;

namespace TextSketch.Core.Sketch;

/// <summary>
/// Sketches with the HED soft-edge model (pack "hed", -SketchModel hed): the image is fitted into the model's square
/// input (long side, edge pixels repeated into the padding so the border makes no edge), the soft map of the image
/// area is thinned to the sketch resolution by <see cref="SoftEdgeThinning"/>.
/// </summary>
public sealed class HedSketchDetector : ISketchDetector
{
    public const string ModelRole = "hed";
    private const string InputName = "input";
    private const string OutputName = "output";

    private readonly OnnxModel _model;
    private readonly int _fixedHeight;
    private readonly int _fixedWidth;
    private readonly int _inputSize;
    private readonly float _inputScale;
    private readonly double _strong;
    private readonly double _weak;
    private readonly bool _sigmoid;

    public HedSketchDetector(InstalledPack pack, OnnxSessionFactory sessions)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(sessions);
        Name = pack.Name;
        _model = OnnxModel.Open(sessions, pack.PathOf(ModelRole), $"{pack.Name}/{ModelRole}", Signature);
        int[] dims = _model.InputMetadata[InputName].Dimensions;
        _fixedHeight = dims[2];
        _fixedWidth = dims[3];
        var settings = new PackSettings(pack.Manifest);
        _inputSize = Math.Clamp(settings.Int("inputSize", 512), 16, 4096);
        _inputScale = (float)settings.Double("inputScale", 1.0);
        _strong = settings.Double("strongThreshold", 0.5);
        _weak = settings.Double("weakThreshold", 0.25);
        // An export that ends at HED's fused logits (no sigmoid) says so with "outputActivation": "sigmoid".
        _sigmoid = string.Equals(settings.String("outputActivation", "none"), "sigmoid", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>What the detector needs of a pack's model (also checkable on its own: <see cref="OnnxSignature.Check"/>).</summary>
    public static OnnxSignatureSpec Signature { get; } =
        new([TensorSpec.Of(InputName, TensorElementType.Float, 4)], [TensorSpec.Of(OutputName, TensorElementType.Float, 4)]);

    public string Name { get; }

    public SketchSource Source => SketchSource.Hed;

    public EdgeMap Detect(RgbImage image, int width, int height, SketchOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        (float[] map, int mapWidth, int mapHeight) = SoftMap(image, width, height);
        cancellationToken.ThrowIfCancellationRequested();
        return SoftEdgeThinning.ToSketch(map, mapWidth, mapHeight, width, height, _strong, _weak, options.MinComponentPixels);
    }

    /// <summary>HED's edge probabilities over the image area (row-major), at the resolution the model ran.</summary>
    public (float[] Map, int Width, int Height) SoftMap(RgbImage image, int sketchWidth, int sketchHeight)
    {
        // The square side: the model's fixed size, else the pack's setting, grown so the image area is never
        // coarser than the sketch, rounded up to a multiple of 16 (HED pools four times).
        int side = _fixedWidth > 0 && _fixedHeight > 0 ? Math.Min(_fixedWidth, _fixedHeight) : _inputSize;
        if (_fixedWidth <= 0)
        {
            int longSketch = Math.Max(sketchWidth * Math.Max(image.Width, image.Height) / image.Width, sketchHeight * Math.Max(image.Width, image.Height) / image.Height);
            side = (Math.Max(side, longSketch) + 15) / 16 * 16;
        }

        int contentWidth = Math.Max(1, (int)Math.Round((double)image.Width * side / Math.Max(image.Width, image.Height)));
        int contentHeight = Math.Max(1, (int)Math.Round((double)image.Height * side / Math.Max(image.Width, image.Height)));
        float[] content = ImageTensors.Resize(image, contentWidth, contentHeight, [0f, 0f, 0f], [1f, 1f, 1f], _inputScale);
        var input = new float[3 * side * side];
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < side; y++)
            {
                int sy = Math.Min(y, contentHeight - 1);
                for (int x = 0; x < side; x++)
                {
                    int sx = Math.Min(x, contentWidth - 1);
                    input[(c * side + y) * side + x] = content[(c * contentHeight + sy) * contentWidth + sx];
                }
            }
        }

        using OrtValue tensor = OnnxTensors.FromFloats(input, 1, 3, side, side);
        FloatTensor output = _model.RunFloats([(InputName, tensor)], OutputName);
        int outHeight = output.Dimension(2);
        int outWidth = output.Dimension(3);
        if (output.Shape[0] != 1 || output.Shape[1] != 1 || outHeight <= 0 || outWidth <= 0)
        {
            throw new ModelPackException("ModelOutputUnexpected", $"The model '{Name}' returned an edge map of shape [{string.Join(",", output.Shape)}]; expected [1,1,H,W].");
        }

        // The output may be at another resolution than the input: crop the image area proportionally.
        int mapWidth = Math.Max(1, (int)Math.Round((double)contentWidth * outWidth / side));
        int mapHeight = Math.Max(1, (int)Math.Round((double)contentHeight * outHeight / side));
        var map = new float[mapWidth * mapHeight];
        for (int y = 0; y < mapHeight; y++)
        {
            for (int x = 0; x < mapWidth; x++)
            {
                float v = output.Data[y * outWidth + x];
                map[y * mapWidth + x] = _sigmoid ? 1f / (1f + MathF.Exp(-v)) : v;
            }
        }

        return (map, mapWidth, mapHeight);
    }

    public void Dispose() => _model.Dispose();
}
