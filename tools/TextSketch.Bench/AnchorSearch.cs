using TextSketch.Core.Imaging;
using TextSketch.Core.Metrics;

namespace TextSketch.Bench;

/// <summary>
/// A classical codec's best thumbnail within a byte budget: for each thumbnail size (longer side on a ladder from
/// 768 down to 8 pixels, aspect kept, bicubic downscale), the highest setting whose file fits; each fitting file is
/// decoded and upscaled back (bicubic) to the photo's size, and the one with the best PSNR wins. This is the codec's
/// best case at that budget — an oracle choice a careful user could automate — so the comparison flatters the
/// classical codecs, not TextSketch.
/// </summary>
public static class AnchorSearch
{
    private static readonly int[] LongSides = [768, 640, 544, 448, 384, 320, 272, 224, 192, 160, 136, 112, 96, 80, 68, 56, 48, 40, 32, 24, 16, 12, 8];

    /// <summary>After this many fitting sizes in a row without a better PSNR, smaller sizes are not tried.</summary>
    private const int Patience = 2;

    public static AnchorResult Run(PhotoPlan photo, AnchorCodec codec, Budget budget, string workDirectory)
    {
        RgbImage original = ImageReader.Read(photo.Photo);
        string scratch = Path.Combine(workDirectory, "scratch", $"{photo.Name}-{codec.Extension.TrimStart('.')}");
        Directory.CreateDirectory(scratch);
        (int Side, int Setting, int Bytes, double Psnr, RgbImage Image)? best = null;
        int trials = 0;
        int sinceBest = 0;
        foreach (int side in LongSides.Where(s => s <= Math.Max(original.Width, original.Height)))
        {
            double scale = (double)side / Math.Max(original.Width, original.Height);
            int w = Math.Max(1, (int)Math.Round(original.Width * scale));
            int h = Math.Max(1, (int)Math.Round(original.Height * scale));
            string thumb = Path.Combine(scratch, $"thumb-{w}x{h}.png");
            File.WriteAllBytes(thumb, ImageWriter.Encode(MetricImages.Resize(original, w, h), ImageFileFormat.Png));

            int? setting = LargestFitting(codec, thumb, scratch, budget.Bytes, ref trials, out int bytes);
            if (setting is null)
            {
                continue;
            }

            RgbImage restored = Decode(codec, Encoded(scratch, codec), scratch, original.Width, original.Height);
            double psnr = Psnr.Compute(original, restored);
            if (best is null || psnr > best.Value.Psnr)
            {
                best = (side, setting.Value, bytes, psnr, restored);
                sinceBest = 0;
            }
            else if (++sinceBest >= Patience)
            {
                break;
            }
        }

        if (best is not { } chosen)
        {
            return new AnchorResult(photo.Name, codec.Name, budget.Label, budget.Bytes, false, 0, 0, 0, "", 0, trials, 0, null);
        }

        double scaleBest = (double)chosen.Side / Math.Max(original.Width, original.Height);
        int tw = Math.Max(1, (int)Math.Round(original.Width * scaleBest));
        int th = Math.Max(1, (int)Math.Round(original.Height * scaleBest));
        string outputDirectory = Path.Combine(workDirectory, "recon", $"{Slug(codec.Name)}-{Slug(budget.Label)}");
        Directory.CreateDirectory(outputDirectory);
        string output = Path.Combine(outputDirectory, photo.Name + ".png");
        File.WriteAllBytes(output, ImageWriter.Encode(chosen.Image, ImageFileFormat.Png));
        string settingName = codec.Name switch { "WebP" => "q", "AVIF" => "qp ", _ => "d " } + codec.Settings[chosen.Setting];
        return new AnchorResult(photo.Name, codec.Name, budget.Label, budget.Bytes, true, chosen.Bytes, tw, th, settingName,
            0, trials, chosen.Psnr, output) { Thumbnail = Path.Combine(scratch, $"thumb-{tw}x{th}.png"), SettingValue = codec.Settings[chosen.Setting] };
    }

    /// <summary>
    /// The codec's own encode time for a chosen setting: median of five runs of the command-line encoder on the
    /// thumbnail (process start included; the downscale and the budget search are not counted). Run while nothing else
    /// runs, so the searches may go in parallel but the timings do not share the CPU.
    /// </summary>
    public static double TimeEncode(AnchorCodec codec, AnchorResult result, string workDirectory)
    {
        string output = Path.Combine(workDirectory, "scratch", "timing" + codec.Extension);
        var times = new List<double>();
        for (int i = 0; i < 5; i++)
        {
            times.Add(AnchorCodec.Run(codec.Encoder, codec.EncodeArgs(result.Thumbnail!, output, result.SettingValue!)));
        }

        return times.Order().ElementAt(times.Count / 2);
    }

    public static string Slug(string text) => new string(text.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray());

    private static string Encoded(string scratch, AnchorCodec codec) => Path.Combine(scratch, "encoded" + codec.Extension);

    /// <summary>Binary search over the codec's setting ladder for the largest file within the budget; leaves that
    /// file encoded. Null when even the coarsest setting is over budget.</summary>
    private static int? LargestFitting(AnchorCodec codec, string thumb, string scratch, int budget, ref int trials, out int bytes)
    {
        string output = Encoded(scratch, codec);
        int Size(int index)
        {
            AnchorCodec.Run(codec.Encoder, codec.EncodeArgs(thumb, output, codec.Settings[index]));
            return (int)new FileInfo(output).Length;
        }

        trials++;
        bytes = Size(0);
        if (bytes > budget)
        {
            return null;
        }

        int lo = 0, hi = codec.Settings.Count - 1;
        int loBytes = bytes;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            trials++;
            int size = Size(mid);
            if (size <= budget)
            {
                lo = mid;
                loBytes = size;
            }
            else
            {
                hi = mid - 1;
            }
        }

        trials++;
        bytes = Size(lo);
        if (bytes != loBytes)
        {
            throw new InvalidOperationException($"{codec.Encoder} is not deterministic: {bytes} then {loBytes} bytes.");
        }

        return lo;
    }

    private static RgbImage Decode(AnchorCodec codec, string encoded, string scratch, int width, int height)
    {
        string decoded = Path.Combine(scratch, "decoded.png");
        AnchorCodec.Run(codec.Decoder, codec.DecodeArgs(encoded, decoded));
        return MetricImages.Resize(ImageReader.Read(decoded), width, height);
    }
}
