using System.Globalization;
using TextSketch.Core.Coding.ColorLayer;
using TextSketch.Core.Decoding.Paint;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Metrics;

namespace TextSketch.PaintLab;

/// <summary>
/// Records mode (--records DIR): the bench's own records (DIR/&lt;budget&gt;/&lt;photo&gt;.tsk, written by
/// ConvertTo-TextSketch -MaxBytes &lt;budget&gt;) decoded by Paint and by Paint followed by each detail variant
/// (--detail), scored against the photos: mean PSNR, MS-SSIM, FeatureDistance per budget, and the variant's own
/// processor time.
/// </summary>
internal static class Records
{
    public static void Run(string recordsDirectory, string photos, IReadOnlyList<string> variants, Func<RgbImage, float[]>? embed, PaintOptions paint, bool perPhoto)
    {
        var culture = CultureInfo.InvariantCulture;
        var rows = new List<(int Budget, string Variant, string Photo, double Psnr, double MsSsim, double Fd, double Ms)>();
        string[] budgets = Directory.GetDirectories(recordsDirectory).OrderBy(d => int.Parse(Path.GetFileName(d), culture)).ToArray();
        foreach (string budgetDirectory in budgets)
        {
            int budget = int.Parse(Path.GetFileName(budgetDirectory), culture);
            foreach (string file in Directory.GetFiles(budgetDirectory, "*.tsk").Order(StringComparer.Ordinal))
            {
                string name = Path.GetFileNameWithoutExtension(file);
                RgbImage original = ImageReader.Read(Path.Combine(photos, name + ".png"));
                float[]? reference = embed?.Invoke(original);
                TskDocument document = TskFile.Read(File.ReadAllBytes(file), name).Document;
                LayerPlanes layer = PaintDecoder.LayerOf(document)!;
                // The variants run between the solve and the edge softening, as a decoder stage would.
                PaintScene scene = PaintScene.Create(document.Width, document.Height, document.Sketch?.Bitmap, paint with { EdgeSoftness = 0 });
                float[][] planes = scene.Decode(layer);
                foreach (string variant in variants)
                {
                    // oracle: the same geometry, the photo's exact (unquantised) cell means: what the layer's quantisation costs.
                    float[][] copy = variant == "oracle" ? scene.Decode(LayerPlanes.FromImage(original, layer.Geometry)) : planes.Select(p => (float[])p.Clone()).ToArray();
                    double before = Program.ThreadClock.Milliseconds();
                    DetailExperiment.Apply(copy, layer.Geometry, scene.Links, variant);
                    double ms = Program.ThreadClock.Milliseconds() - before;
                    EdgeSoftening.Apply(copy, scene.Links, paint.EdgeSoftness);
                    RgbImage decoded = YCoCg.ToImage(document.Width, document.Height, copy[0], copy[1], copy[2]);
                    double fd = reference is null ? double.NaN : FeatureStatistics.CosineDistance(reference, embed!(decoded));
                    rows.Add((budget, variant, name, Psnr.Compute(original, decoded), Ssim.MultiScale(original, decoded) ?? double.NaN, fd, ms));
                }

                Console.Error.WriteLine($"{budget} {name}: luma {layer.Geometry.Luma}, chroma {layer.Geometry.Chroma}");
            }
        }

        Console.WriteLine("| budget | variant | PSNR dB | MS-SSIM | FeatureDistance | detail ms |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var group in rows.GroupBy(r => (r.Budget, r.Variant)))
        {
            Console.WriteLine(string.Format(culture, "| {0} | {1} | {2:F3} | {3:F4} | {4:F4} | {5:F1} |", group.Key.Budget, group.Key.Variant,
                group.Average(r => r.Psnr), group.Average(r => r.MsSsim), group.Average(r => r.Fd), group.Average(r => r.Ms)));
        }

        Console.WriteLine();
        Console.WriteLine("| variant | mean PSNR | mean MS-SSIM | mean FD |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var group in rows.GroupBy(r => r.Variant))
        {
            Console.WriteLine(string.Format(culture, "| {0} | {1:F3} | {2:F4} | {3:F4} |", group.Key, group.Average(r => r.Psnr), group.Average(r => r.MsSsim), group.Average(r => r.Fd)));
        }

        if (perPhoto)
        {
            Console.WriteLine();
            foreach (var r in rows)
            {
                Console.WriteLine(string.Format(culture, "| {0} | {1} | {2} | {3:F2} | {4:F4} | {5:F4} |", r.Budget, r.Photo, r.Variant, r.Psnr, r.MsSsim, r.Fd));
            }
        }
    }
}

