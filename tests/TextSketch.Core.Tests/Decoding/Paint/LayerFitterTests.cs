using TextSketch.Core.Encoder.Fitting;
using TextSketch.Core.Decoding.Paint;
using TextSketch.Core.Imaging;
using TextSketch.Core.Sketch;

namespace TextSketch.Core.Tests.Decoding.Paint;

public class LayerFitterTests
{
    private static readonly SolveSchedule Converged = new(2, 40, 2);

    [Fact]
    public void FitReachesTheDenseLeastSquaresLayer()
    {
        // 24x16 image, 6x4 luma cells: A (384 x 24) column by column from the dense solver, then the normal equations.
        (RgbImage image, BitPlane sketch) = PaintDecoderTests.Shapes(24, 16);
        var paint = new PaintOptions { DataWeight = 50, Schedule = Converged, ChromaSchedule = Converged };
        var grid = ColorLayerGrid.Create(24, 16, 6, 4, 3, 2);
        PaintScene scene = PaintScene.Create(24, 16, sketch, paint);
        float[] target = LayerColor.ToPlanes(image)[0];
        int cells = grid.Luma.CellCount;
        var a = new double[cells][];
        for (int k = 0; k < cells; k++)
        {
            var unit = new float[cells];
            unit[k] = 1;
            a[k] = DenseReference.Solve(scene.Links, grid.Luma, unit, paint.DataWeight, paint.Anchor);
        }

        var normal = new double[cells, cells];
        var rhs = new double[cells];
        for (int p = 0; p < cells; p++)
        {
            for (int q = 0; q < cells; q++)
            {
                normal[p, q] = a[p].Select((v, i) => v * a[q][i]).Sum();
            }

            rhs[p] = a[p].Select((v, i) => v * target[i]).Sum();
        }

        double[] best = DenseReference.Eliminate(normal, rhs);

        ColorLayerPlanes fitted = LayerFitter.Fit(image, grid, sketch, paint, new LayerFitOptions { Iterations = 60, SolveLevel = 0, FitChroma = true });
        for (int k = 0; k < cells; k++)
        {
            Assert.True(Math.Abs(fitted.Luma[k] - Math.Clamp(best[k], 0, 255)) < 0.05, $"cell {k}: {fitted.Luma[k]} vs {best[k]}");
        }
    }

    [Fact]
    public void FitNeverDecodesWorseThanTheBoxAverage()
    {
        (RgbImage image, BitPlane sketch) = PaintDecoderTests.Shapes(96, 64);
        var grid = ColorLayerGrid.Create(96, 64, 12, 8, 6, 4);
        PaintScene scene = PaintScene.Create(96, 64, sketch);
        float[] target = LayerColor.ToPlanes(image)[0];
        double Error(float[] cells) => scene.DecodePlane(grid.Luma, cells).Select((v, i) => (v - target[i]) * (double)(v - target[i])).Sum();
        double before = Error(ColorLayerPlanes.BoxAverage(image, grid).Luma);
        double previous = before;
        foreach (int iterations in new[] { 1, 2, 4, 8 })
        {
            double after = Error(LayerFitter.Fit(image, grid, sketch, null, new LayerFitOptions { Iterations = iterations, SolveLevel = 0 }).Luma);
            // Each step is a line search on the decoder's own output: never worse (up to float noise).
            Assert.True(after <= previous * (1 + 1e-6), $"{iterations} iterations: {after} after {previous} ({before} for the box average)");
            previous = after;
        }

        Assert.True(previous < 0.99 * before, $"{previous} vs {before}");
    }

    [Fact]
    public void FitDoesNotDependOnTheThreadCount()
    {
        (RgbImage image, BitPlane sketch) = PaintDecoderTests.Shapes(120, 80);
        var grid = ColorLayerGrid.Create(120, 80, 15, 10, 8, 5);
        ColorLayerPlanes one = LayerFitter.Fit(image, grid, sketch, null, LayerFitOptions.Default with { FitChroma = true, MaxDegreeOfParallelism = 1 });
        ColorLayerPlanes three = LayerFitter.Fit(image, grid, sketch, null, LayerFitOptions.Default with { FitChroma = true, MaxDegreeOfParallelism = 3 });
        for (int p = 0; p < 3; p++)
        {
            Assert.Equal(one.Plane(p), three.Plane(p));
        }
    }

    [Fact]
    public void NoIterationsIsTheBoxAverage()
    {
        (RgbImage image, BitPlane sketch) = PaintDecoderTests.Shapes(40, 30);
        var grid = ColorLayerGrid.Create(40, 30, 5, 3, 3, 2);
        ColorLayerPlanes fitted = LayerFitter.Fit(image, grid, sketch, null, new LayerFitOptions { Iterations = 0 });
        ColorLayerPlanes box = ColorLayerPlanes.BoxAverage(image, grid);
        for (int p = 0; p < 3; p++)
        {
            Assert.Equal(box.Plane(p), fitted.Plane(p));
        }
    }
}
