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
        }
    }

    [Theory]
    [InlineData(101, 7)]
    [InlineData(7, 7)]
    [InlineData(1, 1)]
    [InlineData(768, 96)]
    public void CellsTileTheImageWithoutGapsOrOverlaps(int length, int cells)
    {
        int[] bounds = LayerGeometry.Bounds(length, cells);
        Assert.Equal(0, bounds[0]);
        Assert.Equal(length, bounds[^1]);
        for (int i = 0; i < cells; i++)
        {
            Assert.True(bounds[i + 1] > bounds[i]); // every cell covers at least one pixel
        }
    }

    [Fact]
    public void OutOfRangeSizeIndexThrows()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LayerGeometry.Create(768, 512, LayerGeometry.SizeCount(768, 512), true));
        Assert.Throws<ArgumentOutOfRangeException>(() => LayerGeometry.Create(0, 5, 0, true));
    }
}
