using TextSketch.Core.Coding.ColorLayer;
using TextSketch.Core.Imaging;

namespace TextSketch.LayerLab;

/// <summary>
/// Contact sheets for looking at the thumbnails: per photo, the box-downscaled original, ours, and the best WebP and
/// AVIF files of at most the same bytes (from the anchors' ladders), each enlarged 4x by pixel repetition.
/// </summary>
internal static class ContactSheet
{
    public static void Run(string[] files, string work, int divisor, int budget)
    {
        Directory.CreateDirectory(work);
        const int zoom = 4;
        var rows = new List<RgbImage[]>();
        foreach (string file in files)
        {
            RgbImage image = ImageReader.Read(file);
            LayerGeometry geometry = Lab.GeometryFor(image, divisor, false);
            LayerPlanes target = LayerPlanes.FromImage(image, geometry);
            RgbImage reference = Lab.Reference(image, geometry);
            LayerTrial? ours = Enumerable.Range(0, ColorLayerCoder.Quantisers).Select(q => ColorLayerCoder.Trial(target, q)).FirstOrDefault(t => t.Bytes <= budget);
            string png = Path.Combine(work, "sheet-input.png");
            File.WriteAllBytes(png, ImageWriter.Encode(reference, ImageFileFormat.Png));
            RgbImage? webp = AnchorTable.BestFile("webp", png, reference, work, budget);
            RgbImage? avif = AnchorTable.BestFile("avif", png, reference, work, budget);
            rows.Add([reference, ours?.Reconstruction.ToThumbnail() ?? Blank(reference), webp ?? Blank(reference), avif ?? Blank(reference)]);
            Console.WriteLine($"{Path.GetFileNameWithoutExtension(file)}: ours {ours?.Bytes} B {(ours is null ? double.NaN : Lab.Psnr(reference, ours.Reconstruction.ToThumbnail())):F2} dB, "
                + $"WebP {(webp is null ? "none fits" : $"{Lab.Psnr(reference, webp):F2} dB")}, AVIF {(avif is null ? "none fits" : $"{Lab.Psnr(reference, avif):F2} dB")}");
        }

        int cellW = rows.Max(r => r[0].Width) * zoom + 4, cellH = rows.Max(r => r[0].Height) * zoom + 4;
        var sheet = new RgbImage(cellW * 4, cellH * rows.Count);
        Array.Fill(sheet.Pixels, (byte)255);
        for (int r = 0; r < rows.Count; r++)
        {
            for (int c = 0; c < 4; c++)
            {
                RgbImage tile = rows[r][c];
                for (int y = 0; y < tile.Height * zoom; y++)
                {
                    for (int x = 0; x < tile.Width * zoom; x++)
                    {
                        (byte red, byte green, byte blue) = tile[x / zoom, y / zoom];
                        sheet.Set(c * cellW + x, r * cellH + y, red, green, blue);
                    }
                }
            }
        }

        string output = Path.Combine(work, $"sheet-d{divisor}-{budget}B.png");
        File.WriteAllBytes(output, ImageWriter.Encode(sheet, ImageFileFormat.Png));
        Console.WriteLine($"columns: original thumbnail | ours | WebP | AVIF (at most {budget} B each), written to {output}");
    }

    private static RgbImage Blank(RgbImage like) => new(like.Width, like.Height);
}
