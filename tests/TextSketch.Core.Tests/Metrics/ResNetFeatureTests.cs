using TextSketch.Core.Imaging;
using TextSketch.Core.Metrics;
using TextSketch.Core.Onnx;
using TextSketch.Core.Tests.Support;

namespace TextSketch.Core.Tests.Metrics;

/// <summary>
/// The real pretrained ResNet-18 from NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1, copied next to the test
/// assembly by the test project (DnnImageModels/). No tiny stand-in: these numbers come from the real weights.
/// </summary>
public sealed class ResNetFeatureTests : IDisposable
{
    private readonly OnnxSessionFactory _sessions = new(ExecutionDevice.Cpu, intraOpThreads: 1);
    private readonly ResNetFeatureExtractor _extractor;

    public ResNetFeatureTests()
    {
        string directory = ResNetFeatureExtractor.FindModelDirectory(Path.Combine(Path.GetTempPath(), "no-such-model-root"))
            ?? throw new InvalidOperationException("The test project copies the ResNet-18 models to DnnImageModels/; they are missing.");
        _extractor = new ResNetFeatureExtractor(directory, _sessions);
    }

    public void Dispose() => _extractor.Dispose();

    [Fact]
    public void IdenticalImagesAreAtDistanceZero()
    {
        RgbImage image = MetricTestImages.Pattern(240, 180);
        float[] a = _extractor.EmbedImage(image);
        float[] b = _extractor.EmbedImage(new RgbImage(image.Width, image.Height, (byte[])image.Pixels.Clone()));
        Assert.Equal(512, a.Length);
        Assert.All(a, v => Assert.True(v >= 0, "pooled ReLU activations are non-negative"));
        Assert.Equal(0, FeatureStatistics.CosineDistance(a, b), 12);
    }

    [Fact]
    public void DifferentImagesAreApartAndTheValueIsStable()
    {
        RgbImage reference = MetricTestImages.Pattern(240, 180);
        float[] r = _extractor.EmbedImage(reference);
        double noisy = FeatureStatistics.CosineDistance(r, _extractor.EmbedImage(MetricTestImages.Distorted(reference, 12)));
        double other = FeatureStatistics.CosineDistance(r, _extractor.EmbedImage(TestImages.Rectangle(240, 180, 60, 40, 180, 140)));
        // Recorded from this model on the CPU provider (single thread); a few 1e-5 of slack for other CPUs' float paths.
        Assert.Equal(NoisyDistance, noisy, 4);
        Assert.Equal(RectangleDistance, other, 4);
        Assert.True(noisy > 0 && other > noisy, "a noisy copy is nearer than an unrelated picture");
    }

    [Fact]
    public void InputIsTheIsoCropOfMlNet()
    {
        // A 448x224 image: scaled by 1 (shorter side already 224) and the middle 224 columns kept.
        var wide = new RgbImage(448, 224);
        for (int y = 0; y < 224; y++)
        {
            for (int x = 0; x < 448; x++)
            {
                wide.Set(x, y, (byte)(x < 112 || x >= 336 ? 255 : 10), 20, 30);
            }
        }

        float[] input = ResNetFeatureExtractor.ToNetworkInput(wide);
        Assert.Equal(3 * 224 * 224, input.Length);
        Assert.All(input.Take(224 * 224), v => Assert.Equal(10f, v));
        Assert.All(input.Skip(224 * 224).Take(224 * 224), v => Assert.Equal(20f, v));
    }

    [Fact]
    public void MissingModelsAreReportedAsAbsent()
    {
        using var folder = new TempFolder();
        Assert.Throws<TextSketch.Core.Models.ModelPackException>(() => new ResNetFeatureExtractor(folder.Path, _sessions));
    }

    private const double NoisyDistance = 0.006748016515162103;
    private const double RectangleDistance = 0.49444414600560627;
}
