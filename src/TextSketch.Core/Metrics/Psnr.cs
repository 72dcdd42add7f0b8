using TextSketch.Core.Imaging;

namespace TextSketch.Core.Metrics;

/// <summary>
/// Peak signal-to-noise ratio on 8-bit RGB: 10·log10(255² / MSE), the MSE taken over every R, G and B sample. This is
/// what ImageMagick's <c>compare -metric PSNR</c> reports for 8-bit RGB files; identical images give +∞.
/// </summary>
public static class Psnr
{
    /// <summary>PSNR in dB of <paramref name="test"/> against <paramref name="reference"/> (same size required).</summary>
    public static double Compute(RgbImage reference, RgbImage test) => FromMeanSquaredError(MeanSquaredError(reference, test));

    /// <summary>Mean of the squared differences of all R, G, B samples, in 8-bit units.</summary>
    public static double MeanSquaredError(RgbImage reference, RgbImage test)
    {
        MetricImages.RequireSameSize(reference, test);
        byte[] a = reference.Pixels;
        byte[] b = test.Pixels;
        long sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            int d = a[i] - b[i];
            sum += d * d;
        }

        return (double)sum / a.Length;
    }

    public static double FromMeanSquaredError(double mse) =>
        mse <= 0 ? double.PositiveInfinity : 10.0 * Math.Log10(255.0 * 255.0 / mse);
}
