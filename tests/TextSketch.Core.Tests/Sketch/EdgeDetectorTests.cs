using TextSketch.Core.Imaging;
using TextSketch.Core.Sketch;
using TextSketch.Core.Tests.Support;

namespace TextSketch.Core.Tests.Sketch;

public class EdgeDetectorTests
{
    [Fact]
    public void FlatImageHasNoEdges()
    {
        BitPlane plane = EdgeDetector.Detect(TestImages.Solid(200, 100, 90, 90, 90), 100, 50);
        Assert.Equal(0, plane.CountSet());
    }

    [Fact]
    public void LowContrastNoiseHasNoEdges()
    {
        var random = new Random(1);
        RgbImage image = TestImages.Solid(200, 200, 120, 120, 120);
        for (int i = 0; i < image.Pixels.Length; i++)
        {
            image.Pixels[i] = (byte)(120 + random.Next(-2, 3));
        }

        Assert.Equal(0, EdgeDetector.Detect(image, 100, 100).CountSet());
    }

    [Fact]
    public void RectangleGivesAThinClosedOutline()
    {
        RgbImage image = TestImages.Rectangle(160, 120, 40, 30, 120, 90);
        BitPlane plane = EdgeDetector.Detect(image, 80, 60);
        // The outline of a 40x30 rectangle at half size, give or take the corners: about 2*(40+30) pixels.
        Assert.InRange(plane.CountSet(), 110, 160);
        // One connected piece.
        Assert.Single(Components.Find(plane));
        // Thin: no 2x2 block is entirely ink.
        for (int y = 0; y + 1 < plane.Height; y++)
        {
            for (int x = 0; x + 1 < plane.Width; x++)
            {
                Assert.False(plane[x, y] && plane[x + 1, y] && plane[x, y + 1] && plane[x + 1, y + 1], $"2x2 ink at {x},{y}");
            }
        }

        // Every edge pixel lies within a pixel of the true border (x 20..60, y 15..45 at half size).
        for (int y = 0; y < plane.Height; y++)
        {
            for (int x = 0; x < plane.Width; x++)
            {
                if (plane[x, y])
                {
                    int distance = Math.Min(Math.Min(Math.Abs(x - 20), Math.Abs(x - 60)), Math.Min(Math.Abs(y - 15), Math.Abs(y - 45)));
                    Assert.True(distance <= 1, $"edge at {x},{y} is {distance} px from the border");
                }
            }
        }
    }

    [Fact]
    public void SpeckleIsRemoved()
    {
        RgbImage image = TestImages.Solid(200, 200, 20, 20, 20);
        // One tiny bright dot and one big square.
        for (int y = 50; y < 52; y++)
        {
            for (int x = 50; x < 52; x++)
            {
                image.Set(x, y, 255, 255, 255);
            }
        }

        for (int y = 100; y < 180; y++)
        {
            for (int x = 100; x < 180; x++)
            {
                image.Set(x, y, 255, 255, 255);
            }
        }

        BitPlane plane = EdgeDetector.Detect(image, 100, 100);
        for (int y = 20; y < 32; y++)
        {
            for (int x = 20; x < 32; x++)
            {
                Assert.False(plane[x, y], $"speckle kept at {x},{y}");
            }
        }

        Assert.True(plane.CountSet() > 100);
    }

    [Fact]
    public void DetectionIsDeterministicAcrossThreads()
    {
        RgbImage image = TestImages.Scene(300, 200, 9);
        BitPlane first = EdgeDetector.Detect(image, 150, 100);
        BitPlane[] parallel = Enumerable.Range(0, 8).AsParallel().Select(_ => EdgeDetector.Detect(image, 150, 100)).ToArray();
        Assert.All(parallel, p => Assert.Equal(first, p));
    }

    [Theory]
    [InlineData(768, 512, 192 * 128, 4, 192, 128)]
    [InlineData(512, 512, 192 * 128, 4, 128, 128)]
    [InlineData(451, 300, 192 * 128, 3, 151, 100)]
    [InlineData(1, 1, 192 * 128, 1, 1, 1)]
    [InlineData(4032, 3024, 192 * 128, 23, 176, 132)]
    public void SketchSizeFollowsThePixelBudget(int width, int height, int target, int divisor, int sketchWidth, int sketchHeight)
    {
        Assert.Equal(divisor, SketchGeometry.ChooseDivisor(width, height, target));
        Assert.Equal((sketchWidth, sketchHeight), SketchGeometry.Size(width, height, divisor));
    }

    [Fact]
    public void ZhangSuenThinsAThickBarToOnePixel()
    {
        var plane = new BitPlane(20, 9);
        for (int y = 2; y < 7; y++)
        {
            for (int x = 2; x < 18; x++)
            {
                plane[x, y] = true;
            }
        }

        Thinning.Thin(plane);
        // The ends shrink by a couple of pixels; the middle keeps exactly one pixel per column.
        for (int x = 5; x < 14; x++)
        {
            int column = Enumerable.Range(0, 9).Count(y => plane[x, y]);
            Assert.Equal(1, column);
        }
    }
}

public class SketchFidelityTests
{
    [Fact]
    public void IdenticalMapsScoreOne()
    {
        BitPlane plane = TextSketch.Core.Tests.Coding.SketchCoderTests.Make("lines", 60, 40);
        EdgeScore score = SketchFidelity.Compare(plane, plane);
        Assert.Equal((1.0, 1.0, 1.0), (score.Precision, score.Recall, score.F1));
    }

    [Fact]
    public void ToleranceAcceptsShiftsUpToItsRadius()
    {
        var reference = new BitPlane(40, 40);
        var shifted = new BitPlane(40, 40);
        var far = new BitPlane(40, 40);
        for (int x = 0; x < 40; x++)
        {
            reference[x, 10] = true;
            shifted[x, 12] = true;
            far[x, 13] = true;
        }

        Assert.Equal(1.0, SketchFidelity.Compare(shifted, reference, tolerance: 2).F1);
        Assert.Equal(0.0, SketchFidelity.Compare(far, reference, tolerance: 2).F1);
        // Half the reference found, everything found correct: F1 = 2/3.
        var half = new BitPlane(40, 40);
        for (int x = 0; x < 20; x++)
        {
            half[x, 10] = true;
        }

        EdgeScore score = SketchFidelity.Compare(half, reference, tolerance: 0);
        Assert.Equal(1.0, score.Precision);
        Assert.Equal(0.5, score.Recall);
        Assert.Equal(2.0 / 3, score.F1, 12);
    }

    [Fact]
    public void RenderJoinsNeighboursIntoContinuousLines()
    {
        var sketch = new BitPlane(10, 10);
        for (int i = 0; i < 10; i++)
        {
            sketch[i, i] = true;
        }

        BitPlane full = SketchFidelity.Render(sketch, 40, 40);
        // A diagonal of 10 cells drawn at 4x: one pixel per row from the first cell centre to the last.
        Assert.Equal(Enumerable.Range(2, 37).Count(), full.CountSet());
        Assert.Single(Components.Find(full));
    }

    [Fact]
    public void TheDefaultSketchKeepsTheDetectorsStructure()
    {
        RgbImage image = TestImages.Scene(768, 512, 6);
        (EdgeMap sketch, EdgeMap detection) = EdgeDetector.DetectSketch(image, 192, 128);
        EdgeScore score = SketchFidelity.Compare(SketchFidelity.Render(sketch.Edges, 768, 512), detection.Edges);
        Assert.True(score.F1 >= 0.6, $"F1 {score.F1:0.00}");
    }
}
