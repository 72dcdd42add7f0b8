using TextSketch.Core.Coding.ColorLayer;

namespace TextSketch.Core.Tests.Coding.ColorLayer;

public class LiftingWaveletTests
{
    public static TheoryData<string> Wavelets => new() { "cdf97", "cdf53" };

    [Theory]
    [MemberData(nameof(Wavelets))]
    public void OneDimensionalInverseIsExactForEveryLength(string name)
    {
        LiftingWavelet wavelet = Find(name);
        var random = new Random(1);
        for (int n = 1; n <= 40; n++)
        {
            int[] original = Enumerable.Range(0, n).Select(_ => random.Next(-5000, 5000)).ToArray();
            int[] data = (int[])original.Clone();
            var scratch = new int[n];
            wavelet.Forward(data, 0, 1, n, scratch);
            wavelet.Inverse(data, 0, 1, n, scratch);
            Assert.Equal(original, data);
        }
    }

    [Theory]
    [InlineData("cdf97", 1, 1)]
    [InlineData("cdf97", 1, 7)]
    [InlineData("cdf97", 7, 1)]
    [InlineData("cdf97", 101, 67)]
    [InlineData("cdf97", 192, 128)]
    [InlineData("cdf53", 101, 67)]
    [InlineData("cdf53", 5, 3)]
    public void TwoDimensionalInverseIsExact(string name, int width, int height)
    {
        LiftingWavelet wavelet = Find(name);
        var random = new Random(width * 1000 + height);
        int[] original = Enumerable.Range(0, width * height).Select(_ => random.Next(0, 4081)).ToArray();
        int[] plane = (int[])original.Clone();
        var layout = new BandLayout(width, height);
        wavelet.Forward(plane, layout);
        wavelet.Inverse(plane, layout);
        Assert.Equal(original, plane);
    }

    [Fact]
    public void ConstantSignalHasNoDetail()
    {
        // The 9/7 predict steps annihilate constants: all high-band samples are (within rounding) zero, at any level.
        foreach (int level in new[] { 0, 100, 8192, 16320 })
        {
            int[] data = Enumerable.Repeat(level, 33).ToArray();
            LiftingWavelet.Cdf97.Forward(data, 0, 1, data.Length, new int[33]);
            Assert.All(data.Skip(17), d => Assert.InRange(d, -1, 1));
            Assert.All(data.Take(17), s => Assert.InRange(s, level * 1.2299 - 2, level * 1.2299 + 2)); // low-pass DC gain
        }
    }

    [Theory]
    [InlineData(101, 67)]
    [InlineData(1, 7)]
    [InlineData(4, 3)]
    [InlineData(1, 1)]
    public void BandsCoverThePlaneExactlyOnce(int width, int height)
    {
        var layout = new BandLayout(width, height);
        var covered = new int[width * height];
        foreach (BandLayout.Band band in layout.HighBands.Append(layout.Low))
        {
            for (int y = band.Y0; y < band.Y0 + band.Height; y++)
            {
                for (int x = band.X0; x < band.X0 + band.Width; x++)
                {
                    covered[y * width + x]++;
                }
            }
        }

        Assert.All(covered, c => Assert.Equal(1, c));
        Assert.True(Math.Max(layout.Low.Width, layout.Low.Height) <= BandLayout.DefaultMaxLowSide || layout.Levels.Count == BandLayout.MaxLevels);
    }

    [Fact]
    public void BandWeightsAreTheFormatsTable()
    {
        // README.md's table: these numbers are part of the bit stream (they set the step sizes).
        int[] low = [4096, 3593, 3052, 2627, 2278, 1980, 1721, 1497, 1302];
        int[] high = [4096, 4617, 4165, 3494, 2988, 2586, 2246, 1953, 1698];
        Assert.Equal(low, Enumerable.Range(0, 9).Select(k => LiftingWavelet.Cdf97.Weight(k, false)));
        Assert.Equal(high, Enumerable.Range(0, 9).Select(k => LiftingWavelet.Cdf97.Weight(k, true)));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(1e-5)]
    [InlineData(0.999)]
    [InlineData(3.0)]
    [InlineData(123456.789)]
    public void TheEncodersLogarithmMatchesTheLibrarys(double x)
    {
        // The encoder's own log2 (multiplications only, the same on every machine) agrees with the library's.
        Assert.Equal(Math.Log2(x), BitCost.Log2(x), 9);
    }

    private static LiftingWavelet Find(string name) => name == "cdf97" ? LiftingWavelet.Cdf97 : LiftingWavelet.Cdf53;
}
