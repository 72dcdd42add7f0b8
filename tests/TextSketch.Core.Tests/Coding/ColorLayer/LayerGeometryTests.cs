using TextSketch.Core.Coding.ColorLayer;
using TextSketch.Core.Color;

namespace TextSketch.Core.Tests.Coding.ColorLayer;

public class LayerGeometryTests
{
    [Theory]
    [InlineData(768, 512)]
    [InlineData(512, 768)]
    [InlineData(101, 67)]
    [InlineData(1, 1)]
    [InlineData(1, 7)]
    [InlineData(7, 1)]
    [InlineData(65535, 3)]
    [InlineData(65535, 65535)]
    public void SizeZeroIsTheHintGridAndSizesGrowStrictly(int width, int height)
    {
        var sizes = LayerGeometry.SizesFor(width, height);
        (int c, int r) = ColorHint.GridFor(width, height);
        Assert.Equal((Math.Min(c, width), Math.Min(r, height)), (sizes[0].Width, sizes[0].Height));
        Assert.Equal(0, sizes[0].Divisor);
        for (int i = 1; i < sizes.Count; i++)
        {
            Assert.True((long)sizes[i].Width * sizes[i].Height > (long)sizes[i - 1].Width * sizes[i - 1].Height);
            Assert.True(sizes[i].Divisor >= LayerGeometry.MinDivisor);
            Assert.Equal((width + sizes[i].Divisor - 1) / sizes[i].Divisor, sizes[i].Width);
            Assert.Equal((height + sizes[i].Divisor - 1) / sizes[i].Divisor, sizes[i].Height);
        }

        Assert.All(sizes, s => Assert.True(s.Width <= width && s.Height <= height && (long)s.Width * s.Height <= LayerGeometry.MaxCells));
    }

    [Fact]
    public void PhotoSizesIncludeTheThumbnailsOfEveryPowerOfTwo()
    {
        var sizes = LayerGeometry.SizesFor(768, 512).Select(s => (s.Width, s.Height)).ToList();
        Assert.Equal((4, 3), sizes[0]);
        Assert.Contains((24, 16), sizes);
        Assert.Contains((48, 32), sizes);
        Assert.Contains((96, 64), sizes);
        Assert.Contains((192, 128), sizes);
        Assert.Equal((384, 256), sizes[^1]);
    }

    [Fact]
    public void OnePixelImageHasOneSetting()
    {
        Assert.Equal(1, LayerGeometry.SizeCount(1, 1));
        LayerGeometry g = LayerGeometry.Create(1, 1, 0, halfChroma: true);
        Assert.Equal((1, 1, 1, 1), (g.LumaWidth, g.LumaHeight, g.ChromaWidth, g.ChromaHeight));
    }

    [Theory]
    [InlineData(101, 67)]
    [InlineData(7, 1)]
    [InlineData(768, 512)]
    public void HalfChromaIsTheFirstLowBandOfLuma(int width, int height)
    {
        for (int s = 0; s < LayerGeometry.SizeCount(width, height); s++)
        {
            LayerGeometry g = LayerGeometry.Create(width, height, s, halfChroma: true);
            if (s == 0)
            {
                // The hint's grid keeps full chroma.
                Assert.False(g.HalfChroma);
                Assert.Equal((g.LumaWidth, g.LumaHeight), (g.ChromaWidth, g.ChromaHeight));
                continue;
            }

            Assert.Equal(((g.LumaWidth + 1) / 2, (g.LumaHeight + 1) / 2), (g.ChromaWidth, g.ChromaHeight));
            LayerGeometry full = LayerGeometry.Create(width, height, s, halfChroma: false);
            Assert.Equal((full.LumaWidth, full.LumaHeight), (full.ChromaWidth, full.ChromaHeight));
            Assert.Equal(full.Luma, full.Chroma);
            Assert.Equal(full.Luma, g.Luma); // both modes share the luma grid, and the chroma grid covers the same image
            Assert.Equal((width, height), (g.Chroma.ImageWidth, g.Chroma.ImageHeight));
        }
    }

    [Theory]
    [InlineData(101, 7)]
    [InlineData(7, 7)]
    [InlineData(1, 1)]
    [InlineData(768, 96)]
    public void CellsTileTheImageWithoutGapsOrOverlaps(int length, int cells)
    {
        var grid = new LayerGrid(length, 1, cells, 1);
        Assert.Equal(0, grid.ColumnStart(0));
        Assert.Equal(length, grid.ColumnStart(cells));
        for (int i = 0; i < cells; i++)
        {
            Assert.True(grid.ColumnStart(i + 1) > grid.ColumnStart(i)); // every cell covers at least one pixel
            for (int x = grid.ColumnStart(i); x < grid.ColumnStart(i + 1); x++)
            {
                Assert.Equal(i, grid.ColumnOf(x)); // and each pixel lies in exactly one cell
            }
        }
    }

    [Fact]
    public void OutOfRangeSizeIndexThrows()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LayerGeometry.Create(768, 512, LayerGeometry.SizeCount(768, 512), true));
        Assert.Throws<ArgumentOutOfRangeException>(() => LayerGeometry.Create(0, 5, 0, true));
    }

    [Fact]
    public void FreeGeometriesAreNotCoderSettings()
    {
        // The decoder and the fit take any grids; the coder writes only its settings.
        LayerGeometry free = LayerGeometry.OfGrids(50, 30, 10, 6, 5, 3);
        Assert.Null(free.SizeIndex);
        Assert.False(free.HalfChroma);
        Assert.Equal((10, 6, 5, 3), (free.LumaWidth, free.LumaHeight, free.ChromaWidth, free.ChromaHeight));
        Assert.NotEqual(free, LayerGeometry.Create(50, 30, 1, halfChroma: true));
        LayerPlanes planes = LayerPlanes.Flat(free, 100, 0, 0);
        Assert.Throws<ArgumentException>(() => ColorLayerCoder.Encode(new TextSketch.Core.Coding.RangeEncoder(), planes, 10));
        Assert.Throws<ArgumentException>(() => new LayerGeometry(new LayerGrid(50, 30, 5, 3), new LayerGrid(51, 30, 5, 3)));
    }
}
