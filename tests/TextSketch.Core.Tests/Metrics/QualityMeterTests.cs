using TextSketch.Core.Imaging;
using TextSketch.Core.Metrics;
using TextSketch.Core.Tests.Support;

namespace TextSketch.Core.Tests.Metrics;

public class QualityMeterTests
{
    private sealed class ConstantEmbedder(float[] vector) : IImageEmbedder
    {
        public string Name => "constant";

        public float[] EmbedImage(RgbImage image) => vector;
    }

    [Fact]
    public void IdenticalImagesGetEveryPerfectScore()
    {
        RgbImage image = MetricTestImages.Pattern(240, 180);
        QualityScores scores = new QualityMeter().Compare(image, image);
        Assert.Equal(double.PositiveInfinity, scores.Psnr);
        Assert.Equal(1.0, scores.Ssim, 12);
        Assert.Equal(1.0, scores.MsSsim!.Value, 12);
        Assert.Equal(1.0, scores.EdgeF1);
        Assert.False(scores.Resampled);
        Assert.Null(scores.FeatureDistance);
        Assert.Null(scores.ClipDistance);
    }

    [Fact]
    public void AnotherSizeIsComparedAtTheReferenceSize()
    {
        RgbImage reference = MetricTestImages.Pattern(240, 180);
        RgbImage half = MetricImages.Resize(reference, 120, 90);
        QualityScores scores = new QualityMeter().Compare(reference, half);
        Assert.True(scores.Resampled);
        Assert.Equal((240, 180), (scores.Width, scores.Height));
        Assert.InRange(scores.Psnr, 15, 40);
    }

    [Fact]
    public void EmbeddersFeedFeatureAndClipDistances()
    {
        RgbImage image = MetricTestImages.Pattern(240, 180);
        var meter = new QualityMeter(new ConstantEmbedder([1f, 2f]), clipEmbedder: new ConstantEmbedder([0f, 3f]));
        QualityScores scores = meter.Compare(image, MetricTestImages.Distorted(image, 4));
        Assert.Equal(0, scores.FeatureDistance!.Value, 12);
        Assert.Equal(0, scores.ClipDistance!.Value, 12);
        Assert.Equal([1f, 2f], scores.TestFeatures!);
    }

    [Fact]
    public void TinyImagesAreRefusedWithAnErrorId()
    {
        RgbImage tiny = TestImages.Solid(8, 8, 1, 2, 3);
        var e = Assert.Throws<TextSketchException>(() => new QualityMeter().Compare(tiny, tiny));
        Assert.Equal("ImageTooSmallToMeasure", e.ErrorId);
    }

    [Fact]
    public void FoldersPairByBaseName()
    {
        using var a = new TempFolder();
        using var b = new TempFolder();
        foreach (string name in new[] { "one.png", "two.jpg", "only-ref.png", "notes.txt" })
        {
            File.WriteAllText(a.File(name), "x");
        }

        foreach (string name in new[] { "one.webp", "TWO.png", "only-test.png" })
        {
            File.WriteAllText(b.File(name), "x");
        }

        FolderPairing pairing = ImagePairing.PairFolders(a.Path, b.Path);
        Assert.Equal(["one", "two"], pairing.Pairs.Select(p => Path.GetFileNameWithoutExtension(p.ReferencePath).ToLowerInvariant()));
        Assert.Equal(b.File("TWO.png"), pairing.Pairs[1].Path);
        Assert.Equal(["only-ref"], pairing.OnlyInReference);
        Assert.Equal(["only-test"], pairing.OnlyInTest);
        Assert.Equal(a.File("two.jpg"), ImagePairing.FindReference(a.Path, "/elsewhere/two.png"));
        Assert.Null(ImagePairing.FindReference(a.Path, "/elsewhere/three.png"));
    }

    [Fact]
    public void AmbiguousBaseNamesAreRefused()
    {
        using var a = new TempFolder();
        File.WriteAllText(a.File("one.png"), "x");
        File.WriteAllText(a.File("one.jpg"), "x");
        var e = Assert.Throws<TextSketchException>(() => ImagePairing.FindReference(a.Path, "one.webp"));
        Assert.Equal("ReferenceAmbiguous", e.ErrorId);
    }
}
