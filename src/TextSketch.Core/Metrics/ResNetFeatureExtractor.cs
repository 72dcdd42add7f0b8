using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TextSketch.Core.Imaging;
using TextSketch.Core.Models;
using TextSketch.Core.Onnx;

namespace TextSketch.Core.Metrics;

/// <summary>
/// Pooled 512-d features of the pretrained ResNet-18 that ships in the NuGet package
/// Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 (a CNTK export: <c>ResNet18Onnx/ResNet18.onnx</c>, input
/// <c>Input247</c> float[1,3,224,224], output <c>Pooling395_Output_0</c> float[1,512,1,1]), run with that package's own
/// preprocessing model <c>ResNetPrepOnnx/ResNetPreprocess.onnx</c> (input <c>OriginalInput</c>: planar RGB in 0-255;
/// it reorders to BGR and subtracts the training mean image). The picture reaches the network the way ML.NET's
/// featurizer pipeline feeds it (ResizeImages 224x224 with its default IsoCrop: scale so the shorter side is 224,
/// centre crop; ExtractPixels: planar, unscaled); the resampler here is <see cref="Resampling.Bicubic"/>.
/// </summary>
public sealed class ResNetFeatureExtractor : IImageEmbedder, IDisposable
{
    public const int InputSize = 224;
    public const int FeatureLength = 512;

    /// <summary>Folder holding both models, laid out as in the NuGet package's tools folder.</summary>
    public const string ModelFolderName = "DnnImageModels";

    public const string NetworkRelativePath = "ResNet18Onnx/ResNet18.onnx";
    public const string PreprocessRelativePath = "ResNetPrepOnnx/ResNetPreprocess.onnx";

    private const string PrepInput = "OriginalInput";
    private const string PrepOutput = "PreprocessedInput";
    private const string NetworkInput = "Input247";
    private const string NetworkOutput = "Pooling395_Output_0";

    private readonly OnnxModel _prep;
    private readonly OnnxModel _network;

    /// <param name="modelDirectory">A <see cref="ModelFolderName"/> folder (see <see cref="FindModelDirectory"/>).</param>
    /// <param name="sessions">Creates the sessions (the extractor owns them: dispose it).</param>
    public ResNetFeatureExtractor(string modelDirectory, OnnxSessionFactory sessions)
    {
        ArgumentNullException.ThrowIfNull(modelDirectory);
        ArgumentNullException.ThrowIfNull(sessions);
        ModelDirectory = modelDirectory;
        _prep = OnnxModel.Open(sessions, Path.Combine(modelDirectory, PreprocessRelativePath), "ResNet-18 preprocessing",
            new OnnxSignatureSpec([TensorSpec.Of(PrepInput, TensorElementType.Float, 4)], [TensorSpec.Of(PrepOutput, TensorElementType.Float, 4)]));
        try
        {
            _network = OnnxModel.Open(sessions, Path.Combine(modelDirectory, NetworkRelativePath), "ResNet-18",
                new OnnxSignatureSpec([TensorSpec.Of(NetworkInput, TensorElementType.Float, 4)], [TensorSpec.Of(NetworkOutput, TensorElementType.Float, 4)]));
        }
        catch
        {
            _prep.Dispose();
            throw;
        }
    }

    public string Name => "ResNet-18";

    public string ModelDirectory { get; }

    /// <summary>
    /// Where the two model files are: <c>&lt;model root&gt;/DnnImageModels</c> first (a user can place them there),
    /// then <c>DnnImageModels</c> beside TextSketch.Core.dll (the Build task copies them from the NuGet cache into the
    /// module's <c>dependencies/</c> folder; the test and bench projects copy them to their output). Null when neither
    /// holds both files.
    /// </summary>
    public static string? FindModelDirectory(string? modelRoot = null)
    {
        string? assemblyDirectory = Path.GetDirectoryName(typeof(ResNetFeatureExtractor).Assembly.Location);
        var candidates = new List<string> { Path.Combine(ModelPaths.ResolveRoot(modelRoot), ModelFolderName) };
        if (!string.IsNullOrEmpty(assemblyDirectory))
        {
            candidates.Add(Path.Combine(assemblyDirectory, ModelFolderName));
        }

        return candidates.FirstOrDefault(c => File.Exists(Path.Combine(c, NetworkRelativePath)) && File.Exists(Path.Combine(c, PreprocessRelativePath)));
    }

    /// <summary>The 512 pooled activations (non-negative) for one image.</summary>
    public float[] EmbedImage(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using OrtValue input = OnnxTensors.FromFloats(ToNetworkInput(image), 1, 3, InputSize, InputSize);
        using OrtValue normalised = _prep.RunFloats([(PrepInput, input)], PrepOutput).ToOrtValue();
        float[] features = _network.RunFloats([(NetworkInput, normalised)], NetworkOutput).Data;
        if (features.Length != FeatureLength)
        {
            throw new ModelPackException("ModelSignatureMismatch", $"ResNet-18 gave {features.Length} features instead of {FeatureLength}.");
        }

        return features;
    }

    /// <summary>224x224 planar RGB floats in 0-255: shorter side scaled to 224, centre crop (ML.NET's IsoCrop).</summary>
    internal static float[] ToNetworkInput(RgbImage image)
    {
        double scale = Math.Max((double)InputSize / image.Width, (double)InputSize / image.Height);
        int width = Math.Max(InputSize, (int)Math.Round(image.Width * scale));
        int height = Math.Max(InputSize, (int)Math.Round(image.Height * scale));
        RgbImage frame = Resampling.Crop(Resampling.Bicubic(image, width, height), (width - InputSize) / 2, (height - InputSize) / 2, InputSize, InputSize);
        const int Plane = InputSize * InputSize;
        var data = new float[3 * Plane];
        byte[] px = frame.Pixels;
        for (int i = 0; i < Plane; i++)
        {
            data[i] = px[3 * i];
            data[Plane + i] = px[3 * i + 1];
            data[2 * Plane + i] = px[3 * i + 2];
        }

        return data;
    }

    public void Dispose()
    {
        _prep.Dispose();
        _network.Dispose();
    }
}
