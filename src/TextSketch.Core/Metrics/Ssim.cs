using TextSketch.Core.Imaging;

namespace TextSketch.Core.Metrics;

/// <summary>
/// Structural similarity (Wang, Bovik, Sheikh, Simoncelli 2004) and its multi-scale form MS-SSIM (Wang, Simoncelli,
/// Bovik 2003), on 8-bit RGB.
/// <list type="bullet">
/// <item>Window: 11x11 Gaussian, σ = 1.5, normalised; statistics use population (1/N) variances; K1 = 0.01, K2 = 0.03,
/// L = 255. Only windows that lie wholly inside the image count ("valid" filtering), which is what scikit-image's
/// <c>structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=255)</c> averages.</item>
/// <item>Colour: each of R, G and B is scored on its own and the three scores are averaged (scikit-image's
/// <c>channel_axis</c>, TensorFlow's <c>ssim_multiscale</c>). No luma conversion.</item>
/// <item>MS-SSIM: 5 scales with weights 0.0448, 0.2856, 0.3001, 0.2363, 0.1333; contrast·structure at scales 1-4 and
/// full SSIM at scale 5. Between scales: 2x2 mean, then keep every second sample (Wang's reference code; an odd last row
/// or column averages with its mirror, i.e. itself). A negative contrast·structure term is clamped to 0 before the
/// fractional power, as in common implementations. The 11-pixel window must fit at scale 5, so both sides need at
/// least <see cref="MultiScaleMinimumSide"/> pixels; smaller images have no MS-SSIM (null).</item>
/// </list>
/// </summary>
public static class Ssim
{
    public const double K1 = 0.01;
    public const double K2 = 0.03;
    public const double DataRange = 255.0;
    public const double Sigma = 1.5;
    public const int WindowSize = 11;

    /// <summary>The standard MS-SSIM scale weights, finest first.</summary>
    public static IReadOnlyList<double> ScaleWeights { get; } = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333];

    /// <summary>Smallest side that still fits the 11-pixel window after four halvings: ceil(161 / 16) = 11.</summary>
    public const int MultiScaleMinimumSide = 161;

    private static readonly double[] Kernel = GaussianKernel();

    /// <summary>Mean single-scale SSIM over R, G and B. Both sides must be at least 11 pixels.</summary>
    public static double Compute(RgbImage reference, RgbImage test)
    {
        MetricImages.RequireSameSize(reference, test);
        if (reference.Width < WindowSize || reference.Height < WindowSize)
        {
            throw new ArgumentException($"SSIM needs at least {WindowSize}x{WindowSize} pixels; the images are {reference.Width}x{reference.Height}.", nameof(reference));
        }

        double total = 0;
        for (int c = 0; c < 3; c++)
        {
            total += Statistics(MetricImages.Channel(reference, c), MetricImages.Channel(test, c), reference.Width, reference.Height).Ssim;
        }

        return total / 3;
    }

    /// <summary>Mean MS-SSIM over R, G and B; null when a side is below <see cref="MultiScaleMinimumSide"/>.</summary>
    public static double? MultiScale(RgbImage reference, RgbImage test)
    {
        MetricImages.RequireSameSize(reference, test);
        if (reference.Width < MultiScaleMinimumSide || reference.Height < MultiScaleMinimumSide)
        {
            return null;
        }

        double total = 0;
        for (int c = 0; c < 3; c++)
        {
            total += MultiScaleChannel(MetricImages.Channel(reference, c), MetricImages.Channel(test, c), reference.Width, reference.Height);
        }

        return total / 3;
    }

    private static double MultiScaleChannel(double[] x, double[] y, int width, int height)
    {
        double result = 1;
        int scales = ScaleWeights.Count;
        for (int scale = 0; scale < scales; scale++)
        {
            (double ssim, double contrastStructure) = Statistics(x, y, width, height);
            double term = scale == scales - 1 ? ssim : contrastStructure;
            result *= Math.Pow(Math.Max(term, 0), ScaleWeights[scale]);
            if (scale < scales - 1)
            {
                x = Halve(x, width, height, out int w2, out int h2);
                y = Halve(y, width, height, out _, out _);
                width = w2;
                height = h2;
            }
        }

        return result;
    }

    /// <summary>Mean SSIM and mean contrast·structure over the valid windows of one channel pair.</summary>
    internal static (double Ssim, double ContrastStructure) Statistics(double[] x, double[] y, int width, int height)
    {
        int n = x.Length;
        var xx = new double[n];
        var yy = new double[n];
        var xy = new double[n];
        for (int i = 0; i < n; i++)
        {
            xx[i] = x[i] * x[i];
            yy[i] = y[i] * y[i];
            xy[i] = x[i] * y[i];
        }

        double[] mx = FilterValid(x, width, height, out int vw, out int vh);
        double[] my = FilterValid(y, width, height, out _, out _);
        double[] mxx = FilterValid(xx, width, height, out _, out _);
        double[] myy = FilterValid(yy, width, height, out _, out _);
        double[] mxy = FilterValid(xy, width, height, out _, out _);
        const double c1 = K1 * DataRange * (K1 * DataRange);
        const double c2 = K2 * DataRange * (K2 * DataRange);
        double ssimSum = 0;
        double csSum = 0;
        int count = vw * vh;
        for (int i = 0; i < count; i++)
        {
            double ux = mx[i];
            double uy = my[i];
            double vx = mxx[i] - ux * ux;
            double vy = myy[i] - uy * uy;
            double cov = mxy[i] - ux * uy;
            double cs = (2 * cov + c2) / (vx + vy + c2);
            double luminance = (2 * ux * uy + c1) / (ux * ux + uy * uy + c1);
            csSum += cs;
            ssimSum += luminance * cs;
        }

        return (ssimSum / count, csSum / count);
    }

    /// <summary>Separable Gaussian filter keeping only positions where the whole window is inside the image.</summary>
    private static double[] FilterValid(double[] src, int width, int height, out int validWidth, out int validHeight)
    {
        int k = Kernel.Length;
        validWidth = width - k + 1;
        validHeight = height - k + 1;
        var rows = new double[validWidth * height];
        for (int y = 0; y < height; y++)
        {
            int s = y * width;
            int d = y * validWidth;
            for (int x = 0; x < validWidth; x++)
            {
                double sum = 0;
                for (int t = 0; t < k; t++)
                {
                    sum += Kernel[t] * src[s + x + t];
                }

                rows[d + x] = sum;
            }
        }

        var result = new double[validWidth * validHeight];
        for (int y = 0; y < validHeight; y++)
        {
            int d = y * validWidth;
            for (int x = 0; x < validWidth; x++)
            {
                double sum = 0;
                for (int t = 0; t < k; t++)
                {
                    sum += Kernel[t] * rows[(y + t) * validWidth + x];
                }

                result[d + x] = sum;
            }
        }

        return result;
    }

    /// <summary>2x2 mean then every second sample; an odd last row/column pairs with its mirror image (itself).</summary>
    private static double[] Halve(double[] src, int width, int height, out int halfWidth, out int halfHeight)
    {
        halfWidth = (width + 1) / 2;
        halfHeight = (height + 1) / 2;
        var result = new double[halfWidth * halfHeight];
        for (int y = 0; y < halfHeight; y++)
        {
            int y0 = 2 * y;
            int y1 = Math.Min(y0 + 1, height - 1);
            for (int x = 0; x < halfWidth; x++)
            {
                int x0 = 2 * x;
                int x1 = Math.Min(x0 + 1, width - 1);
                result[y * halfWidth + x] = 0.25 * (src[y0 * width + x0] + src[y0 * width + x1] + src[y1 * width + x0] + src[y1 * width + x1]);
            }
        }

        return result;
    }

    private static double[] GaussianKernel()
    {
        var kernel = new double[WindowSize];
        int radius = WindowSize / 2;
        double sum = 0;
        for (int i = 0; i < WindowSize; i++)
        {
            int d = i - radius;
            kernel[i] = Math.Exp(-(d * d) / (2 * Sigma * Sigma));
            sum += kernel[i];
        }

        for (int i = 0; i < WindowSize; i++)
        {
            kernel[i] /= sum;
        }

        return kernel;
    }
}
