using TextSketch.Core.Coding;
using TextSketch.Core.Coding.ColorLayer;
using TextSketch.Core.Color;
using TextSketch.Core.Imaging;

namespace TextSketch.LayerLab;

/// <summary>The smallest layer setting (the hint's grid) against the 12-cell colour hint it replaces.</summary>
internal static class HintComparison
{
    public static void Run(string[] files)
    {
        Console.WriteLine("| photo | hint bytes | hint PSNR | layer bytes at >= hint PSNR (full chroma) | its PSNR | quantiser |");
        Console.WriteLine("|---|---|---|---|---|---|");
        double hintBytes = 0, layerBytes = 0;
        // The photos, then the synthetic scenes the tests use (tests/.../Support/TestImages.Scene).
        var inputs = files.Select(f => (Path.GetFileNameWithoutExtension(f), ImageReader.Read(f)))
            .Concat(new[] { (768, 512, 1), (512, 768, 2), (640, 480, 3), (101, 67, 4) }.Select(s => ($"scene{s.Item3}", Scene(s.Item1, s.Item2, s.Item3))))
            .ToList();
        foreach ((string name, RgbImage image) in inputs)
        {
            ColorHint hint = ColorHint.Extract(image);
            var encoder = new RangeEncoder();
            hint.Encode(encoder);
            int hintSize = encoder.Finish().Length;
            bool half = Environment.GetEnvironmentVariable("LAYERLAB_HALF") == "1";
            LayerGeometry geometry = LayerGeometry.Create(image.Width, image.Height, 0, halfChroma: half);
            RgbImage reference = Lab.Reference(image, geometry);
            var hintThumb = new RgbImage(hint.Columns, hint.Rows);
            for (int i = 0; i < hint.Columns * hint.Rows; i++)
            {
                (int r, int g, int b) = hint.CellRgb(i);
                hintThumb.Set(i % hint.Columns, i / hint.Columns, (byte)r, (byte)g, (byte)b);
            }

            double hintPsnr = Lab.Psnr(reference, hintThumb);
            LayerPlanes target = LayerPlanes.FromImage(image, geometry);
            LayerTrial? best = null;
            for (int q = ColorLayerCoder.Quantisers - 1; q >= 0; q--)
            {
                LayerTrial t = ColorLayerCoder.Trial(target, q);
                if (Lab.Psnr(reference, t.Reconstruction.ToThumbnail()) >= hintPsnr)
                {
                    best = t;
                    break;
                }
            }

            if (Environment.GetEnvironmentVariable("LAYERLAB_DETAIL") == name)
            {
                for (int q = 20; q < 80; q += 2)
                {
                    LayerTrial t = ColorLayerCoder.Trial(target, q);
                    Console.WriteLine($"  q {q}: {t.Bytes} B {t.Bits:F1} bits, thumbnail PSNR {Lab.Psnr(reference, t.Reconstruction.ToThumbnail()):F2}, weighted error {t.WeightedError:F0}");
                }
            }

            hintBytes += hintSize;
            layerBytes += best?.Bytes ?? double.NaN;
            Console.WriteLine($"| {name} | {hintSize} | {hintPsnr:F2} | {best?.Bytes} | {(best is null ? double.NaN : Lab.Psnr(reference, best.Reconstruction.ToThumbnail())):F2} | {best?.Reconstruction.Quantiser} |");
        }

        Console.WriteLine($"| mean | {hintBytes / inputs.Count:F1} | | {layerBytes / inputs.Count:F1} | | |");
    }

    /// <summary>A copy of the tests' synthetic scene (TestImages.Scene): gradients, a disc, bars, mild noise.</summary>
    private static RgbImage Scene(int width, int height, int seed)
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
                int r = 60 + 120 * y / height, g = 90 + 100 * x / width, b = 160 - 80 * y / height;
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
                image.Set(x, y, (byte)Math.Clamp(r + n, 0, 255), (byte)Math.Clamp(g + n, 0, 255), (byte)Math.Clamp(b + n, 0, 255));
            }
        }

        return image;
    }
}
