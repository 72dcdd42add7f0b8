using System.Diagnostics;
using System.Globalization;
using TextSketch.Core.Coding;
using TextSketch.Core.Coding.ColorLayer;
using TextSketch.Core.Imaging;
using TextSketch.LayerLab;

// Usage: see Help() below.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Length == 0 || args[0] is "help" or "-h" or "--help")
{
    Help();
    return 0;
}

string photos = args.Length > 1 ? args[1] : "/work/bench-data/photos";
string[] files = Directory.GetFiles(photos, "*.png").Order(StringComparer.Ordinal).ToArray();
int[] divisors = [32, 16, 8, 4];
switch (args[0])
{
    case "sweep":
        Sweep(files, divisors, LayerCoderVariant.Format, halfChroma: true);
        return 0;
    case "variants":
        Variants(files, divisors);
        return 0;
    case "score":
        Score(files, divisors);
        return 0;
    case "curves":
        foreach (string file in files)
        {
            RgbImage image = ImageReader.Read(file);
            foreach (int d in divisors)
            {
                for (int q = 0; q < ColorLayerCoder.Quantisers; q++)
                {
                    (double b, double p) = Lab.Measure(image, d, q, LayerCoderVariant.Format, false, LayerCodingOptions.Default);
                    Console.WriteLine($"ours,{Path.GetFileNameWithoutExtension(file)},{d},{q},{b},{p:F3}");
                }
            }
        }

        return 0;
    case "gains":
        Gains();
        return 0;
    case "hint":
        HintComparison.Run(files);
        return 0;
    case "anchors":
        AnchorTable.Run(files, divisors, args.Length > 2 ? args[2] : Path.Combine(Path.GetTempPath(), "layerlab"));
        return 0;
    case "sheet":
        ContactSheet.Run(files, args.Length > 2 ? args[2] : Path.Combine(Path.GetTempPath(), "layerlab"),
            args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 8, args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 400);
        return 0;
    case "time":
        Timing(files, divisors);
        return 0;
    default:
        Help();
        return 2;
}

static void Help()
{
    Console.WriteLine("""
        TextSketch.LayerLab <command> [photo folder (default /work/bench-data/photos)] [work folder]
          sweep     our coder: bytes and thumbnail PSNR per size and quantiser (mean over photos)
          variants  the format's coder against the alternatives tried (CDF 5/3, block sizes, model rates, λ, chroma)
          score     one mean PSNR per size over fixed budgets (full chroma): for comparing coder changes
          curves    CSV of bytes and PSNR per photo, size and quantiser (full chroma)
          anchors   the RD table: ours vs WebP, JPEG XL, AVIF thumbnails of the same size at the same bytes (markdown)
          hint      the smallest layer setting against the old 12-cell colour hint
          sheet     [work] [divisor] [bytes]: contact sheet original | ours | WebP | AVIF at the same bytes
          time      encode / decode time per layer, one thread
          gains     the wavelet's band weights (the quantiser table in README.md)
        """);
}

static void Sweep(string[] files, int[] divisors, LayerCoderVariant variant, bool halfChroma)
{
    var images = files.Select(f => ImageReader.Read(f)).ToArray();
    foreach (int d in divisors)
    {
        Console.WriteLine($"divisor {d}");
        for (int q = 0; q < ColorLayerCoder.Quantisers; q += 8)
        {
            double bytes = 0, psnr = 0;
            foreach (RgbImage image in images)
            {
                (double b, double p) = Lab.Measure(image, d, q, variant, halfChroma, LayerCodingOptions.Default);
                bytes += b;
                psnr += p;
            }

            Console.WriteLine($"  q {q,2}: {bytes / images.Length,8:F1} B  {psnr / images.Length,6:F2} dB");
        }
    }
}

static void Variants(string[] files, int[] divisors)
{
    var images = files.Select(f => ImageReader.Read(f)).ToArray();
    LayerCoderVariant f = LayerCoderVariant.Format;
    LayerCodingOptions o = LayerCodingOptions.Default;
    var variants = new (string Name, LayerCoderVariant Variant, bool Half, LayerCodingOptions Options)[]
    {
        ("format (9/7, full chroma)", f, false, o),
        ("half-resolution chroma", f, true, o),
        ("CDF 5/3 wavelet", f with { Wavelet = LiftingWavelet.Cdf53 }, false, o),
        ("predictive (no transform)", f with { MaxLowSide = 1 << 20 }, false, o),
        ("8 x 8 blocks", f with { BlockSize = 8 }, false, o),
        ("band flags only", f with { BlockSize = 1 << 16 }, false, o),
        ("model rate 1/16", f with { RateLimit = 4 }, false, o),
        ("model rate 1/64", f with { RateLimit = 6 }, false, o),
        ("low band <= 2", f with { MaxLowSide = 2 }, false, o),
        ("low band <= 8", f with { MaxLowSide = 8 }, false, o),
        ("no RDO (λ = 0)", f, false, o with { Lambda = 0 }),
        ("λ 0.045", f, false, o with { Lambda = 0.045 }),
        ("λ 0.18", f, false, o with { Lambda = 0.18 }),
    };

    string? only = Environment.GetEnvironmentVariable("LAYERLAB_VARIANTS");
    // Mean PSNR at fixed byte budgets per size, interpolated on each photo's curve (linear in log bytes).
    int[][] budgets = [[20, 40, 80, 160], [40, 80, 160, 320, 640], [100, 200, 400, 800, 1600], [250, 500, 1000, 2000, 4000]];
    for (int di = 0; di < divisors.Length; di++)
    {
        int d = divisors[di];
        Console.WriteLine($"divisor {d}: mean thumbnail PSNR (dB) at budgets {string.Join(", ", budgets[di])} B");
        foreach (var v in variants)
        {
            if (only is not null && !only.Split(',').Contains(v.Name) && v.Variant != f)
            {
                continue;
            }

            var sums = new double[budgets[di].Length];
            foreach (RgbImage image in images)
            {
                var curve = Enumerable.Range(0, ColorLayerCoder.Quantisers / 2).Select(q => Lab.Measure(image, d, 2 * q, v.Variant, v.Half, v.Options)).ToArray();
                for (int b = 0; b < budgets[di].Length; b++)
                {
                    sums[b] += Lab.Interpolate(curve, budgets[di][b]);
                }
            }

            Console.WriteLine($"  {v.Name,-26} " + string.Join("  ", sums.Select(s => $"{s / images.Length,6:F2}")));
        }
    }
}

// One number per size for comparing coder changes: mean PSNR over the budgets (full chroma, quantisers 0, 2, ... 62).
static void Score(string[] files, int[] divisors)
{
    var images = files.Select(f => ImageReader.Read(f)).ToArray();
    int[][] budgets = [[20, 40, 80, 160], [40, 80, 160, 320, 640], [100, 200, 400, 800, 1600], [250, 500, 1000, 2000, 4000]];
    var clock = Stopwatch.StartNew();
    double total = 0;
    LayerCodingOptions options = LayerCodingOptions.Default;
    if (Environment.GetEnvironmentVariable("LAYERLAB_LAMBDA") is { } lambda)
    {
        options = options with { Lambda = double.Parse(lambda, CultureInfo.InvariantCulture) };
    }

    for (int di = 0; di < divisors.Length; di++)
    {
        var sums = new double[budgets[di].Length];
        foreach (RgbImage image in images)
        {
            var curve = Enumerable.Range(0, 32).Select(q => Lab.Measure(image, divisors[di], 4 * q, LayerCoderVariant.Format, false, options)).ToArray();
            for (int b = 0; b < budgets[di].Length; b++)
            {
                sums[b] += Lab.Interpolate(curve, budgets[di][b]) / images.Length;
            }
        }

        total += sums.Average() / divisors.Length;
        Console.WriteLine($"divisor {divisors[di],2}: " + string.Join("  ", sums.Select(s => $"{s,6:F2}")) + $"   mean {sums.Average():F3}");
    }

    Console.WriteLine($"overall {total:F3} dB ({clock.Elapsed.TotalSeconds:F0} s)");
}

static void Gains()
{
    foreach (LiftingWavelet w in new[] { LiftingWavelet.Cdf97, LiftingWavelet.Cdf53 })
    {
        Console.WriteLine($"{w.Name} low:  " + string.Join(", ", Enumerable.Range(0, 9).Select(k => w.Weight(k, false))));
        Console.WriteLine($"{w.Name} high: " + string.Join(", ", Enumerable.Range(0, 9).Select(k => w.Weight(k, true))));
        Console.WriteLine($"{w.Name} gains low:  " + string.Join(", ", Enumerable.Range(0, 9).Select(k => LayerQuantiser.Gain(w, k, false).ToString("F4"))));
        Console.WriteLine($"{w.Name} gains high: " + string.Join(", ", Enumerable.Range(0, 9).Select(k => LayerQuantiser.Gain(w, k, true).ToString("F4"))));
    }
}

static void Timing(string[] files, int[] divisors)
{
    var images = files.Select(f => ImageReader.Read(f)).ToArray();
    foreach (int d in divisors)
    {
        var targets = images.Select(i => LayerPlanes.FromImage(i, Lab.GeometryFor(i, d, false))).ToArray();
        foreach (int q in new[] { 40, 60, 80 })
        {
            // Warm up, then time.
            foreach (LayerPlanes t in targets)
            {
                ColorLayerCoder.Trial(t, q);
            }

            var streams = new byte[targets.Length][];
            var clock = Stopwatch.StartNew();
            int rounds = Math.Max(1, 200 / (1 + targets[0].Geometry.LumaCount / 1000));
            for (int r = 0; r < rounds; r++)
            {
                for (int i = 0; i < targets.Length; i++)
                {
                    var encoder = new RangeEncoder();
                    ColorLayerCoder.Encode(encoder, targets[i], q);
                    streams[i] = encoder.Finish();
                }
            }

            double encodeMs = clock.Elapsed.TotalMilliseconds / (rounds * targets.Length);
            clock.Restart();
            for (int r = 0; r < rounds; r++)
            {
                for (int i = 0; i < targets.Length; i++)
                {
                    ColorLayerCoder.Decode(new RangeDecoder(streams[i]), images[i].Width, images[i].Height);
                }
            }

            double decodeMs = clock.Elapsed.TotalMilliseconds / (rounds * targets.Length);
            clock.Restart();
            foreach (LayerPlanes t in targets)
            {
                ColorLayerCoder.FitBudget(t, streams.Average(s => s.Length) * 8);
            }

            double fitMs = clock.Elapsed.TotalMilliseconds / targets.Length;
            Console.WriteLine($"{targets[0].Geometry.LumaWidth}x{targets[0].Geometry.LumaHeight} q {q}: {streams.Average(s => s.Length),7:F0} B  encode {encodeMs,7:F3} ms  decode {decodeMs,7:F3} ms  FitBudget {fitMs,7:F2} ms");
        }
    }
}
