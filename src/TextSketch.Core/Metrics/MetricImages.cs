using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TextSketch.Core.Imaging;

namespace TextSketch.Core.Metrics;

/// <summary>Image plumbing shared by the metrics: size checks, resampling to the reference's size, channel planes.</summary>
public static class MetricImages
{
    /// <summary>
    /// <paramref name="image"/> at <paramref name="width"/>x<paramref name="height"/>: unchanged when it already has that
    /// size, else resampled with ImageSharp's Bicubic resampler (cubic convolution; the kernel is
    /// widened when shrinking, so downscaling averages instead of aliasing). The aspect ratio is not kept: a reconstruction is
    /// always compared over the reference's full frame.
    /// </summary>
    public static RgbImage Resize(RgbImage image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Width == width && image.Height == height)
        {
            return image;
        }

        using Image<Rgb24> frame = Image.LoadPixelData<Rgb24>(MetricsImageSharp.Configuration, image.Pixels, image.Width, image.Height);
        frame.Mutate(x => x.Resize(new ResizeOptions
        {
            Size = new Size(width, height),
            Mode = ResizeMode.Stretch,
            Sampler = KnownResamplers.Bicubic,
        }));
        var result = new RgbImage(width, height);
        frame.CopyPixelDataTo(result.Pixels);
        return result;
    }

    internal static void RequireSameSize(RgbImage reference, RgbImage test)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(test);
        if (reference.Width != test.Width || reference.Height != test.Height)
        {
            throw new ArgumentException(
                $"The images differ in size ({reference.Width}x{reference.Height} and {test.Width}x{test.Height}); resize the test image to the reference's size first.",
                nameof(test));
        }
    }

    /// <summary>One colour channel (0 = R, 1 = G, 2 = B) as doubles in 0..255.</summary>
    internal static double[] Channel(RgbImage image, int channel)
    {
        byte[] px = image.Pixels;
        var plane = new double[image.Width * image.Height];
        for (int i = 0, j = channel; i < plane.Length; i++, j += 3)
        {
            plane[i] = px[j];
        }

        return plane;
    }
}

/// <summary>ImageSharp configuration for metric resampling: one thread per image (callers parallelise across pairs).</summary>
internal static class MetricsImageSharp
{
    public static Configuration Configuration { get; } = Create();

    private static Configuration Create()
    {
        Configuration configuration = Configuration.Default.Clone();
        configuration.MaxDegreeOfParallelism = 1;
        return configuration;
    }
}
