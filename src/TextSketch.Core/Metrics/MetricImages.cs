using TextSketch.Core.Imaging;

namespace TextSketch.Core.Metrics;

/// <summary>Image plumbing shared by the metrics: size checks, resampling to the reference's size, channel planes.</summary>
public static class MetricImages
{
    /// <summary><paramref name="image"/> at the reference's <paramref name="width"/> x <paramref name="height"/>
    /// (<see cref="Resampling.Bicubic"/>): a reconstruction is always compared over the reference's full frame.</summary>
    public static RgbImage Resize(RgbImage image, int width, int height) => Resampling.Bicubic(image, width, height);

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
