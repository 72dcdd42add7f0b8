using TextSketch.Core.Coding.ColorLayer;
using System.Diagnostics;
using System.Globalization;
using TextSketch.Core.Caption;
using TextSketch.Core.Encoder.Fitting;
using TextSketch.Core.Decoding.Paint;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Metrics;
using TextSketch.Core.Onnx;
using TextSketch.Core.Encoder;
using TextSketch.Core.Sketch;

namespace TextSketch.PaintLab;

/// <summary>
/// Measures the Paint decoder on photos: per layer grid, (a) bicubic upscaling of the box thumbnail, (b) Paint from
/// the box-average layer, (c) Paint from the fitted layer, with the sketch a default record carries; PSNR, MS-SSIM,
/// ResNet-18 FeatureDistance, decode and fit times; contact sheets (original | bicubic | Paint box | Paint fitted).
/// With --records: the bench's quantised records instead, and experimental stages after the solve (see <see cref="Records"/>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var options = Options.Parse(args);
        if (options is null)
        {
            Console.WriteLine(Options.Usage);
            return 2;
        }

        Directory.CreateDirectory(options.Output);
        string[] photos = Directory.GetFiles(options.Photos, "*.png").Order(StringComparer.Ordinal).Take(options.Limit).ToArray();
        var sessions = new OnnxSessionFactory(ExecutionDevice.Cpu, intraOpThreads: 1);
        string? resnet = options.Features ? ResNetFeatureExtractor.FindModelDirectory() : null;
        using ResNetFeatureExtractor? features = resnet is null ? null : new ResNetFeatureExtractor(resnet, sessions);
        if (options.Features && features is null)
        {
            Console.Error.WriteLine("ResNet-18 models not found: FeatureDistance omitted.");
        }

        PaintOptions paint = options.Paint;
        if (options.RecordsDirectory is { } recordsDirectory)
        {
            Records.Run(recordsDirectory, options.Photos, options.Details.Count == 0 ? ["none"] : options.Details, features is null ? null : features.EmbedImage, paint, options.PerPhoto);
            return 0;
        }

        if (options.Profile)
        {
            Profile(photos[0], paint, options);
            return 0;
        }

        var rows = new List<Row>();
        bool warmed = false;
        foreach (string path in photos)
        {
            string name = Path.GetFileNameWithoutExtension(path);
            RgbImage image = ImageReader.Read(path);
            BitPlane sketch = RecordSketch(image);
            float[]? referenceFeatures = features?.EmbedImage(image);
            Console.Error.WriteLine($"{name}: {image.Width}x{image.Height}, sketch {sketch.Width}x{sketch.Height}, {sketch.CountSet()} px");
            if (options.Sheets)
            {
                ImageWriter.Write(SketchImage(sketch), File.Create(Path.Combine(options.Output, $"sketch-{name}.png")), ImageFileFormat.Png);
            }

            foreach ((int gridLong, int gridShort) in options.Grids)
            {
                // Grids are given landscape; a portrait photo gets them turned.
                (int gw, int gh) = image.Width >= image.Height ? (gridLong, gridShort) : (gridShort, gridLong);
                var grid = LayerGeometry.OfGrids(image.Width, image.Height, gw, gh, (gw + options.ChromaDivisor - 1) / options.ChromaDivisor, (gh + options.ChromaDivisor - 1) / options.ChromaDivisor);
                string gridName = $"{gridLong}x{gridShort}";
                var panels = new List<RgbImage> { image };

                RgbImage thumbnail = new(grid.Luma.Columns, grid.Luma.Rows, Array.ConvertAll(Resampling.AreaRgb(image, gw, gh), v => (byte)v));
                RgbImage bicubic = MetricImages.Resize(thumbnail, image.Width, image.Height);
                rows.Add(Score(name, gridName, "bicubic", image, bicubic, referenceFeatures, features, 0, 0));
                panels.Add(bicubic);

                LayerPlanes box = LayerPlanes.FromImage(image, grid);
                if (!warmed)
                {
                    PaintDecoder.Decode(image.Width, image.Height, box, sketch, paint);
                    warmed = true;
                }

                if (options.NoSketch)
                {
                    RgbImage plain = PaintDecoder.Decode(image.Width, image.Height, box, null, paint);
                    rows.Add(Score(name, gridName, "paint-nosketch", image, plain, referenceFeatures, features, 0, 0));
                }

                (RgbImage boxPaint, double boxMs) = Timed(() => PaintDecoder.Decode(image.Width, image.Height, box, sketch, paint));
                rows.Add(Score(name, gridName, "paint-box", image, boxPaint, referenceFeatures, features, boxMs, 0));
                panels.Add(boxPaint);
                foreach (double sigma in options.Blurs)
                {
                    rows.Add(Score(name, gridName, $"paint-box-blur{sigma}", image, Blur(boxPaint, sigma), referenceFeatures, features, 0, 0));
                }

                if (options.OutlineVariant)
                {
                    RgbImage inked = PaintDecoder.Decode(image.Width, image.Height, box, sketch, paint with { Outline = true });
                    rows.Add(Score(name, gridName, "paint-box-outline", image, inked, referenceFeatures, features, 0, 0));
                    if (options.Sheets)
                    {
                        ImageWriter.Write(inked, File.Create(Path.Combine(options.Output, $"outline-{gridName}-{name}.png")), ImageFileFormat.Png);
                    }
                }

                foreach (double grain in options.Grains)
                {
                    rows.Add(Score(name, gridName, $"paint-box-grain{grain}", image, Grain(boxPaint, image, grain), referenceFeatures, features, 0, 0));
                }

                foreach (LayerFitOptions fit in options.Fits)
                {
                    (LayerPlanes fitted, double fitMs) = Timed(() => LayerFitter.Fit(image, grid, sketch, paint, fit));
                    (RgbImage fitPaint, double fitDecodeMs) = Timed(() => PaintDecoder.Decode(image.Width, image.Height, fitted, sketch, paint));
                    string label = $"paint-fit{fit.Iterations}-level{fit.SolveLevel}{(fit.FitChroma ? "-all" : "")}";
                    rows.Add(Score(name, gridName, label, image, fitPaint, referenceFeatures, features, fitDecodeMs, fitMs));
                    panels.Add(fitPaint);
                }

                if (options.Sheets)
                {
                    using FileStream sheet = File.Create(Path.Combine(options.Output, $"sheet-{gridName}-{name}.png"));
                    ImageWriter.Write(SideBySide(panels), sheet, ImageFileFormat.Png);
                }
            }
        }

        Report(rows, options);
        return 0;
    }

    /// <summary>Where the decode time goes, on one photo (best of five runs of each stage).</summary>
    private static void Profile(string path, PaintOptions paint, Options options)
    {
        RgbImage image = ImageReader.Read(path);
        BitPlane sketch = RecordSketch(image);
        (int gw, int gh) = options.Grids[0];
        var grid = LayerGeometry.OfGrids(image.Width, image.Height, gw, gh, (gw + options.ChromaDivisor - 1) / options.ChromaDivisor, (gh + options.ChromaDivisor - 1) / options.ChromaDivisor);
        LayerPlanes box = LayerPlanes.FromImage(image, grid);
        double Best(Action run)
        {
            double best = double.MaxValue;
            // This thread's processor time, best of many runs: the machine is shared, and wall time on it measures the
            // other users as much as the code (the code under test runs on this one thread).
            for (int i = 0; i < 10; i++)
            {
                double before = ThreadClock.Milliseconds();
                run();
                best = Math.Min(best, ThreadClock.Milliseconds() - before);
            }

            return best;
        }

        double contours = Best(() => SketchContours.Trace(sketch, image.Width, image.Height, paint.ContourPasses));
        double scene = Best(() => _ = PaintScene.Create(image.Width, image.Height, sketch, paint).LevelCount);
        double links = Best(() => new PixelLinks(image.Width, image.Height).Cut(SketchContours.Trace(sketch, image.Width, image.Height, paint.ContourPasses), paint.EdgeLeak));
        double systems = Best(() =>
        {
            PaintScene s = PaintScene.Create(image.Width, image.Height, sketch, paint);
            s.DecodePlane(grid.Luma, box.Luma, new SolveSchedule(0, 0, 0));
            s.DecodePlane(grid.Chroma, box.OrangeChroma, new SolveSchedule(0, 0, 0));
        });
        PaintScene ready = PaintScene.Create(image.Width, image.Height, sketch, paint);
        Console.WriteLine("levels: " + string.Join(" ", Enumerable.Range(0, ready.LevelCount).Select(ready.LevelSize)));
        ready.DecodePlane(grid.Luma, box.Luma);
        double fmg = Best(() => ready.DecodePlane(grid.Luma, box.Luma, paint.Schedule with { ConjugateGradientIterations = 0 }));
        double plane = Best(() => ready.DecodePlane(grid.Luma, box.Luma));
        double total = Best(() => PaintDecoder.Decode(image.Width, image.Height, box, sketch, paint));
        float[] exact = ready.DecodePlane(grid.Luma, box.Luma, new SolveSchedule(3, 60, 2, 2));
        foreach (SolveSchedule schedule in options.ProfileSchedules)
        {
            float[] decoded = ready.DecodePlane(grid.Luma, box.Luma, schedule);
            double error = Math.Sqrt(decoded.Select((v, i) => (v - exact[i]) * (double)(v - exact[i])).Average());
            double worst = decoded.Select((v, i) => Math.Abs(v - exact[i])).Max();
            double ms = Best(() => ready.DecodePlane(grid.Luma, box.Luma, schedule));
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0}: luma RMS error {1:F3}, max {2:F2}, {3:F1} ms", schedule, error, worst, ms));
        }

        Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "contours {0:F1} ms, contours + cuts {6:F1}, scene (contours + cuts + link levels) {1:F1}, + both plane systems {2:F1}, luma FMG {3:F1}, luma solve {4:F1}, whole decode {5:F1}",
            contours, scene, systems, fmg, plane, total, links));
    }

    /// <summary>The sketch a default TextSketch record of the image carries (the built-in detector, default budget).</summary>
    private static BitPlane RecordSketch(RgbImage image)
    {
        ImageAnalysis analysis = TextSketchEncoder.Analyse(image, null, CaptionSource.None, EncoderOptions.Default);
        TskRecord record = RateControl.Code(analysis, TextSketchMode.TextSketch, null, EncoderOptions.Default.Sketch.MinComponentPixels);
        TskRecord read = TskFile.Read(record.Bytes, "lab");
        return read.Document.Sketch!.Bitmap;
    }

    /// <summary>The value and this thread's processor time for it (the decoder and fitter run on it alone).</summary>
    private static (T Value, double Milliseconds) Timed<T>(Func<T> run)
    {
        double before = ThreadClock.Milliseconds();
        T value = run();
        return (value, ThreadClock.Milliseconds() - before);
    }

    private static Row Score(string photo, string grid, string method, RgbImage reference, RgbImage test, float[]? referenceFeatures, ResNetFeatureExtractor? features, double decodeMs, double fitMs)
    {
        double psnr = Psnr.Compute(reference, test);
        double msssim = Ssim.MultiScale(reference, test) ?? double.NaN;
        double fd = referenceFeatures is null || features is null ? double.NaN : FeatureStatistics.CosineDistance(referenceFeatures, features.EmbedImage(test));
        return new Row(photo, grid, method, psnr, msssim, fd, decodeMs, fitMs);
    }

    private static void Report(List<Row> rows, Options options)
    {
        var culture = CultureInfo.InvariantCulture;
        Console.WriteLine($"Paint options: lambda {options.Paint.DataWeight}, anchor {options.Paint.Anchor}, edge softness {options.Paint.EdgeSoftness}, leak {options.Paint.EdgeLeak}, contour passes {options.Paint.ContourPasses}, schedule {options.Paint.Schedule}, chroma {options.Paint.ChromaSchedule}, chroma grid = luma / {options.ChromaDivisor}");
        Console.WriteLine();
        Console.WriteLine("| grid | method | PSNR dB | MS-SSIM | FeatureDistance | decode ms | fit ms |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (IGrouping<(string Grid, string Method), Row> group in rows.GroupBy(r => (r.Grid, r.Method)))
        {
            Console.WriteLine(string.Format(culture, "| {0} | {1} | {2:F2} | {3:F4} | {4:F4} | {5:F0} | {6:F0} |",
                group.Key.Grid, group.Key.Method, group.Average(r => r.Psnr), group.Average(r => r.MsSsim), group.Average(r => r.FeatureDistance),
                group.Average(r => r.DecodeMs), group.Average(r => r.FitMs)));
        }

        if (options.PerPhoto)
        {
            Console.WriteLine();
            Console.WriteLine("| photo | grid | method | PSNR dB | MS-SSIM | FD |");
            Console.WriteLine("|---|---|---|---|---|---|");
            foreach (Row r in rows)
            {
                Console.WriteLine(string.Format(culture, "| {0} | {1} | {2} | {3:F2} | {4:F4} | {5:F4} |", r.Photo, r.Grid, r.Method, r.Psnr, r.MsSsim, r.FeatureDistance));
            }
        }
    }

    /// <summary>Experiment: separable Gaussian blur of an RGB image.</summary>
    private static RgbImage Blur(RgbImage image, double sigma)
    {
        int radius = (int)Math.Ceiling(3 * sigma);
        double[] kernel = Enumerable.Range(-radius, (2 * radius) + 1).Select(d => Math.Exp(-d * d / (2 * sigma * sigma))).ToArray();
        double total = kernel.Sum();
        int w = image.Width, h = image.Height;
        var tmp = new double[w * h * 3];
        var result = new RgbImage(w, h);
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    double s = 0;
                    for (int d = -radius; d <= radius; d++)
                    {
                        s += kernel[d + radius] * image.Pixels[(((y * w) + Math.Clamp(x + d, 0, w - 1)) * 3) + c];
                    }

                    tmp[(((y * w) + x) * 3) + c] = s / total;
                }
            }
        }

        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    double s = 0;
                    for (int d = -radius; d <= radius; d++)
                    {
                        s += kernel[d + radius] * tmp[(((Math.Clamp(y + d, 0, h - 1) * w) + x) * 3) + c];
                    }

                    result.Pixels[(((y * w) + x) * 3) + c] = (byte)Math.Clamp(Math.Round(s / total), 0, 255);
                }
            }
        }

        return result;
    }

    /// <summary>Experiment: luma grain with the standard deviation of the reconstruction's luma error times
    /// <paramref name="share"/> (the encoder knows it; a record would carry it in a byte).</summary>
    private static RgbImage Grain(RgbImage decoded, RgbImage original, double share)
    {
        float[] a = YCoCg.ToPlanes(decoded)[0];
        float[] b = YCoCg.ToPlanes(original)[0];
        double sigma = Math.Sqrt(a.Select((v, i) => (v - b[i]) * (double)(v - b[i])).Average()) * share;
        var random = new Random(12345);
        var noise = new RgbImage(decoded.Width, decoded.Height);
        var white = new double[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            white[i] = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }

        // Grain a pixel or so wide: white noise through a 3x3 binomial filter, rescaled to unit variance.
        int w = decoded.Width, h = decoded.Height;
        var grain = new double[a.Length];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                double sum = 0;
                for (int dy = -1; dy <= 1; dy++)
                {
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        sum += (2 - Math.Abs(dx)) * (2 - Math.Abs(dy)) * white[(Math.Clamp(y + dy, 0, h - 1) * w) + Math.Clamp(x + dx, 0, w - 1)];
                    }
                }

                grain[(y * w) + x] = sum / 6.0;
            }
        }

        var result = new RgbImage(w, h);
        for (int i = 0; i < a.Length; i++)
        {
            double n = sigma * grain[i];
            for (int c = 0; c < 3; c++)
            {
                result.Pixels[(3 * i) + c] = (byte)Math.Clamp(Math.Round(decoded.Pixels[(3 * i) + c] + n), 0, 255);
            }
        }

        return result;
    }

    private static RgbImage SideBySide(List<RgbImage> panels)
    {
        int gap = 4;
        int width = panels.Sum(p => p.Width) + (gap * (panels.Count - 1));
        int height = panels.Max(p => p.Height);
        var sheet = new RgbImage(width, height);
        Array.Fill(sheet.Pixels, (byte)255);
        int left = 0;
        foreach (RgbImage panel in panels)
        {
            for (int y = 0; y < panel.Height; y++)
            {
                Array.Copy(panel.Pixels, y * panel.Width * 3, sheet.Pixels, ((y * width) + left) * 3, panel.Width * 3);
            }

            left += panel.Width + gap;
        }

        return sheet;
    }

    private static RgbImage SketchImage(BitPlane sketch)
    {
        var image = new RgbImage(sketch.Width, sketch.Height);
        for (int i = 0; i < sketch.Bits.Length; i++)
        {
            byte v = sketch.Bits[i] != 0 ? (byte)0 : (byte)255;
            image.Pixels[3 * i] = image.Pixels[(3 * i) + 1] = image.Pixels[(3 * i) + 2] = v;
        }

        return image;
    }

    /// <summary>CLOCK_THREAD_CPUTIME_ID (Linux): processor time of the calling thread.</summary>
    internal static class ThreadClock
    {
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
        private static extern int ClockGetTime(int clock, out TimeSpec time);

        public static double Milliseconds()
        {
            _ = ClockGetTime(3, out TimeSpec t);
            return (t.Seconds * 1e3) + (t.Nanoseconds / 1e6);
        }

        [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }
    }

    private sealed record Row(string Photo, string Grid, string Method, double Psnr, double MsSsim, double FeatureDistance, double DecodeMs, double FitMs);

    private sealed class Options
    {
        public const string Usage = """
            PaintLab [--photos DIR] [--out DIR] [--grids 24x16,48x32,96x64,192x128] [--chroma-divisor 2]
                     [--lambda 100] [--leak 0.01] [--passes 32] [--schedule FMG,CG,SMOOTH]
                     [--fit ITERATIONS[:SOLVELEVEL[:all]],...] [--chroma-schedule FMG,CG,SMOOTH,VISITS,FINEST]
                     [--no-features] [--sheets] [--nosketch] [--outline] [--blur S,..] [--grain SHARE,..] [--soft S] [--anchor MU] [--profile] [--per-photo] [--limit N]
                     [--records DIR (DIR/BUDGET/PHOTO.tsk) --detail none,KIND:AMOUNT:SIGMA[:all],...]
            """;

        public string Photos { get; private set; } = "/work/bench-data/photos";

        public string Output { get; private set; } = "out";

        public List<(int, int)> Grids { get; private set; } = [(24, 16), (48, 32), (96, 64), (192, 128)];

        public int ChromaDivisor { get; private set; } = 2;

        public PaintOptions Paint { get; private set; } = PaintOptions.Default;

        public List<LayerFitOptions> Fits { get; } = [];

        public List<double> Blurs { get; } = [];

        public List<double> Grains { get; } = [];

        public string? RecordsDirectory { get; private set; }

        public List<string> Details { get; } = [];

        public bool Features { get; private set; } = true;

        public bool Sheets { get; private set; }

        public bool NoSketch { get; private set; }

        public bool OutlineVariant { get; private set; }

        public bool PerPhoto { get; private set; }

        public bool Profile { get; private set; }

        public List<SolveSchedule> ProfileSchedules { get; } = [];

        public int Limit { get; private set; } = int.MaxValue;

        public static Options? Parse(string[] args)
        {
            var o = new Options();
            var fits = new List<string>();
            for (int i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--photos": o.Photos = Next(); break;
                    case "--out": o.Output = Next(); break;
                    case "--grids":
                        o.Grids = Next().Split(',').Select(g => g.Split('x')).Select(p => (int.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture))).ToList();
                        break;
                    case "--chroma-divisor": o.ChromaDivisor = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--lambda": o.Paint = o.Paint with { DataWeight = double.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                    case "--leak": o.Paint = o.Paint with { EdgeLeak = float.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                    case "--passes": o.Paint = o.Paint with { ContourPasses = int.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                    case "--schedule": o.Paint = o.Paint with { Schedule = ParseSchedule(Next()) }; break;
                    case "--blur": o.Blurs.AddRange(Next().Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture))); break;
                    case "--grain": o.Grains.AddRange(Next().Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture))); break;
                    case "--soft": o.Paint = o.Paint with { EdgeSoftness = float.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                    case "--anchor": o.Paint = o.Paint with { Anchor = float.Parse(Next(), CultureInfo.InvariantCulture) }; break;
                    case "--fit": fits.AddRange(Next().Split(',')); break;
                    case "--chroma-schedule": o.Paint = o.Paint with { ChromaSchedule = ParseSchedule(Next()) }; break;
                    case "--records": o.RecordsDirectory = Next(); break;
                    case "--detail": o.Details.AddRange(Next().Split(',')); break;
                    case "--no-features": o.Features = false; break;
                    case "--sheets": o.Sheets = true; break;
                    case "--nosketch": o.NoSketch = true; break;
                    case "--outline": o.OutlineVariant = true; break;
                    case "--per-photo": o.PerPhoto = true; break;
                    case "--profile": o.Profile = true; break;
                    case "--profile-schedules": o.ProfileSchedules.AddRange(Next().Split(';').Select(ParseSchedule)); break;
                    case "--limit": o.Limit = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    default: return null;
                }
            }

            foreach (string fit in fits)
            {
                string[] parts = fit.Split(':');
                var f = new LayerFitOptions
                {
                    Iterations = int.Parse(parts[0], CultureInfo.InvariantCulture),
                    SolveLevel = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : LayerFitOptions.Default.SolveLevel,
                    FitChroma = parts.Length > 2 && parts[2] == "all",
                };
                o.Fits.Add(f);
            }

            return o;
        }

        private static SolveSchedule ParseSchedule(string text)
        {
            int[] v = text.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            return new SolveSchedule(v[0], v[1], v[2], v.Length > 3 ? v[3] : 1, v.Length > 4 ? v[4] : 0);
        }
    }
}
