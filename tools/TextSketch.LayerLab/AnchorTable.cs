using System.Diagnostics;
using System.Globalization;
using TextSketch.Core.Coding.ColorLayer;
using TextSketch.Core.Imaging;

namespace TextSketch.LayerLab;

/// <summary>
/// The rate-distortion table: for each thumbnail size and byte budget, the mean over the photos of the best
/// thumbnail PSNR each codec reaches in at most that many bytes. Ours: the layer coded alone (no container: in a
/// record it shares the stream), best over quantiser and chroma mode. Anchors: whole files of the same thumbnail
/// (the box-downscaled original as PNG) from cwebp (-m 6, -q 0 … 100), cjxl (-e 9, distance sweep) and avifenc
/// (-s 0, 4:2:0 and 4:4:4, one quantizer 3 … 63), decoded by their own decoders. Anchor points are cached in the work folder.
/// </summary>
internal static class AnchorTable
{
    private static readonly Dictionary<int, int[]> Budgets = new()
    {
        [32] = [20, 40, 80, 160, 320],
        [16] = [40, 80, 160, 320, 640],
        [8] = [100, 200, 400, 800, 1600],
        [4] = [250, 500, 1000, 1500, 3000, 6000],
    };

    private static readonly string[] Codecs = ["webp", "jxl", "avif"];

    public static void Run(string[] files, int[] divisors, string work)
    {
        Directory.CreateDirectory(work);
        string cachePath = Path.Combine(work, "anchors.csv");
        var cache = File.Exists(cachePath)
            ? File.ReadAllLines(cachePath).Select(l => l.Split(',')).ToDictionary(p => string.Join(',', p[..4]), p => (int.Parse(p[4]), double.Parse(p[5])))
            : new Dictionary<string, (int, double)>();
        using var cacheWriter = new StreamWriter(cachePath, append: true);

        Console.WriteLine("| thumbnail | budget (B) | ours | WebP | JPEG XL | AVIF |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (int d in divisors)
        {
            var curves = new Dictionary<string, List<(double Bytes, double Psnr)>[]>();
            foreach (string codec in Codecs.Prepend("ours"))
            {
                curves[codec] = new List<(double, double)>[files.Length];
            }

            string size = "";
            for (int f = 0; f < files.Length; f++)
            {
                RgbImage image = ImageReader.Read(files[f]);
                string photo = Path.GetFileNameWithoutExtension(files[f]);
                LayerGeometry geometry = Lab.GeometryFor(image, d, true);
                size = $"{Math.Max(geometry.LumaWidth, geometry.LumaHeight)}x{Math.Min(geometry.LumaWidth, geometry.LumaHeight)}";
                curves["ours"][f] = Enumerable.Range(0, ColorLayerCoder.Quantisers)
                    .SelectMany(q => new[] { true, false }.Select(half => Lab.Measure(image, d, q, LayerCoderVariant.Format, half, LayerCodingOptions.Default)))
                    .ToList();
                RgbImage reference = Lab.Reference(image, geometry);
                string png = Path.Combine(work, $"{photo}-{d}.png");
                File.WriteAllBytes(png, ImageWriter.Encode(reference, ImageFileFormat.Png));
                foreach (string codec in Codecs)
                {
                    curves[codec][f] = [];
                    foreach (string param in Parameters(codec))
                    {
                        string key = $"{codec},{photo},{d},{param}";
                        if (!cache.TryGetValue(key, out (int Bytes, double Psnr) point))
                        {
                            point = Anchor(codec, param, png, reference, work);
                            cache[key] = point;
                            cacheWriter.WriteLine($"{key},{point.Bytes},{point.Psnr.ToString("R", CultureInfo.InvariantCulture)}");
                        }

                        curves[codec][f].Add(point);
                    }
                }
            }

            foreach (int budget in Budgets[d])
            {
                var cells = curves.Select(c => Mean(c.Value, budget)).ToArray();
                Console.WriteLine($"| {size} | {budget} | " + string.Join(" | ", cells) + " |");
            }
        }
    }

    private static string Mean(List<(double Bytes, double Psnr)>[] perPhoto, int budget)
    {
        double[] best = perPhoto.Select(c => Lab.BestAt(c, budget)).ToArray();
        int fit = best.Count(b => !double.IsNaN(b));
        return fit == best.Length ? $"{best.Average():F2}" : $"— ({fit}/{best.Length} fit)";
    }

    private static IEnumerable<string> Parameters(string codec) => codec switch
    {
        "webp" => Enumerable.Range(0, 21).Select(i => (i * 5).ToString(CultureInfo.InvariantCulture)),
        "avif" => new[] { "420", "444" }.SelectMany(yuv => Enumerable.Range(0, 16).Select(i => $"{yuv}:{i * 4 + 3}")),
        _ => new[] { 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25 }.Select(v => v.ToString(CultureInfo.InvariantCulture)),
    };

    /// <summary>The decoded file of the codec's ladder with the best PSNR in at most <paramref name="budget"/> bytes, or null.</summary>
    public static RgbImage? BestFile(string codec, string png, RgbImage reference, string work, int budget)
    {
        RgbImage? best = null;
        double bestPsnr = double.NegativeInfinity;
        foreach (string param in Parameters(codec))
        {
            (int bytes, double psnr) = Anchor(codec, param, png, reference, work);
            if (bytes <= budget && psnr > bestPsnr)
            {
                bestPsnr = psnr;
                best = ImageReader.Read(Path.Combine(work, "anchor-decoded.png"));
            }
        }

        return best;
    }

    private static (int Bytes, double Psnr) Anchor(string codec, string param, string png, RgbImage reference, string work)
    {
        string coded = Path.Combine(work, $"anchor.{codec}");
        string decoded = Path.Combine(work, "anchor-decoded.png");
        switch (codec)
        {
            case "webp":
                Exec("cwebp", $"-quiet -m 6 -q {param} \"{png}\" -o \"{coded}\"");
                Exec("dwebp", $"-quiet \"{coded}\" -o \"{decoded}\"");
                break;
            case "jxl":
                Exec("cjxl", $"--quiet -e 9 -d {param} \"{png}\" \"{coded}\"");
                Exec("djxl", $"--quiet \"{coded}\" \"{decoded}\"");
                break;
            default:
                string[] p = param.Split(':');
                Exec("avifenc", $"-s 0 -j 1 -y {p[0]} --min {p[1]} --max {p[1]} --ignore-icc --ignore-exif --ignore-xmp \"{png}\" \"{coded}\"");
                Exec("avifdec", $"\"{coded}\" \"{decoded}\"");
                break;
        }

        int bytes = (int)new FileInfo(coded).Length;
        return (bytes, Lab.Psnr(reference, ImageReader.Read(decoded)));
    }

    private static void Exec(string tool, string arguments)
    {
        var info = new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(info)!;
        string stderr = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {arguments} failed ({process.ExitCode}): {stderr}");
        }
    }
}
