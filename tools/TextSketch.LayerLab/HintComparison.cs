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
        foreach (string file in files)
        {
            RgbImage image = ImageReader.Read(file);
            ColorHint hint = ColorHint.Extract(image);
            var encoder = new RangeEncoder();
            hint.Encode(encoder);
            int hintSize = encoder.Finish().Length;
            LayerGeometry geometry = LayerGeometry.Create(image.Width, image.Height, 0, halfChroma: false);
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
            for (int q = 63; q >= 0; q--)
            {
                LayerTrial t = ColorLayerCoder.Trial(target, q);
                if (Lab.Psnr(reference, t.Reconstruction.ToThumbnail()) >= hintPsnr)
                {
                    best = t;
                    break;
                }
            }

            hintBytes += hintSize;
            layerBytes += best?.Bytes ?? double.NaN;
            Console.WriteLine($"| {Path.GetFileNameWithoutExtension(file)} | {hintSize} | {hintPsnr:F2} | {best?.Bytes} | {(best is null ? double.NaN : Lab.Psnr(reference, best.Reconstruction.ToThumbnail())):F2} | {best?.Reconstruction.Quantiser} |");
        }

        Console.WriteLine($"| mean | {hintBytes / files.Length:F1} | | {layerBytes / files.Length:F1} | | |");
    }
}
