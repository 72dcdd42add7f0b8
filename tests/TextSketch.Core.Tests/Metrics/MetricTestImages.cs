using TextSketch.Core.Imaging;

namespace TextSketch.Core.Tests.Metrics;

/// <summary>
/// Deterministic images for the metric tests, from integer formulas only (no System.Random), so the expected values
/// computed once with ImageMagick and scikit-image stay valid on every machine and .NET version.
/// </summary>
internal static class MetricTestImages
{
    /// <summary>Gradients, a disc, a dark bar, a diagonal stripe field and fine texture.</summary>
    public static RgbImage Pattern(int width, int height)
    {
        var image = new RgbImage(width, height);
        uint state = 12345;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int r = 40 + 160 * x / width;
                int g = 60 + 120 * y / height;
                int b = 200 - 150 * (x + y) / (width + height);
                int dx = x - width / 3, dy = y - height / 2;
                if (dx * dx + dy * dy < width * height / 16)
                {
                    (r, g, b) = (230, 190, 50);
                }

                if (y > height * 3 / 4 && x > width / 2)
                {
                    (r, g, b) = (25, 35, 30);
                }

                if (x > width * 2 / 3 && y < height / 2 && ((x + y) / 6) % 2 == 0)
                {
                    (r, g, b) = (r / 2, g / 2, b / 2);
                }

                state = state * 1664525u + 1013904223u;
                int n = (int)(state >> 28) - 8;
                image.Set(x, y, Clamp(r + n), Clamp(g + n / 2), Clamp(b - n));
            }
        }

        return image;
    }

    /// <summary><paramref name="image"/> shifted one pixel right, with deterministic noise of ±<paramref name="amplitude"/>.</summary>
    public static RgbImage Distorted(RgbImage image, int amplitude)
    {
        var result = new RgbImage(image.Width, image.Height);
        uint state = 777;
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                (byte r, byte g, byte b) = image[Math.Max(x - 1, 0), y];
                state = state * 1664525u + 1013904223u;
                int n = (int)(state % (uint)(2 * amplitude + 1)) - amplitude;
                result.Set(x, y, Clamp(r + n), Clamp(g - n), Clamp(b + n / 2));
            }
        }

        return result;
    }

    /// <summary>A copy of <paramref name="image"/> with every sample moved by +d or −d (alternating, sign chosen so the
    /// value stays in range): MSE is exactly d², so PSNR = 10·log10(255²/d²).</summary>
    public static RgbImage OffsetEverySample(RgbImage image, int d)
    {
        var result = new RgbImage(image.Width, image.Height);
        for (int i = 0; i < image.Pixels.Length; i++)
        {
            int v = image.Pixels[i];
            int moved = (i % 2 == 0 ? v + d : v - d) is int m && m >= 0 && m <= 255 ? m : (i % 2 == 0 ? v - d : v + d);
            result.Pixels[i] = (byte)moved;
        }

        return result;
    }

    private static byte Clamp(int v) => (byte)Math.Clamp(v, 0, 255);
}
