using TextSketch.Core.Imaging;
using TextSketch.Core.Metrics;
using TextSketch.Core.Tests.Support;

namespace TextSketch.Core.Tests.Metrics;

public class EdgeF1Tests
{
    [Fact]
    public void IdenticalImagesScoreOne()
    {
        RgbImage image = MetricTestImages.Pattern(240, 180);
        Assert.Equal(1.0, EdgeF1.Compute(image, image));
    }

    [Fact]
    public void TwoFlatImagesAgreeThatThereAreNoEdges()
    {
        Assert.Equal(1.0, EdgeF1.Compute(TestImages.Solid(80, 60, 10, 10, 10), TestImages.Solid(80, 60, 200, 200, 200)));
    }

    [Fact]
    public void AFlatReconstructionOfAnImageWithEdgesScoresZero()
    {
        RgbImage rectangle = TestImages.Rectangle(160, 120, 40, 30, 120, 90);
        Assert.Equal(0.0, EdgeF1.Compute(rectangle, TestImages.Solid(160, 120, 30, 30, 30)));
    }

    [Fact]
    public void ShiftsWithinTheToleranceStillMatch()
    {
        RgbImage a = TestImages.Rectangle(160, 120, 40, 30, 120, 90);
        RgbImage shifted = TestImages.Rectangle(160, 120, 42, 30, 122, 90);
        RgbImage far = TestImages.Rectangle(160, 120, 50, 30, 130, 90);
        Assert.Equal(1.0, EdgeF1.Compute(a, shifted));
        // 10 px off: the horizontal edges still overlap, the vertical ones do not.
        Assert.InRange(EdgeF1.Compute(a, far), 0.3, 0.85);
    }

    [Fact]
    public void RectangleOutlineIsFoundAsAThinContour()
    {
        RgbImage a = TestImages.Rectangle(160, 120, 40, 30, 120, 90);
        bool[] edges = EdgeF1.Detect(a, 160, 120);
        int count = edges.Count(e => e);
        // The outline of an 80x60 rectangle: about 2·(80+60) pixels.
        Assert.InRange(count, 250, 320);
    }

    [Fact]
    public void ScoreIsTheHarmonicMeanOfPrecisionAndRecall()
    {
        // Reference: a 20-pixel horizontal line. Test: 10 of those pixels plus 10 far-away false ones.
        const int w = 40, h = 40;
        var reference = new bool[w * h];
        var test = new bool[w * h];
        for (int x = 5; x < 25; x++)
        {
            reference[5 * w + x] = true;
        }

        for (int x = 5; x < 15; x++)
        {
            test[5 * w + x] = true;
            test[35 * w + x] = true;
        }

        // Precision 10/20; recall: reference pixels within 2 of a test pixel are x = 5..16, 12/20.
        double p = 0.5, r = 0.6;
        Assert.Equal(2 * p * r / (p + r), EdgeF1.Score(reference, test, w, h, 2), 12);
    }

    [Fact]
    public void LargeImagesAreAnalysedAtTheCappedSize()
    {
        Assert.Equal((384, 256), EdgeF1.AnalysisSize(768, 512, 384));
        Assert.Equal((256, 384), EdgeF1.AnalysisSize(512, 768, 384));
        Assert.Equal((200, 100), EdgeF1.AnalysisSize(200, 100, 384));
    }
}
