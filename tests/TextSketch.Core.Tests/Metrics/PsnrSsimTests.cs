using TextSketch.Core.Imaging;
using TextSketch.Core.Metrics;
using TextSketch.Core.Tests.Support;

namespace TextSketch.Core.Tests.Metrics;

public class PsnrSsimTests
{
    private static readonly RgbImage Reference = MetricTestImages.Pattern(240, 180);
    private static readonly RgbImage Noisy = MetricTestImages.Distorted(Reference, 12);

    [Fact]
    public void IdenticalImagesScorePerfectly()
    {
        RgbImage copy = new(Reference.Width, Reference.Height, (byte[])Reference.Pixels.Clone());
        Assert.Equal(double.PositiveInfinity, Psnr.Compute(Reference, copy));
        Assert.Equal(1.0, Ssim.Compute(Reference, copy), 12);
        Assert.Equal(1.0, Ssim.MultiScale(Reference, copy)!.Value, 12);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(16)]
    public void UniformErrorGivesTheClosedFormPsnr(int d)
    {
        // Every sample off by exactly d: MSE = d², PSNR = 20·log10(255/d).
        RgbImage moved = MetricTestImages.OffsetEverySample(Reference, d);
        Assert.Equal(d * d, Psnr.MeanSquaredError(Reference, moved), 12);
        Assert.Equal(20 * Math.Log10(255.0 / d), Psnr.Compute(Reference, moved), 10);
    }

    [Fact]
    public void PsnrAgreesWithImageMagick()
    {
        // Provenance: MetricTestImages.Pattern(240, 180) and Distorted(…, 12) written as PNG (ImageWriter, sha256
        // e6199424…f / 5559f6b9…6), then `compare -precision 12 -metric PSNR a.png b.png null:` with Debian's
        // ImageMagick 6.9.11-60 Q16 printed 24.0818826887 (and "inf" for a.png against itself).
        Assert.Equal(24.0818826887, Psnr.Compute(Reference, Noisy), 8);
    }

    [Fact]
    public void SsimAgreesWithScikitImage()
    {
        // Provenance: the same two PNGs, Debian python3-skimage 0.19.3:
        // structural_similarity(a, b, channel_axis=2, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
        // data_range=255) = 0.5090546333113545.
        Assert.Equal(0.5090546333113545, Ssim.Compute(Reference, Noisy), 12);
    }

    [Fact]
    public void MultiScaleSsimIsAWeightedProductOverFiveScales()
    {
        double? value = Ssim.MultiScale(Reference, Noisy);
        Assert.NotNull(value);
        // Noise is mostly gone after four halvings, so the multi-scale score is far above the single-scale one.
        Assert.InRange(value!.Value, Ssim.Compute(Reference, Noisy) + 0.2, 0.99);
        // The published weights sum to 1.0001, not 1; they are used as published.
        Assert.Equal(1.0001, Ssim.ScaleWeights.Sum(), 12);
        Assert.Equal([0.0448, 0.2856, 0.3001, 0.2363, 0.1333], Ssim.ScaleWeights);
    }

    [Fact]
    public void MultiScaleSsimNeedsRoomForFiveScales()
    {
        RgbImage small = MetricTestImages.Pattern(200, Ssim.MultiScaleMinimumSide - 1);
        Assert.Null(Ssim.MultiScale(small, small));
        RgbImage enough = MetricTestImages.Pattern(200, Ssim.MultiScaleMinimumSide);
        Assert.Equal(1.0, Ssim.MultiScale(enough, enough)!.Value, 12);
    }

    [Fact]
    public void SsimOfAConstantShiftOnAFlatImageIsTheLuminanceTerm()
    {
        // Flat images: variances and covariance are 0, so SSIM = (2·a·b + C1) / (a² + b² + C1) exactly.
        RgbImage a = TestImages.Solid(64, 64, 100, 100, 100);
        RgbImage b = TestImages.Solid(64, 64, 120, 120, 120);
        const double c1 = 0.01 * 255 * (0.01 * 255);
        Assert.Equal((2.0 * 100 * 120 + c1) / (100.0 * 100 + 120.0 * 120 + c1), Ssim.Compute(a, b), 12);
    }

    [Fact]
    public void DifferentSizesAreRefusedByTheRawMetrics()
    {
        Assert.Throws<ArgumentException>(() => Psnr.Compute(Reference, MetricTestImages.Pattern(120, 90)));
    }
}
