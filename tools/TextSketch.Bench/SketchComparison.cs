using System.Diagnostics;
using System.Globalization;
using System.Text;
using SkiaSharp;
using TextSketch.Core.Caption;
using TextSketch.Core.Decoding.Paint;
using TextSketch.Core.Encoder;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Metrics;
using TextSketch.Core.Models;
using TextSketch.Core.Onnx;
using TextSketch.Core.Sketch;
using TextSketch.Core.Sketch.PiDiNet;

namespace TextSketch.Bench;

/// <summary>
/// The sketch section (tools/bench/45-sketch.ps1): the built-in detector against PiDiNet (an installed "pidinet" pack)
/// on the bench photos — record bytes at the default budget and at equal bytes, edge-F1 of each decoded sketch against
/// two full-resolution references (PiDiNet's own map and the built-in detector's), the sketches' structure (pixels,
/// pieces), what the Paint decoder makes of each record (PSNR, MS-SSIM, ResNet-18 FeatureDistance against the photo), CPU
/// time per image, and one contact sheet (photo | built-in sketch | PiDiNet sketch).
/// </summary>
public static class SketchComparison
{
    private const double ReferenceThreshold = 0.5;
    private const int Tolerance = 2;

    public static int Run(string photoFolder, string modelRoot, string sectionPath, string assetFolder, string command)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        string[] photos = Directory.GetFiles(photoFolder, "*.png").Order(StringComparer.Ordinal).ToArray();
        if (photos.Length == 0)
        {
            throw new InvalidOperationException($"No photos in {photoFolder}.");
        }

        InstalledPack pack = InstalledPack.Require(modelRoot, "pidinet");
        using var detector = new PiDiNetSketchDetector(pack, new OnnxSessionFactory(ExecutionDevice.Cpu, intraOpThreads: 1));
        using PiDiNetRunner threaded = PiDiNetRunner.Open(new OnnxSessionFactory(ExecutionDevice.Cpu), pack.PathOf(PiDiNetRunner.ModelRole));
        EncoderOptions builtIn = EncoderOptions.Default;
        EncoderOptions learned = builtIn with { SketchDetector = detector };
        int minimum = builtIn.Sketch.MinComponentPixels;
        string resNet = ResNetFeatureExtractor.FindModelDirectory(modelRoot)
            ?? throw new InvalidOperationException($"The ResNet-18 model files are not in {modelRoot}/DnnImageModels (45-sketch.ps1 copies them there from the module).");
        using var features = new ResNetFeatureExtractor(resNet, new OnnxSessionFactory(ExecutionDevice.Cpu));
        var meter = new QualityMeter(features);

        // Warm-up: session initialisation and first-run allocations stay out of the timings.
        RgbImage first = ImageReader.Read(photos[0]);
        _ = TextSketchEncoder.Analyse(first, null, CaptionSource.None, learned);
        _ = threaded.SoftMap(first);

        var rows = new List<Row>();
        foreach (string photo in photos)
        {
            string name = Path.GetFileNameWithoutExtension(photo);
            RgbImage image = ImageReader.Read(photo);
            var clock = Stopwatch.StartNew();
            ImageAnalysis plain = TextSketchEncoder.Analyse(image, null, CaptionSource.None, builtIn);
            double builtInMs = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            ImageAnalysis pidinet = TextSketchEncoder.Analyse(image, null, CaptionSource.None, learned);
            double pidinetMs = clock.Elapsed.TotalMilliseconds;
            (int w, int h) = (plain.Sketch!.Edges.Width, plain.Sketch.Edges.Height);
            clock.Restart();
            (float[] map, int mapWidth, int mapHeight) = detector.SoftMap(image, w, h, builtIn.Sketch);
            double mapOneThreadMs = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            float[] fullMap = threaded.SoftMap(image);
            double mapThreadsMs = clock.Elapsed.TotalMilliseconds;

            TskRecord plainDefault = RateControl.Code(plain, TextSketchMode.TextSketch, null, minimum);
            TskRecord pidinetDefault = RateControl.Code(pidinet, TextSketchMode.TextSketch, null, minimum);
            int equal = Math.Min(plainDefault.Bytes.Length, pidinetDefault.Bytes.Length);
            TskRecord plainEqual = RateControl.Code(plain, TextSketchMode.TextSketch, equal, minimum);
            TskRecord pidinetEqual = RateControl.Code(pidinet, TextSketchMode.TextSketch, equal, minimum);

            BitPlane pidinetReference = Threshold(fullMap, image.Width, image.Height);
            BitPlane builtInReference = EdgeDetector.DetectSketch(image, w, h, builtIn.Sketch).Detection.Edges;
            if (builtInReference.Width != image.Width || builtInReference.Height != image.Height)
            {
                throw new InvalidOperationException($"{name}: the built-in detection map is {builtInReference.Width}x{builtInReference.Height}, not the photo's size.");
            }

            rows.Add(new Row(name, image, mapWidth, mapHeight, builtInMs, pidinetMs, mapOneThreadMs, mapThreadsMs,
                [Measure("built-in", plainDefault, image), Measure("PiDiNet", pidinetDefault, image), Measure("built-in", plainEqual, image), Measure("PiDiNet", pidinetEqual, image)],
                pidinetReference, builtInReference));
            Console.WriteLine($"{name}: built-in {plainDefault.Bytes.Length} B, PiDiNet {pidinetDefault.Bytes.Length} B, equal {equal} B; map {mapOneThreadMs:0} ms (1 thread), {mapThreadsMs:0} ms (default threads)");
            _ = map;
        }

        string sheet = Path.Combine(assetFolder, "sketch-sheet.jpg");
        DrawSheet(rows, sheet);
        File.WriteAllText(sectionPath, Section(rows, command, pack));
        Console.Write(File.ReadAllText(sectionPath));
        Console.WriteLine($"wrote {sheet} ({new FileInfo(sheet).Length / 1024} KiB)");
        return 0;

        Coded Measure(string detectorName, TskRecord record, RgbImage photo)
        {
            // The record as a user gets it back: read from its bytes, painted by the weight-free decoder, scored.
            TskRecord decoded = TskFile.Read(record.Bytes, detectorName);
            TskDocument document = decoded.Document;
            RgbImage painted = PaintDecoder.Decode(document.Width, document.Height, PaintDecoder.LayerOf(document), document.Sketch?.Bitmap);
            QualityScores paint = meter.Compare(photo, painted);
            return new Coded(detectorName, decoded.Bytes.Length, decoded.Rate.SketchBits, document.Sketch!.Bitmap, document.SketchSource, paint);
        }
    }

    /// <summary>PiDiNet's map above the threshold, thinned to its centre lines (as the sketch path thins), so a
    /// one-pixel sketch line is not counted short of the whole soft band.</summary>
    private static BitPlane Threshold(float[] map, int width, int height)
    {
        var plane = new BitPlane(width, height);
        for (int i = 0; i < map.Length; i++)
        {
            plane.Bits[i] = map[i] > ReferenceThreshold ? (byte)1 : (byte)0;
        }

        Thinning.Thin(plane);
        return plane;
    }

    private static EdgeScore Score(BitPlane sketch, BitPlane reference) =>
        SketchFidelity.Compare(SketchFidelity.Render(sketch, reference.Width, reference.Height), reference, Tolerance);

    private static string Section(List<Row> rows, string command, InstalledPack pack)
    {
        var md = new StringBuilder();
        md.AppendLine("## Sketch: built-in detector vs PiDiNet");
        md.AppendLine();
        md.AppendLine($"Reproduce: `{command}` (section script `tools/bench/45-sketch.ps1`; the whole page: `dotnet pwsh ./build.ps1 -Task Bench`).");
        md.AppendLine("The pidinet pack is installed by the script with `Install-TextSketchModel -Name pidinet -Mirror <folder>` from the");
        md.AppendLine($"authors' checkpoint in `../shared/pidinet` (converted here; `pidinet.onnx` sha256 {pack.Manifest.Files[0].Sha256![..16]}...). Records carry no caption.");
        md.AppendLine("**Default**: `ConvertTo-TextSketch` without `-MaxBytes` (budget 288 bytes) with each detector. **Equal bytes**: both");
        md.AppendLine("re-coded with `-MaxBytes` set to the smaller of the two default records. Edge-F1: the decoded sketch (the bitmap the");
        md.AppendLine($"record holds) drawn at the photo's size against (a) PiDiNet's own full-resolution map thresholded at {ReferenceThreshold} and");
        md.AppendLine("thinned to one pixel, (b) the built-in detector's full-resolution edge map; 2-pixel tolerance (`SketchFidelity`).");
        md.AppendLine("Pieces: 8-connected components of the sketch. Paint: the record decoded by the Paint decoder (`Expand-TextSketch");
        md.AppendLine("-Decoder Paint`) and scored against the photo as `Measure-TextSketch` scores it: PSNR dB / MS-SSIM / ResNet-18 FeatureDistance.");
        md.AppendLine();
        md.AppendLine("| photo | budget | detector | record B | sketch B | sketch px | pieces | F1 vs PiDiNet | F1 vs built-in | Paint PSNR / MS-SSIM / FeatDist |");
        md.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (Row row in rows)
        {
            for (int i = 0; i < row.Coded.Length; i++)
            {
                Coded c = row.Coded[i];
                md.AppendLine($"| {row.Name} | {(i < 2 ? "default" : "equal")} | {c.Detector} | {c.Bytes} | {c.SketchBits / 8.0:0.0} | {c.Sketch.CountSet()} | {Components.Find(c.Sketch).Count} | {Score(c.Sketch, row.PiDiNetReference).F1:0.00} | {Score(c.Sketch, row.BuiltInReference).F1:0.00} | {PaintCell(c.Paint)} |");
            }
        }

        md.AppendLine();
        md.AppendLine("Means over the photos:");
        md.AppendLine();
        md.AppendLine("| budget | detector | record B | sketch B | sketch px | pieces | px / piece | F1 vs PiDiNet (P / R) | F1 vs built-in (P / R) | Paint PSNR / MS-SSIM / FeatDist |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int i = 0; i < 4; i++)
        {
            var coded = rows.Select(r => (Row: r, Coded: r.Coded[i])).ToList();
            var pieces = coded.Select(c => Components.Find(c.Coded.Sketch).Count).ToList();
            var versusPiDiNet = coded.Select(c => Score(c.Coded.Sketch, c.Row.PiDiNetReference)).ToList();
            var versusBuiltIn = coded.Select(c => Score(c.Coded.Sketch, c.Row.BuiltInReference)).ToList();
            md.AppendLine($"| {(i < 2 ? "default" : "equal")} | {coded[0].Coded.Detector} | {coded.Average(c => c.Coded.Bytes):0.0} | {coded.Average(c => c.Coded.SketchBits / 8.0):0.0} | " +
                $"{coded.Average(c => c.Coded.Sketch.CountSet()):0} | {pieces.Average():0.0} | {coded.Sum(c => c.Coded.Sketch.CountSet()) / (double)Math.Max(1, pieces.Sum()):0.0} | " +
                $"{versusPiDiNet.Average(s => s.F1):0.00} ({versusPiDiNet.Average(s => s.Precision):0.00} / {versusPiDiNet.Average(s => s.Recall):0.00}) | " +
                $"{versusBuiltIn.Average(s => s.F1):0.00} ({versusBuiltIn.Average(s => s.Precision):0.00} / {versusBuiltIn.Average(s => s.Recall):0.00}) | " +
                $"{coded.Average(c => c.Coded.Paint.Psnr):0.00} / {coded.Average(c => c.Coded.Paint.MsSsim ?? double.NaN):0.000} / {coded.Average(c => c.Coded.Paint.FeatureDistance ?? double.NaN):0.000} |");
        }

        var full = rows.Where(r => r.Image.Width * r.Image.Height == 768 * 512).ToList();
        md.AppendLine();
        md.AppendLine($"CPU time per 768x512 image (median over the {full.Count} photos of 768x512 or 512x768 pixels, one run each after a warm-up;");
        md.AppendLine("PiDiNet runs at the detection resolution, here the photo's own size). The build machine is shared: another build running");
        md.AppendLine("at the same time makes these several times slower.");
        md.AppendLine();
        md.AppendLine("| step | ms |");
        md.AppendLine("|---|---:|");
        md.AppendLine($"| built-in detector, whole analysis (sketch and colour layer), one thread | {Median(full.Select(r => r.BuiltInMs)):0} |");
        md.AppendLine($"| PiDiNet network, one intra-op thread (what the encoder runs: bytes never depend on threads) | {Median(full.Select(r => r.MapOneThreadMs)):0} |");
        md.AppendLine($"| PiDiNet network, ONNX Runtime's default threads ({Environment.ProcessorCount} cores) | {Median(full.Select(r => r.MapThreadsMs)):0} |");
        md.AppendLine($"| -SketchModel pidinet, whole analysis (network on one thread, thinning, colour layer) | {Median(full.Select(r => r.PiDiNetMs)):0} |");
        md.AppendLine();
        md.AppendLine("![photo | built-in sketch | PiDiNet sketch](bench/sketch-sheet.jpg)");
        md.AppendLine();
        md.AppendLine("Contact sheet: photo | built-in sketch | PiDiNet sketch, both at the default budget, as the records hold them.");
        md.AppendLine();
        return md.ToString();
    }

    private static string PaintCell(QualityScores paint) =>
        $"{paint.Psnr:0.0} / {paint.MsSsim ?? double.NaN:0.00} / {paint.FeatureDistance ?? double.NaN:0.00}";

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }

    private static void DrawSheet(List<Row> rows, string path)
    {
        const int Cell = 240;
        const int Label = 20;
        const int Gap = 6;
        int height = rows.Sum(r => Fit(r.Image, Cell).Height + Label + Gap) + Gap;
        int width = 3 * (Cell + Gap) + Gap;
        using SKSurface surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        SKCanvas canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = new SKFont(SKTypeface.Default, 12);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        int y = Gap;
        foreach (Row row in rows)
        {
            (int w, int h) = Fit(row.Image, Cell);
            int x = Gap + (Cell - w) / 2;
            using (SKImage photo = FromRgb(row.Image))
            {
                canvas.DrawImage(photo, new SKRect(x, y, x + w, y + h), new SKSamplingOptions(SKCubicResampler.Mitchell));
            }

            canvas.DrawText($"{row.Name} {row.Image.Width}x{row.Image.Height}", Gap, y + h + 14, SKTextAlign.Left, font, ink);
            for (int k = 0; k < 2; k++)
            {
                Coded c = row.Coded[k];
                int left = Gap + (k + 1) * (Cell + Gap);
                using SKImage sketch = FromSketch(c.Sketch);
                canvas.DrawImage(sketch, new SKRect(left + (Cell - w) / 2, y, left + (Cell - w) / 2 + w, y + h), new SKSamplingOptions(SKFilterMode.Nearest));
                canvas.DrawText($"{c.Detector}: {c.Bytes} B record, {c.Sketch.CountSet()} px", left, y + h + 14, SKTextAlign.Left, font, ink);
            }

            y += h + Label + Gap;
        }

        using SKImage snapshot = surface.Snapshot();
        using SKData data = snapshot.Encode(SKEncodedImageFormat.Jpeg, 78);
        File.WriteAllBytes(path, data.ToArray());
    }

    private static (int Width, int Height) Fit(RgbImage image, int cell)
    {
        double scale = (double)cell / Math.Max(image.Width, image.Height);
        return ((int)Math.Round(image.Width * scale), (int)Math.Round(image.Height * scale));
    }

    private static SKImage FromRgb(RgbImage image)
    {
        using var bitmap = new SKBitmap(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                int i = (y * image.Width + x) * 3;
                bitmap.SetPixel(x, y, new SKColor(image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]));
            }
        }

        return SKImage.FromBitmap(bitmap);
    }

    private static SKImage FromSketch(BitPlane sketch)
    {
        using var bitmap = new SKBitmap(sketch.Width, sketch.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (int y = 0; y < sketch.Height; y++)
        {
            for (int x = 0; x < sketch.Width; x++)
            {
                bitmap.SetPixel(x, y, sketch[x, y] ? SKColors.Black : SKColors.White);
            }
        }

        return SKImage.FromBitmap(bitmap);
    }

    private sealed record Coded(string Detector, int Bytes, int SketchBits, BitPlane Sketch, SketchSource Source, QualityScores Paint);

    private sealed record Row(string Name, RgbImage Image, int MapWidth, int MapHeight, double BuiltInMs, double PiDiNetMs, double MapOneThreadMs,
        double MapThreadsMs, Coded[] Coded, BitPlane PiDiNetReference, BitPlane BuiltInReference);
}
