using TextSketch.Core.Decoding.Paint;
using TextSketch.Core.Imaging;
using TextSketch.Core.Sketch;

namespace TextSketch.Core.Tests.Decoding.Paint;

public class PaintDecoderTests
{
    /// <summary>Enough work that the iterative solve is converged (the production schedule is shorter).</summary>
    private static readonly SolveSchedule Converged = new(2, 40, 2);

    [Theory]
    [InlineData(6, 4, 3, 2, false)]
    [InlineData(6, 4, 3, 2, true)]
    [InlineData(7, 5, 3, 2, true)]
    [InlineData(13, 9, 4, 3, true)]
    [InlineData(1, 7, 1, 3, false)]
    [InlineData(11, 1, 4, 1, false)]
    [InlineData(1, 1, 1, 1, false)]
    [InlineData(24, 18, 5, 4, true)]
    public void SolveMatchesTheDenseClosedForm(int width, int height, int columns, int rows, bool withSketch)
    {
        var random = new Random(width * 100 + height);
        BitPlane? sketch = null;
        if (withSketch)
        {
            // A coarse sketch with a short diagonal and a bar, at half the image size (rounded up).
            sketch = new BitPlane((width + 1) / 2, (height + 1) / 2);
            for (int i = 0; i < Math.Min(sketch.Width, sketch.Height); i++)
            {
                sketch[i, i] = true;
            }

            for (int x = 0; x < sketch.Width; x++)
            {
                sketch[x, sketch.Height - 1] = true;
            }
        }

        var options = new PaintOptions { DataWeight = 50, EdgeLeak = 0.05f, Anchor = withSketch ? 0.01f : 0f, Schedule = Converged };
        PaintScene scene = PaintScene.Create(width, height, sketch, options);
        var grid = new LayerGrid(width, height, columns, rows);
        float[] cells = Enumerable.Range(0, grid.CellCount).Select(_ => (float)random.Next(0, 256)).ToArray();

        float[] solved = scene.DecodePlane(grid, cells);
        double[] exact = DenseReference.Solve(scene.Links, grid, cells, options.DataWeight, options.Anchor);

        if (withSketch)
        {
            Assert.True(scene.Links.CountCut() > 0);
        }

        for (int i = 0; i < exact.Length; i++)
        {
            Assert.True(Math.Abs(solved[i] - exact[i]) < 2e-3, $"pixel {i}: {solved[i]} vs {exact[i]}");
        }
    }

    [Fact]
    public void DefaultScheduleIsCloseToTheClosedForm()
    {
        // The production schedule on a realistic shape: within a fraction of a grey level of the exact minimiser.
        (RgbImage image, BitPlane sketch) = Shapes(48, 32);
        PaintScene scene = PaintScene.Create(48, 32, sketch);
        var grid = new LayerGrid(48, 32, 6, 4);
        float[] cells = grid.BoxAverage(LayerColor.ToPlanes(image)[0]);
        float[] solved = scene.DecodePlane(grid, cells);
        double[] exact = DenseReference.Solve(scene.Links, grid, cells, PaintOptions.Default.DataWeight, PaintOptions.Default.Anchor);
        double worst = exact.Select((v, i) => Math.Abs(v - solved[i])).Max();
        Assert.True(worst < 0.5, $"largest deviation {worst}");
    }

    [Fact]
    public void FlatLayerWithoutSketchIsFlat()
    {
        var grid = ColorLayerGrid.Create(50, 30, 10, 6, 5, 3);
        ColorLayerPlanes layer = ColorLayerPlanes.Flat(grid, 90f, 12f, -20f);
        RgbImage image = PaintDecoder.Decode(50, 30, layer, sketch: null);
        (byte r, byte g, byte b) = image[0, 0];
        for (int y = 0; y < 30; y++)
        {
            for (int x = 0; x < 50; x++)
            {
                Assert.Equal((r, g, b), image[x, y]);
            }
        }

        // And it is the layer's colour.
        RgbImage expected = LayerColor.ToImage(1, 1, [90f], [12f], [-20f]);
        Assert.Equal(expected[0, 0], (r, g, b));
    }

    [Fact]
    public void FlatLayerWithSketchStaysFlat()
    {
        // Edges only stop smoothing; with nothing to separate they change nothing.
        var grid = ColorLayerGrid.Create(40, 40, 8, 8, 4, 4);
        ColorLayerPlanes layer = ColorLayerPlanes.Flat(grid, 200f, 0f, 0f);
        RgbImage image = PaintDecoder.Decode(40, 40, layer, Square(20, 20, 5, 5, 14, 14));
        Assert.All(Enumerable.Range(0, 40 * 40), i => Assert.Equal(200, image.Pixels[3 * i]));
    }

    [Fact]
    public void NoLayerGivesNeutralGrey()
    {
        RgbImage image = PaintDecoder.Decode(9, 5, null, Square(5, 3, 1, 1, 3, 2));
        Assert.All(image.Pixels, v => Assert.Equal(PaintDecoder.NeutralValue, v));
    }

    [Fact]
    public void ColourDoesNotBleedAcrossAClosedContour()
    {
        // A 64x64 image: a dark square in a light field, its sides at x, y = 18 and 46. The sketch is its outline at
        // quarter size: sketch pixel i covers image [4i, 4i+4), centre 4i+2, so columns 4 and 11 put the curve on
        // the true sides. The layer is the box average on 8x8 cells, so cells across the sides hold a mix.
        const int size = 64;
        var image = new RgbImage(size, size);
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                byte v = Inside(x, y) ? (byte)40 : (byte)220;
                image.Set(x, y, v, v, v);
            }
        }

        BitPlane sketch = Square(16, 16, 4, 4, 11, 11);
        var grid = ColorLayerGrid.Create(size, size, 8, 8, 8, 8);
        ColorLayerPlanes layer = ColorLayerPlanes.BoxAverage(image, grid);

        // Hard edges: every pixel more than a pixel from the boundary keeps its own side's colour, to within 7 % of
        // the 180-level step (the straightened contour rounds the corners by a pixel; the cells' means make up for it).
        RgbImage hard = PaintDecoder.Decode(size, size, layer, sketch, PaintOptions.Default with { EdgeSoftness = 0 });
        AssertSides(hard, 1, 12);
        // Softened edges (the default): a ramp two pixels either side, no further.
        AssertSides(PaintDecoder.Decode(size, size, layer, sketch), 2, 12);

        // Without the sketch the same layer blurs the boundary well into both regions.
        RgbImage blurred = PaintDecoder.Decode(size, size, layer, null);
        Assert.True(Math.Abs(blurred[19, 32].R - 40) > 30, $"{blurred[19, 32].R}");

        static bool Inside(int x, int y) => x >= 18 && x < 46 && y >= 18 && y < 46;

        static void AssertSides(RgbImage decoded, int band, int tolerance)
        {
            for (int y = 0; y < size; y++)
            {
                for (int x = 0; x < size; x++)
                {
                    bool nearBoundary = false;
                    for (int d = -band; d <= band; d++)
                    {
                        nearBoundary |= Inside(x, y) != Inside(x + d, y) || Inside(x, y) != Inside(x, y + d);
                    }

                    if (!nearBoundary)
                    {
                        int expected = Inside(x, y) ? 40 : 220;
                        Assert.True(Math.Abs(decoded[x, y].R - expected) <= tolerance, $"({x},{y}) = {decoded[x, y].R}, expected {expected}");
                    }
                }
            }
        }
    }

    [Fact]
    public void ResultDoesNotDependOnTheThreadCount()
    {
        (RgbImage image, BitPlane sketch) = Shapes(120, 80);
        var grid = ColorLayerGrid.Create(120, 80, 15, 10, 8, 5);
        ColorLayerPlanes layer = ColorLayerPlanes.BoxAverage(image, grid);
        RgbImage one = PaintDecoder.Decode(120, 80, layer, sketch, PaintOptions.Default with { MaxDegreeOfParallelism = 1 });
        RgbImage three = PaintDecoder.Decode(120, 80, layer, sketch, PaintOptions.Default with { MaxDegreeOfParallelism = 3 });
        RgbImage again = PaintDecoder.Decode(120, 80, layer, sketch, PaintOptions.Default with { MaxDegreeOfParallelism = 3 });
        Assert.Equal(one.Pixels, three.Pixels);
        Assert.Equal(one.Pixels, again.Pixels);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 9)]
    [InlineData(9, 1)]
    [InlineData(3, 2)]
    [InlineData(17, 11)]
    [InlineData(101, 67)]
    public void AnySizeDecodes(int width, int height)
    {
        var random = new Random(width * 7 + height);
        var image = new RgbImage(width, height);
        random.NextBytes(image.Pixels);
        var grid = ColorLayerGrid.Create(width, height, (width + 3) / 4, (height + 3) / 4, (width + 7) / 8, (height + 7) / 8);
        ColorLayerPlanes layer = ColorLayerPlanes.BoxAverage(image, grid);
        // A scatter of short strokes (a tenth of the sketch pixels), some closing small regions.
        var sketch = new BitPlane((width + 1) / 2, (height + 1) / 2);
        for (int i = 0; i < sketch.Bits.Length; i++)
        {
            sketch.Bits[i] = random.Next(10) == 0 ? (byte)1 : (byte)0;
        }

        RgbImage decoded = PaintDecoder.Decode(width, height, layer, sketch);
        Assert.Equal(width, decoded.Width);
        Assert.Equal(height, decoded.Height);
        // Cell means are (nearly) kept: λ is large, the anchor and the leak small.
        float[] plane = PaintScene.Create(width, height, sketch).DecodePlane(grid.Luma, layer.Luma);
        float[] means = grid.Luma.BoxAverage(plane);
        for (int k = 0; k < means.Length; k++)
        {
            Assert.True(Math.Abs(means[k] - layer.Luma[k]) < 6, $"cell {k}: {means[k]} vs {layer.Luma[k]}");
        }
    }

    [Fact]
    public void OneByOneIsTheLayerColour()
    {
        var grid = ColorLayerGrid.Create(1, 1, 1, 1, 1, 1);
        RgbImage decoded = PaintDecoder.Decode(1, 1, ColorLayerPlanes.Flat(grid, 100, -8, 15), new BitPlane(1, 1, [1]));
        Assert.Equal(LayerColor.ToImage(1, 1, [100f], [-8f], [15f])[0, 0], decoded[0, 0]);
    }

    [Fact]
    public void DiagonalSketchLineCutsAlongAStraightLineNotAStaircase()
    {
        // A digital line of slope 1/3 in a 64x40 sketch of a 256x160 image (4 image pixels per sketch pixel).
        var sketch = new BitPlane(64, 40);
        for (int x = 2; x < 62; x++)
        {
            sketch[x, (int)Math.Round(5 + (x / 3.0))] = true;
        }

        PaintScene scene = PaintScene.Create(256, 160, sketch);
        PixelLinks links = scene.Links;
        // Each column's cut vertical link marks where the curve crosses it; away from the ends they must fit a
        // straight line within a pixel (the staircase would be off by up to 2 px: half a sketch pixel).
        var xs = new List<double>();
        var ys = new List<double>();
        for (int x = 40; x < 216; x++)
        {
            for (int y = 0; y < 159; y++)
            {
                if (links.Vertical[(y * 256) + x] < 1)
                {
                    xs.Add(x + 0.5);
                    ys.Add(y + 1);
                }
            }
        }

        Assert.Equal(176, xs.Count);
        (double slope, double intercept) = FitLine(xs, ys);
        Assert.InRange(slope, 1 / 3.0 - 0.02, 1 / 3.0 + 0.02);
        double worst = xs.Select((x, i) => Math.Abs(ys[i] - (slope * x) - intercept)).Max();
        Assert.True(worst <= 1.0, $"largest distance from the line: {worst} px");
    }

    [Fact]
    public void ClosedContourCutsSealTheInside()
    {
        // A ring of sketch pixels: no chain of uncut links joins the inside to the outside.
        BitPlane sketch = Square(30, 20, 5, 4, 22, 15);
        sketch[5, 4] = false; // a rounded corner: the diagonal step keeps it closed
        PaintScene scene = PaintScene.Create(90, 60, sketch);
        bool[] reached = Flood(scene.Links, 0, 0);
        Assert.False(reached[(30 * 90) + 45]);
        Assert.True(reached[(59 * 90) + 89]);
    }

    [Fact]
    public void SofteningKernelUsesAnExactExponential()
    {
        for (double t = 0; t <= 20; t += 0.125)
        {
            Assert.Equal(Math.Exp(-t), EdgeSoftening.ExpNegative(t), Math.Exp(-t) * 1e-9);
        }
    }

    [Fact]
    public void OutlineInksAlongTheCurvesOnly()
    {
        var grid = ColorLayerGrid.Create(64, 64, 8, 8, 4, 4);
        ColorLayerPlanes layer = ColorLayerPlanes.Flat(grid, 200f, 0f, 0f);
        BitPlane sketch = Square(16, 16, 4, 4, 11, 11);
        RgbImage inked = PaintDecoder.Decode(64, 64, layer, sketch, PaintOptions.Default with { Outline = true });
        // On the curve (x = 18 ± the straightening) it is dark; well away from it the layer's grey is untouched.
        Assert.True(inked[18, 32].R < 120, $"{inked[18, 32].R}");
        Assert.Equal(200, inked[32, 32].R);
        Assert.Equal(200, inked[4, 4].R);
    }

    internal static BitPlane Square(int width, int height, int left, int top, int right, int bottom)
    {
        var plane = new BitPlane(width, height);
        for (int x = left; x <= right; x++)
        {
            plane[x, top] = true;
            plane[x, bottom] = true;
        }

        for (int y = top; y <= bottom; y++)
        {
            plane[left, y] = true;
            plane[right, y] = true;
        }

        return plane;
    }

    /// <summary>A test picture (a disc and a bar on a gradient) and its detector sketch at half size.</summary>
    internal static (RgbImage Image, BitPlane Sketch) Shapes(int width, int height)
    {
        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double dx = x - (width * 0.35), dy = y - (height * 0.5);
                bool disc = (dx * dx) + (dy * dy) < height * height * 0.09;
                bool bar = x > width * 0.65 && x < width * 0.8;
                byte r = (byte)(disc ? 200 : bar ? 30 : 60 + (x * 100 / width));
                byte g = (byte)(disc ? 60 : bar ? 150 : 80 + (y * 60 / height));
                byte b = (byte)(disc ? 40 : bar ? 200 : 120);
                image.Set(x, y, r, g, b);
            }
        }

        return (image, EdgeDetector.Detect(image, (width + 1) / 2, (height + 1) / 2));
    }

    private static bool[] Flood(PixelLinks links, int x0, int y0)
    {
        int w = links.Width, h = links.Height;
        var seen = new bool[w * h];
        var stack = new Stack<int>();
        stack.Push((y0 * w) + x0);
        seen[(y0 * w) + x0] = true;
        while (stack.Count > 0)
        {
            int p = stack.Pop();
            int x = p % w, y = p / w;
            Try(x > 0 && links.Horizontal[(y * (w - 1)) + x - 1] >= 1, p - 1);
            Try(x < w - 1 && links.Horizontal[(y * (w - 1)) + x] >= 1, p + 1);
            Try(y > 0 && links.Vertical[((y - 1) * w) + x] >= 1, p - w);
            Try(y < h - 1 && links.Vertical[(y * w) + x] >= 1, p + w);
        }

        return seen;

        void Try(bool open, int q)
        {
            if (open && !seen[q])
            {
                seen[q] = true;
                stack.Push(q);
            }
        }
    }

    private static (double Slope, double Intercept) FitLine(List<double> xs, List<double> ys)
    {
        double mx = xs.Average(), my = ys.Average();
        double sxy = xs.Select((x, i) => (x - mx) * (ys[i] - my)).Sum();
        double sxx = xs.Select(x => (x - mx) * (x - mx)).Sum();
        double slope = sxy / sxx;
        return (slope, my - (slope * mx));
    }
}

/// <summary>The Paint energy's minimiser by dense Gaussian elimination, from the links and the grid alone.</summary>
internal static class DenseReference
{
    public static double[] Solve(PixelLinks links, LayerGrid grid, float[] cells, double lambda, double anchor)
    {
        int w = links.Width, h = links.Height, n = w * h;
        var a = new double[n, n];
        var b = new double[n];
        double[] interpolated = Bilinear(grid, cells);
        for (int p = 0; p < n; p++)
        {
            a[p, p] += anchor;
            b[p] += anchor * interpolated[p];
        }

        void Link(int p, int q, double weight)
        {
            a[p, p] += weight;
            a[q, q] += weight;
            a[p, q] -= weight;
            a[q, p] -= weight;
        }

        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x + 1 < w; x++)
            {
                Link((y * w) + x, (y * w) + x + 1, links.Horizontal[(y * (w - 1)) + x]);
            }
        }

        for (int y = 0; y + 1 < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                Link((y * w) + x, ((y + 1) * w) + x, links.Vertical[(y * w) + x]);
            }
        }

        for (int j = 0; j < grid.Rows; j++)
        {
            for (int i = 0; i < grid.Columns; i++)
            {
                var members = new List<int>();
                for (int y = grid.RowStart(j); y < grid.RowStart(j + 1); y++)
                {
                    for (int x = grid.ColumnStart(i); x < grid.ColumnStart(i + 1); x++)
                    {
                        members.Add((y * w) + x);
                    }
                }

                double weight = 1.0 / members.Count;
                foreach (int p in members)
                {
                    b[p] += lambda * weight * cells[(j * grid.Columns) + i];
                    foreach (int q in members)
                    {
                        a[p, q] += lambda * weight * weight;
                    }
                }
            }
        }

        return Eliminate(a, b);
    }

    /// <summary>The layer interpolated bilinearly between cell centres (constant beyond the outer centres).</summary>
    public static double[] Bilinear(LayerGrid grid, float[] cells)
    {
        int w = grid.ImageWidth, h = grid.ImageHeight;
        var result = new double[w * h];
        for (int y = 0; y < h; y++)
        {
            (int y0, int y1, double fy) = Between(y + 0.5, grid.Rows, grid.RowStart);
            for (int x = 0; x < w; x++)
            {
                (int x0, int x1, double fx) = Between(x + 0.5, grid.Columns, grid.ColumnStart);
                double top = ((1 - fx) * cells[(y0 * grid.Columns) + x0]) + (fx * cells[(y0 * grid.Columns) + x1]);
                double bottom = ((1 - fx) * cells[(y1 * grid.Columns) + x0]) + (fx * cells[(y1 * grid.Columns) + x1]);
                result[(y * w) + x] = ((1 - fy) * top) + (fy * bottom);
            }
        }

        return result;

        static (int, int, double) Between(double t, int count, Func<int, int> start)
        {
            double Centre(int k) => (start(k) + start(k + 1)) / 2.0;
            if (t <= Centre(0))
            {
                return (0, 0, 0);
            }

            for (int k = 0; k + 1 < count; k++)
            {
                if (t < Centre(k + 1))
                {
                    return (k, k + 1, (t - Centre(k)) / (Centre(k + 1) - Centre(k)));
                }
            }

            return (count - 1, count - 1, 0);
        }
    }

    /// <summary>Solves a x = b by Gaussian elimination with partial pivoting (a and b are overwritten).</summary>
    public static double[] Eliminate(double[,] a, double[] b)
    {
        int n = b.Length;
        // Gaussian elimination with partial pivoting.
        for (int c = 0; c < n; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < n; r++)
            {
                if (Math.Abs(a[r, c]) > Math.Abs(a[pivot, c]))
                {
                    pivot = r;
                }
            }

            for (int k = 0; k < n; k++)
            {
                (a[c, k], a[pivot, k]) = (a[pivot, k], a[c, k]);
            }

            (b[c], b[pivot]) = (b[pivot], b[c]);
            for (int r = c + 1; r < n; r++)
            {
                double f = a[r, c] / a[c, c];
                if (f == 0)
                {
                    continue;
                }

                for (int k = c; k < n; k++)
                {
                    a[r, k] -= f * a[c, k];
                }

                b[r] -= f * b[c];
            }
        }

        var u = new double[n];
        for (int r = n - 1; r >= 0; r--)
        {
            double s = b[r];
            for (int k = r + 1; k < n; k++)
            {
                s -= a[r, k] * u[k];
            }

            u[r] = s / a[r, r];
        }

        return u;
    }
}
