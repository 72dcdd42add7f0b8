using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TextSketch.Core.Imaging;
using TextSketch.Core.Models;
using TextSketch.Core.Onnx;

namespace TextSketch.Core.Sketch.PiDiNet;

/// <summary>
/// Runs the converted PiDiNet graph on an image at its own size and returns the soft edge map. Preprocessing is the
/// authors': RGB scaled to [0, 1], minus the ImageNet mean, over the ImageNet std, NCHW, no resizing or padding.
/// The caller's <see cref="OnnxSessionFactory"/> decides the device and threads; the runner owns its model (dispose it).
/// </summary>
public sealed class PiDiNetRunner : IDisposable
{
    /// <summary>The role of the converted graph in a pack's manifest.</summary>
    public const string ModelRole = "pidinet";

    private static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    private readonly OnnxModel _model;

    private PiDiNetRunner(OnnxModel model) => _model = model;

    /// <summary>What the runner needs of the converted graph (also checkable on its own: <see cref="OnnxSignature.Check"/>).</summary>
    public static OnnxSignatureSpec Signature { get; } = new(
        [TensorSpec.Of(PiDiNetConverter.InputName, TensorElementType.Float, 4)],
        [TensorSpec.Of(PiDiNetConverter.OutputName, TensorElementType.Float, 4)]);

    public string ModelName => _model.Name;

    /// <summary>Opens the converted graph at <paramref name="path"/> and checks its signature.</summary>
    public static PiDiNetRunner Open(OnnxSessionFactory sessions, string path, string modelName = ModelRole) =>
        new(OnnxModel.Open(sessions, path, modelName, Signature));

    public void Dispose() => _model.Dispose();

    /// <summary>The network's input for <paramref name="image"/>: [3, height, width] planes, normalised.</summary>
    public static float[] Preprocess(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        // At the image's own size the resampler's taps are exactly [0, 1, 0]: the planes are v / 255, normalised,
        // in float32 as torchvision's ToTensor + Normalize compute them.
        return ImageTensors.Resize(image, image.Width, image.Height, Mean, Std);
    }

    /// <summary>Edge probabilities in [0, 1], one per pixel of <paramref name="image"/>, row-major.</summary>
    public float[] SoftMap(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return SoftMap(image, image.Width, image.Height);
    }

    /// <summary>Edge probabilities of <paramref name="image"/> resampled to <paramref name="width"/> x
    /// <paramref name="height"/> (the one resampler; at the image's own size the planes are exact).</summary>
    public float[] SoftMap(RgbImage image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        float[] planes = width == image.Width && height == image.Height ? Preprocess(image) : ImageTensors.Resize(image, width, height, Mean, Std);
        using OrtValue input = OnnxTensors.FromFloats(planes, 1, 3, height, width);
        FloatTensor output = _model.RunFloats([(PiDiNetConverter.InputName, input)], PiDiNetConverter.OutputName);
        long[] dims = output.Shape;
        if (dims.Length != 4 || dims[0] != 1 || dims[1] != 1 || dims[2] != height || dims[3] != width)
        {
            throw new ModelPackException("ModelOutputUnexpected",
                $"The model '{ModelName}' returned an edge map of shape [{string.Join(",", dims)}]; expected [1,1,{height},{width}].");
        }

        return output.Data;
    }
}
