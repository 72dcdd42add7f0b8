using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TextSketch.Core.Imaging;

namespace TextSketch.Core.Tests.Support;

/// <summary>Images the tests make for themselves.</summary>
internal static class TestImages
{
    public static RgbImage Solid(int width, int height, byte r, byte g, byte b)
    {
        var image = new RgbImage(width, height);
        for (int i = 0; i < width * height; i++)
        {
            image.Pixels[3 * i] = r;
            image.Pixels[3 * i + 1] = g;
            image.Pixels[3 * i + 2] = b;
        }

        return image;
    }

    /// <summary>Dark background with a bright filled rectangle.</summary>
    public static RgbImage Rectangle(int width, int height, int x0, int y0, int x1, int y1)
    {
        RgbImage image = Solid(width, height, 30, 30, 30);
        for (int y = y0; y < y1; y++)
        {
            for (int x = x0; x < x1; x++)
            {
                image.Set(x, y, 230, 200, 40);
            }
        }

        return image;
    }

    /// <summary>A synthetic "photo": smooth gradients, a few shapes and mild noise, deterministic per seed.</summary>
    public static RgbImage Scene(int width, int height, int seed)
    {
        var random = new Random(seed);
        var image = new RgbImage(width, height);
        int cx = width * (30 + random.Next(40)) / 100;
        int cy = height * (30 + random.Next(40)) / 100;
        int radius = Math.Min(width, height) / 4;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int r = 60 + 120 * y / height;
                int g = 90 + 100 * x / width;
                int b = 160 - 80 * y / height;
                int dx = x - cx, dy = y - cy;
                if (dx * dx + dy * dy < radius * radius)
                {
                    (r, g, b) = (220, 120, 60);
                }

                if (y > height * 3 / 4 && x % (width / 5 + 1) < width / 10)
                {
                    (r, g, b) = (40, 60, 40);
                }

                int n = random.Next(-6, 7);
                image.Set(x, y, Clamp(r + n), Clamp(g + n), Clamp(b + n));
            }
        }

        return image;
    }

    public static void Save(RgbImage image, string path)
    {
        using Image<Rgb24> frame = Image.LoadPixelData<Rgb24>(image.Pixels, image.Width, image.Height);
        frame.Save(path);
    }

    private static byte Clamp(int v) => (byte)Math.Clamp(v, 0, 255);
}

/// <summary>A temporary folder deleted with the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "textsketch-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
