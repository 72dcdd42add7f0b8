using TextSketch.CodecLab;
using System.Diagnostics;
using System.Globalization;
using TextSketch.Core.Caption;
using TextSketch.Core.Coding.ColorLayer;
using TextSketch.Core.Decoding.Paint;
using TextSketch.Core.Encoder;
using TextSketch.Core.Encoder.Fitting;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Metrics;
using TextSketch.Core.Sketch;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
string photos = args.Length > 1 ? args[1] : "/work/bench-data/photos";
int[] budgets = args.Length > 2 && args[0] != "example" ? args[2].Split(',').Select(int.Parse).ToArray() : [200, 400, 800, 1600, 3200];
string mode = args.Length > 0 ? args[0] : "grid";
string[] files = args[0] == "example" ? [] : Directory.GetFiles(photos, "*.png").Order(StringComparer.Ordinal).ToArray();

switch (mode)
{
    case "grid":
        Grid(files, budgets, fit: false, floorOnly: false);
        break;
    case "gridfit":
        Grid(files, budgets, fit: true, floorOnly: true);
        break;
    case "gridfloor":
        Grid(files, budgets, fit: false, floorOnly: true);
        break;
    case "time":
        Time(files);
        break;
    case "encode":
        Encode(files, budgets, args.Length > 3 && args[3] == "variants");
        break;
    case "big":
        Big(files, budgets);
        break;
    case "coding":
        Coding(files, budgets);
        break;
    case "example":
        Example(args[1], args[2], args[3]);
        break;
    case "refine":
        foreach (string file in files)
        {
            RgbImage image = ImageReader.Read(file);
            foreach (double bits in new[] { 1400.0, 3000, 6000 })
            {
                int size = 7;
                LayerPlanes target = LayerPlanes.FromImage(image, LayerGeometry.Create(image.Width, image.Height, bits < 2000 ? 7 : bits < 4000 ? 8 : 9, true));
                LayerTrial a = ColorLayerCoder.FitBudget(target, bits, fill: true)!;
                LayerTrial b = ColorLayerCoder.FitBudget(target, bits, refine: false, fill: true)!;
                Console.WriteLine($"{Path.GetFileNameWithoutExtension(file),-18} {bits,5}: refine q{a.Quantiser} err {a.WeightedError:0} bits {a.Bits:0} | plain q{b.Quantiser} err {b.WeightedError:0} bits {b.Bits:0} ({100 * (b.WeightedError / a.WeightedError - 1):0.0} %) {size}");
            }
        }

        break;
    case "micro":
        Micro(files[0]);
        break;
    case "ladders":
        Ladders(files);
        break;
    case "anchors":
        Anchors(args[3]);
        break;
    case "fillprobe":
        // Per record: the next finer quantiser at its layer's geometry with λ raised (alone, or with the low band's
        // weight raised alike so only the high bands' decisions change): bits against what the record leaves, and
        // weighted error relative to the record's layer.
        foreach (string file in files)
        {
            RgbImage image = ImageReader.Read(file);
            foreach (int budget in budgets)
            {
                TskRecord baseline = TextSketchEncoder.Encode(file, null, EncoderOptions.Default with { MaxBytes = budget });
                double bits = baseline.Rate.ColorBits + 4 + 8 * (budget - baseline.Bytes.Length);
                LayerReconstruction layer = baseline.Document.ColorLayer!;
                LayerPlanes target = LayerPlanes.FromImage(image, layer.Geometry);
                LayerTrial best = ColorLayerCoder.Trial(target, layer.Quantiser);
                string line = $"{Path.GetFileNameWithoutExtension(file),-18} {budget} q{best.Quantiser} {best.Bits:0}/{bits:0} err {best.WeightedError:0} |";
                foreach (bool keepLow in new[] { false, true })
                {
                    line += keepLow ? " | low band's trade kept:" : "";
                    foreach (double f in new double[] { 1, 1.5, 2, 3, 6, 20 })
                    {
                        // keepLow: the low band's weight grows with λ, so only the high bands' decisions change.
                        var o = LayerCodingOptions.Default with { Lambda = 0.09 * f, LevelWeights = keepLow ? [(float)f] : null };
                        LayerTrial t = ColorLayerCoder.Trial(target, best.Quantiser - 1, o);
                        line += $" x{f}: {t.Bits:0} {t.WeightedError / best.WeightedError:0.000}";
                    }
                }

                Console.WriteLine(line);
            }
        }

        break;
    case "recordfill":
        RecordFill(files, budgets);
        break;
    case "lowrate":
        LowRate(files, budgets);
        break;
    default:
        Console.Error.WriteLine("CodecLab grid|gridfit [photos] [budgets]");
        return 2;
}

return 0;

// The classical anchors' mean PSNR and MS-SSIM per codec and budget (from the bench's anchors.json).
static void Anchors(string anchorFile)
{
    using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(anchorFile));
    var groups = new Dictionary<(string Codec, string Budget), List<(double Psnr, double MsSsim)>>();
    foreach (var a in json.RootElement.EnumerateArray())
    {
        if (!a.GetProperty("Fits").GetBoolean())
        {
            groups.TryAdd((a.GetProperty("Codec").GetString()!, a.GetProperty("BudgetLabel").GetString()!), []);
            continue;
        }

        string photo = Path.Combine("/work/bench-data/photos", a.GetProperty("Name").GetString() + ".png");
        RgbImage original = ImageReader.Read(photo);
        RgbImage decoded = ImageReader.Read(a.GetProperty("Path").GetString()!);
        var key = (a.GetProperty("Codec").GetString()!, a.GetProperty("BudgetLabel").GetString()!);
        if (!groups.TryGetValue(key, out var list))
        {
            groups[key] = list = [];
        }

        list.Add((Psnr.Compute(original, decoded), Ssim.MultiScale(original, decoded) ?? double.NaN));
    }

    foreach (var g in groups.OrderBy(g => int.Parse(g.Key.Budget.Split(' ')[0])).ThenBy(g => g.Key.Codec))
    {
        Console.WriteLine($"{g.Key.Budget,-7} {g.Key.Codec,-8} fits {g.Value.Count}/8 PSNR {(g.Value.Count > 0 ? g.Value.Average(v => v.Psnr) : 0):0.00} MS-SSIM {(g.Value.Count > 0 ? g.Value.Average(v => v.MsSsim) : 0):0.0000}");
    }
}

// The encoder as users run it (-MaxBytes), Paint-decoded with the format's options and with variants of them.
static void Encode(string[] files, int[] budgets, bool variants)
{
    var options = new List<(string Name, PaintOptions Options)> { ("default", PaintOptions.Default) };
    if (variants)
    {
        options.AddRange([
            ("lambda 30", PaintOptions.Default with { DataWeight = 30 }),
            ("lambda 300", PaintOptions.Default with { DataWeight = 300 }),
            ("leak 0.05", PaintOptions.Default with { EdgeLeak = 0.05f }),
            ("leak 0.002", PaintOptions.Default with { EdgeLeak = 0.002f }),
            ("soft 0", PaintOptions.Default with { EdgeSoftness = 0 }),
            ("soft 2", PaintOptions.Default with { EdgeSoftness = 2 }),
            ("anchor 0.01", PaintOptions.Default with { Anchor = 0.01f }),
            ("no sketch", PaintOptions.Default),
        ]);
    }

    var sums = new Dictionary<(int, string), (double Psnr, double MsSsim, int Count)>();
    var encodeMs = new Dictionary<int, List<double>>();
    var split = new Dictionary<int, (double Sketch, double Color, int Count)>();
    foreach (string file in files)
    {
        RgbImage image = ImageReader.Read(file);
        foreach (int budget in budgets)
        {
            var clock = Stopwatch.StartNew();
            TskRecord record = TextSketchEncoder.Encode(file, null, EncoderOptions.Default with { MaxBytes = budget });
            (encodeMs.TryGetValue(budget, out var list) ? list : encodeMs[budget] = []).Add(clock.Elapsed.TotalMilliseconds);
            var sp = split.GetValueOrDefault(budget);
            split[budget] = (sp.Sketch + record.Rate.SketchBits / 8.0, sp.Color + record.Rate.ColorBits / 8.0, sp.Count + 1);
            foreach ((string name, PaintOptions paint) in options)
            {
                RgbImage decoded = PaintDecoder.Decode(image.Width, image.Height, PaintDecoder.LayerOf(record.Document),
                    name == "no sketch" ? null : record.Document.Sketch!.Bitmap, paint);
                var s = sums.GetValueOrDefault((budget, name));
                sums[(budget, name)] = (s.Psnr + Psnr.Compute(image, decoded), s.MsSsim + (Ssim.MultiScale(image, decoded) ?? 0), s.Count + 1);
            }
        }

        Console.Error.WriteLine($"{Path.GetFileNameWithoutExtension(file)} done");
    }

    foreach (int budget in budgets)
    {
        var sp = split[budget];
        Console.WriteLine($"{budget} B: encode median {encodeMs[budget].Order().ElementAt(encodeMs[budget].Count / 2):0} ms, sketch {sp.Sketch / sp.Count:0} B, colour {sp.Color / sp.Count:0} B");
        foreach ((string name, _) in options)
        {
            var s = sums[(budget, name)];
            Console.WriteLine($"   {name,-12} PSNR {s.Psnr / s.Count:0.00} MS-SSIM {s.MsSsim / s.Count:0.0000}");
        }
    }
}

// The layer coder's rate-distortion weights, judged by the Paint-decoded picture (the record's own sketch, the
// encoder's layer size and chroma rule, the bits it leaves).
static void Coding(string[] files, int[] budgets)
{
    var variants = new (string Name, LayerCodingOptions Options)[]
    {
        ("default", LayerCodingOptions.Default),
        ("lambda x0.5", LayerCodingOptions.Default with { Lambda = 0.045 }),
        ("lambda x2", LayerCodingOptions.Default with { Lambda = 0.18 }),
        ("chroma x0.5", LayerCodingOptions.Default with { OrangeChromaWeight = 1f / 3, GreenChromaWeight = 0.5f }),
        ("chroma x2", LayerCodingOptions.Default with { OrangeChromaWeight = 4f / 3, GreenChromaWeight = 2f }),
        ("low band x2", LayerCodingOptions.Default with { LevelWeights = [2f, 1f, 1f, 1f, 1f, 1f, 1f, 1f] }),
        ("fine x0.5", LayerCodingOptions.Default with { LevelWeights = [1f, 0.5f, 1f, 1f, 1f, 1f, 1f, 1f] }),
        ("coarse x2", LayerCodingOptions.Default with { LevelWeights = [1f, 1f, 1.5f, 2f, 2f, 2f, 2f, 2f] }),
    };
    var sums = new Dictionary<(int, string), (double Psnr, double MsSsim, int Count)>();
    foreach (string file in files)
    {
        RgbImage image = ImageReader.Read(file);
        foreach (int budget in budgets)
        {
            var clock = Stopwatch.StartNew();
            TskRecord baseline = TextSketchEncoder.Encode(file, null, EncoderOptions.Default with { MaxBytes = budget });
            double encodeMs = clock.Elapsed.TotalMilliseconds;
            BitPlane sketch = baseline.Document.Sketch!.Bitmap;
            double bits = baseline.Rate.ColorBits;
            PaintScene scene = PaintScene.Create(image.Width, image.Height, sketch);
            foreach ((string name, LayerCodingOptions options) in variants)
            {
                LayerTrial? trial = ColorLayerPlanner.Choose(image, bits + 4, options);
                float[][] planes = scene.Decode(trial!.Reconstruction.ToPlanes());
                RgbImage decoded = YCoCg.ToImage(image.Width, image.Height, planes[0], planes[1], planes[2]);
                var s = sums.GetValueOrDefault((budget, name));
                sums[(budget, name)] = (s.Psnr + Psnr.Compute(image, decoded), s.MsSsim + (Ssim.MultiScale(image, decoded) ?? 0), s.Count + 1);
            }
        }

        Console.Error.WriteLine($"{Path.GetFileNameWithoutExtension(file)} done");
    }

    foreach (int budget in budgets)
    {
        Console.WriteLine($"{budget} B:");
        foreach ((string name, _) in variants)
        {
            var s = sums[(budget, name)];
            Console.WriteLine($"   {name,-12} PSNR {s.Psnr / s.Count:0.00} MS-SSIM {s.MsSsim / s.Count:0.0000}");
        }
    }
}

// The README's picture: original | Paint at the default budget | Paint at a larger one, each panel half size.
static void Example(string photo, string budgets, string output)
{
    RgbImage image = ImageReader.Read(photo);
    var panels = new List<RgbImage> { image };
    foreach (string b in budgets.Split(','))
    {
        int? budget = b == "default" ? null : int.Parse(b);
        TskRecord record = TextSketchEncoder.Encode(photo, null, EncoderOptions.Default with { MaxBytes = budget });
        RgbImage decoded = PaintDecoder.Decode(image.Width, image.Height, PaintDecoder.LayerOf(record.Document), record.Document.Sketch?.Bitmap);
        Console.WriteLine($"{b}: {record.Bytes.Length} B, PSNR {Psnr.Compute(image, decoded):0.00} dB, MS-SSIM {Ssim.MultiScale(image, decoded):0.000}");
        panels.Add(decoded);
    }

    int w = image.Width / 2, h = image.Height / 2, gap = 4;
    var sheet = new RgbImage(panels.Count * w + (panels.Count - 1) * gap, h);
    Array.Fill(sheet.Pixels, (byte)255);
    for (int p = 0; p < panels.Count; p++)
    {
        RgbImage small = MetricImages.Resize(panels[p], w, h);
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                (byte r, byte g, byte bl) = small[x, y];
                sheet.Set(p * (w + gap) + x, y, r, g, bl);
            }
        }
    }

    File.WriteAllBytes(output, ImageWriter.Encode(sheet, ImageFileFormat.Jpeg));
    Console.WriteLine($"{output}: {new FileInfo(output).Length / 1024} KiB");
}

// Large budgets: where the bytes go.
static void Big(string[] files, int[] budgets)
{
    foreach (string file in files)
    {
        foreach (int budget in budgets)
        {
            var clock = Stopwatch.StartNew();
            TskRecord r = TextSketchEncoder.Encode(file, null, EncoderOptions.Default with { MaxBytes = budget });
            LayerReconstruction? layer = r.Document.ColorLayer;
            Console.WriteLine($"{Path.GetFileNameWithoutExtension(file)} {budget}: {r.Bytes.Length} B, sketch {r.Rate.SketchBits / 8} B, colour {r.Rate.ColorBits / 8} B, layer {layer?.Geometry} q {layer?.Quantiser}, {clock.Elapsed.TotalMilliseconds:0} ms");
        }
    }
}

// Costs of the pieces of rate control on one photo (means of 20 runs).
static void Micro(string file)
{
    RgbImage image = ImageReader.Read(file);
    ImageAnalysis analysis = TextSketchEncoder.Analyse(image, null, CaptionSource.None, EncoderOptions.Default);
    EdgeMap sketch = analysis.Sketch!;
    BitPlane reference = analysis.SketchReference!;
    int[] strengths = sketch.Strength.Where(v => v > 0).Order().ToArray();
    BitPlane plane = SketchSimplifier.Simplify(sketch, strengths, 30, 16);
    BitPlane near = SketchFidelity.Dilate(reference, 2);
    var model = new LayerErrorModel(image);
    double bits = 150 * 8;
    LayerTrial trial = ColorLayerCoder.FitBudget(LayerPlanes.FromImage(image, LayerGeometry.Create(768, 512, 7, true)), bits)!;
    void T(string name, Action a)
    {
        a();
        var c = Stopwatch.StartNew();
        for (int i = 0; i < 20; i++)
        {
            a();
        }

        Console.WriteLine($"{name,-40} {c.Elapsed.TotalMilliseconds / 20:0.00} ms");
    }

    T("analyse (detect)", () => TextSketchEncoder.Analyse(image, null, CaptionSource.None, EncoderOptions.Default));
    T("simplify step 30", () => SketchSimplifier.Simplify(sketch, strengths, 30, 16));
    T("code sketch (mix3)", () => SketchSimplifier.Code(plane, TextSketch.Core.Coding.SketchCoders.Default));
    T("render at detection size", () => SketchFidelity.Render(plane, reference.Width, reference.Height));
    T("F1 with dilated reference", () => SketchFidelity.Compare(SketchFidelity.Render(plane, reference.Width, reference.Height), reference, near, 2));
    T("dilate reference", () => SketchFidelity.Dilate(reference, 2));
    T("ladder floor (fresh ladder)", () => new SketchLadder(sketch, reference, 16).Floor(0.6));
    T("error model (new)", () => new LayerErrorModel(image));
    T("error model Error (ref 64x43)", () => model.Error(trial.Reconstruction, model.ReferenceFor(2752)));
    T("FromImage 48x32 half", () => LayerPlanes.FromImage(image, LayerGeometry.Create(768, 512, 7, true)));
    T("FitBudget 48x32 half 150 B", () => ColorLayerCoder.FitBudget(LayerPlanes.FromImage(image, LayerGeometry.Create(768, 512, 7, true)), bits));
    T("FitBudget 48x32 with hint", () => ColorLayerCoder.FitBudget(LayerPlanes.FromImage(image, LayerGeometry.Create(768, 512, 7, true)), bits, hint: trial.Quantiser));
    T("Trial 48x32", () => ColorLayerCoder.Trial(LayerPlanes.FromImage(image, LayerGeometry.Create(768, 512, 7, true)), trial.Quantiser));
    LayerPlanes tiny = LayerPlanes.FromImage(image, LayerGeometry.Create(768, 512, 1, true));
    T("Trial 6x4 (fixed costs)", () => ColorLayerCoder.Trial(tiny, 60));
    LayerPlanes t48 = LayerPlanes.FromImage(image, LayerGeometry.Create(768, 512, 7, true));
    T("Trial 48x32 q60 no FromImage", () => ColorLayerCoder.Trial(t48, 60));
    T("Trial 48x32 q100", () => ColorLayerCoder.Trial(t48, 100));
    T("planner at 150 B", () => ColorLayerPlanner.Choose(image, bits));
    Console.WriteLine($"found q {trial.Quantiser}, hint {68 - 8.9 * Math.Log2(bits / 1536):0}");
    T("FitBudget hint no refine", () => ColorLayerCoder.FitBudget(t48, bits, hint: (int)Math.Round(68 - 8.9 * Math.Log2(bits / 1536)), refine: false));
    T("FitBudget hint refine", () => ColorLayerCoder.FitBudget(t48, bits, hint: (int)Math.Round(68 - 8.9 * Math.Log2(bits / 1536))));
    T("record write", () => analysis.Write(analysis.ToDocument(TextSketchMode.TextSketch, plane, trial.Reconstruction)));
    T("rate control default", () => RateControl.Code(analysis, TextSketchMode.TextSketch, null, 16));
}

// Bytes of the smallest sketch with F1 >= 0.6 on two ladders: the simplifier's (strength-seeded hysteresis) and
// whole components dropped shortest first.
static void Ladders(string[] files)
{
    foreach (string file in files)
    {
        RgbImage image = ImageReader.Read(file);
        ImageAnalysis analysis = TextSketchEncoder.Analyse(image, null, CaptionSource.None, EncoderOptions.Default);
        var ladder = new SketchLadder(analysis.Sketch!, analysis.SketchReference, SketchOptions.Default.MinComponentPixels);
        SketchLadder.Step floor = ladder.Floor(0.6);
        BitPlane full = analysis.Sketch!.Edges;
        BitPlane reference = analysis.SketchReference!;
        var pieces = Components.Find(full);
        // Score: length times mean strength (long, strong contours first).
        int[] strength = analysis.Sketch.Strength;
        var order = pieces.OrderByDescending(p => p.Count * p.Average(i => (double)strength[i])).ToList();
        var byLength = pieces.OrderByDescending(p => p.Count).ToList();
        foreach ((string label, List<List<int>> ranked) in new[] { ("length x strength", order), ("length", byLength) })
        {
            int lo = 1, hi = ranked.Count; // keep the first k pieces
            (int Bytes, double F1) At(int k)
            {
                var plane = new BitPlane(full.Width, full.Height);
                foreach (var piece in ranked.Take(k))
                {
                    foreach (int i in piece)
                    {
                        plane.Bits[i] = 1;
                    }
                }

                double f1 = SketchFidelity.Compare(SketchFidelity.Render(plane, reference.Width, reference.Height), reference).F1;
                return (SketchSimplifier.Code(plane, TextSketch.Core.Coding.SketchCoders.Default).Length, f1);
            }

            while (lo < hi)
            {
                int mid = (lo + hi) / 2;
                if (At(mid).F1 >= 0.6)
                {
                    hi = mid;
                }
                else
                {
                    lo = mid + 1;
                }
            }

            var best = At(lo);
            Console.WriteLine($"{Path.GetFileNameWithoutExtension(file),-18} ladder {floor.Bytes,4} B (F1 {floor.Fidelity:0.00}), {label}: {best.Bytes,4} B (F1 {best.F1:0.00}, {lo}/{ranked.Count} pieces)");
        }
    }
}

// MS-SSIM of the layer interpolated to the finest layer grid against the image's box means there (a proxy that was
// measured and not kept: no better than the squared error of LayerErrorModel, ten times the cost).
static double StructuralProxy(RgbImage image, LayerReconstruction layer)
{
    LayerGrid grid = LayerGeometry.Create(image.Width, image.Height, LayerGeometry.SizeCount(image.Width, image.Height) - 1, false).Luma;
    var reference = new RgbImage(grid.Columns, grid.Rows, Array.ConvertAll(Resampling.AreaRgb(image, grid.Columns, grid.Rows), v => (byte)v));
    RgbImage decoded = YCoCg.ToImage(grid.Columns, grid.Rows, layer.Interpolate(0, grid), layer.Interpolate(1, grid), layer.Interpolate(2, grid));
    return Ssim.MultiScale(reference, decoded) ?? double.NaN;
}

// Where an encode's time goes, per photo (one thread): read, analysis, the fidelity floor, record writes.
static void Time(string[] files)
{
    foreach (string file in files)
    {
        string name = Path.GetFileNameWithoutExtension(file);
        for (int run = 0; run < 2; run++)
        {
            var clock = Stopwatch.StartNew();
            RgbImage image = ImageReader.Read(file);
            double read = clock.Elapsed.TotalMilliseconds;
            ImageAnalysis analysis = TextSketchEncoder.Analyse(image, null, CaptionSource.None, EncoderOptions.Default);
            double analyse = clock.Elapsed.TotalMilliseconds;
            var ladder = new SketchLadder(analysis.Sketch!, analysis.SketchReference, SketchOptions.Default.MinComponentPixels);
            SketchLadder.Step floor = ladder.Floor(RateControl.MinimumSketchFidelity);
            double floorMs = clock.Elapsed.TotalMilliseconds;
            TskRecord record = RateControl.Code(analysis, TextSketchMode.TextSketch, null, SketchOptions.Default.MinComponentPixels);
            double all = clock.Elapsed.TotalMilliseconds;
            if (run == 1)
            {
                Console.WriteLine($"{name}: read {read:0} ms, analyse {analyse - read:0}, floor {floorMs - analyse:0} (step {floor.Index}), rate control {all - floorMs:0}, record {record.Bytes.Length} B");
            }
        }
    }
}

// Every split of the budget: sketch steps from the F1 floor towards the full sketch, layer sizes, chroma modes;
// Paint-decoded PSNR and MS-SSIM of each.
static void Grid(string[] files, int[] budgets, bool fit, bool floorOnly)
{
    var lines = new System.Collections.Concurrent.ConcurrentBag<string>();
    Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = 2 }, file =>
    {
        string name = Path.GetFileNameWithoutExtension(file);
        RgbImage image = ImageReader.Read(file);
        ImageAnalysis analysis = TextSketchEncoder.Analyse(image, null, CaptionSource.None, EncoderOptions.Default);
        var ladder = new SketchLadder(analysis.Sketch!, analysis.SketchReference, SketchOptions.Default.MinComponentPixels);
        var empty = new BitPlane(analysis.Sketch!.Edges.Width, analysis.Sketch.Edges.Height);
        int rest = analysis.Write(analysis.ToDocument(TextSketchMode.TextSketch, empty)).Bytes.Length;
        SketchLadder.Step floor = ladder.Floor(RateControl.MinimumSketchFidelity);
        Console.Error.WriteLine($"{name}: rest {rest} B, floor step {floor.Index} {floor.Bytes} B F1 {floor.Fidelity:0.00}, full {ladder[0].Bytes} B");
        var sizes = LayerGeometry.SizesFor(image.Width, image.Height);
        var scenes = new Dictionary<int, PaintScene>();
        var model = new LayerErrorModel(image);
        foreach (int budget in budgets)
        {
            int available = budget - rest;
            var steps = new List<SketchLadder.Step> { floor };
            for (int s = floor.Index - 6; s >= 0 && !floorOnly; s -= 6)
            {
                if (ladder[s].Bytes < available * 0.6)
                {
                    steps.Add(ladder[s]);
                }
            }

            foreach (SketchLadder.Step step in steps)
            {
                if (!scenes.TryGetValue(step.Index, out PaintScene? scene))
                {
                    scene = scenes[step.Index] = PaintScene.Create(image.Width, image.Height, step.Sketch);
                }

                double bits = (available - step.Bytes - 1) * 8.0;
                for (int size = 1; size < sizes.Count; size++)
                {
                    long cells = (long)sizes[size].Width * sizes[size].Height;
                    if (cells > 6 * bits || cells * 3 < bits)
                    {
                        continue;
                    }

                    foreach (bool half in new[] { false, true })
                    {
                        var geometry = LayerGeometry.Create(image.Width, image.Height, size, half);
                        var clock = Stopwatch.StartNew();
                        LayerPlanes target = fit ? LayerFitter.Fit(image, geometry, scene) : LayerPlanes.FromImage(image, geometry);
                        double fitMs = clock.Elapsed.TotalMilliseconds;
                        LayerTrial? trial = ColorLayerCoder.FitBudget(target, bits);
                        if (trial is null)
                        {
                            continue;
                        }

                        RgbImage decoded = YCoCg.ToImage(image.Width, image.Height, scene.Decode(trial.Reconstruction.ToPlanes()) is var p ? p[0] : null!, p[1], p[2]);
                        double psnr = Psnr.Compute(image, decoded);
                        double msssim = Ssim.MultiScale(image, decoded) ?? double.NaN;
                        double proxy = model.Error(trial.Reconstruction, model.ReferenceFor(long.MaxValue));
                        double proxy2 = StructuralProxy(image, trial.Reconstruction);
                        lines.Add($"{name}\t{budget}\t{step.Index}\t{step.Bytes}\t{step.Fidelity:0.000}\t{sizes[size].Width}x{sizes[size].Height}\t{(half ? 1 : 0)}\t{trial.Quantiser}\t{trial.Bits / 8:0}\t{psnr:0.000}\t{msssim:0.0000}\t{fitMs:0}\t{proxy:0.000}\t{proxy2:0.0000}");
                    }
                }
            }
        }

        Console.Error.WriteLine($"{name}: done");
    });

    Console.WriteLine("photo\tbudget\tstep\tsketchB\tF1\tlayer\thalf\tq\tlayerB\tpsnr\tmsssim\tfitms\tproxy\tproxy2");
    foreach (string line in lines.Order(StringComparer.Ordinal))
    {
        Console.WriteLine(line);
    }
}

// Planner variants (cells per bit, half-chroma threshold, RD weights) at the colour bits the encoder's record leaves,
// Paint-decoded with the record's sketch: PSNR and MS-SSIM per budget and variant.
static void LowRate(string[] files, int[] budgets)
{
    static double Current(double bpp) => bpp <= 0.02 ? 1.0 : 1.4;
    var coOne = LayerCodingOptions.Default with { OrangeChromaWeight = 1f };
    var coHalf = LayerCodingOptions.Default with { OrangeChromaWeight = 1f, GreenChromaWeight = 1.5f };
    static LayerPlanes Saturate(LayerPlanes t, float g) => new(t.Geometry, t.Luma, t.OrangeChroma.Select(v => v * g).ToArray(), t.GreenChroma.Select(v => v * g).ToArray());
    static double Low(double bpp, double limit, double cells) => bpp <= limit ? cells : Current(bpp);
    LayerCodingOptions d = LayerCodingOptions.Default;
    double slack = ColorLayerCoder.FillSlackBits;
    var variants = new (string Name, Func<double, double> Cells, double Half, LayerCodingOptions Coding, Func<LayerPlanes, LayerPlanes>? Target, double SlackBits)[]
    {
        ("current", Current, 0.04, d, null, slack),
        ("cpb 0.7 <=.005", b => Low(b, 0.005, 0.7), 0.04, d, null, slack),
        ("cpb 0.5 <=.005", b => Low(b, 0.005, 0.5), 0.04, d, null, slack),
        ("cpb 0.35 <=.005", b => Low(b, 0.005, 0.35), 0.04, d, null, slack),
        ("cpb 0.7 <=.01", b => Low(b, 0.01, 0.7), 0.04, d, null, slack),
        ("cpb 1.4 <=.02", b => Low(b, 0.02, 1.4), 0.04, d, null, slack),
        ("full chroma", Current, 0.0, d, null, slack),
        ("half <=.08", Current, 0.08, d, null, slack),
        ("co 1.0", Current, 0.04, d with { OrangeChromaWeight = 1f }, null, slack),
        ("co 1.0 cg 1.5", Current, 0.04, d with { OrangeChromaWeight = 1f, GreenChromaWeight = 1.5f }, null, slack),
        ("co .5 cg .75", Current, 0.04, d with { OrangeChromaWeight = 0.5f, GreenChromaWeight = 0.75f }, null, slack),
        ("co .44 cg .67", Current, 0.04, d with { OrangeChromaWeight = 4f / 9, GreenChromaWeight = 2f / 3 }, null, slack),
        ("y 1.2", Current, 0.04, d with { LumaWeight = 1.2f }, null, slack),
        ("lambda x0.5", Current, 0.04, d with { Lambda = 0.045 }, null, slack),
        ("lambda x0.7", Current, 0.04, d with { Lambda = 0.063 }, null, slack),
        ("lambda x1.4", Current, 0.04, d with { Lambda = 0.126 }, null, slack),
        ("lambda x2", Current, 0.04, d with { Lambda = 0.18 }, null, slack),
        ("low x2", Current, 0.04, d with { LevelWeights = [2f] }, null, slack),
        ("low x0.5", Current, 0.04, d with { LevelWeights = [0.5f] }, null, slack),
        ("sat 1.1", Current, 0.04, d, t => Saturate(t, 1.1f), slack),
        ("sat 1.2", Current, 0.04, d, t => Saturate(t, 1.2f), slack),
        ("sat 1.35", Current, 0.04, d, t => Saturate(t, 1.35f), slack),
        ("fill slack 0", Current, 0.04, d, null, 0),
    };
    var rows = new System.Collections.Concurrent.ConcurrentBag<(int Budget, int Variant, string Photo, double Psnr, double MsSsim, double Bits, string Layer)>();
    Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = 2 }, file =>
    {
        RgbImage image = ImageReader.Read(file);
        string name = Path.GetFileNameWithoutExtension(file);
        foreach (int budget in budgets)
        {
            TskRecord baseline = TextSketchEncoder.Encode(file, null, EncoderOptions.Default with { MaxBytes = budget });
            PaintScene scene = PaintScene.Create(image.Width, image.Height, baseline.Document.Sketch!.Bitmap);
            double bits = baseline.Rate.ColorBits + 4;
            for (int v = 0; v < variants.Length; v++)
            {
                LayerTrial trial = ChooseVariant(image, bits, variants[v].Cells, variants[v].Half, variants[v].Coding, variants[v].Target, variants[v].SlackBits)!;
                float[][] planes = scene.Decode(trial.Reconstruction.ToPlanes());
                RgbImage decoded = YCoCg.ToImage(image.Width, image.Height, planes[0], planes[1], planes[2]);
                var g = trial.Reconstruction.Geometry;
                rows.Add((budget, v, name, Psnr.Compute(image, decoded), Ssim.MultiScale(image, decoded) ?? 0, trial.Bits,
                    $"{g.LumaWidth}x{g.LumaHeight}/{g.ChromaWidth}x{g.ChromaHeight} q{trial.Quantiser} of {bits:0} record {baseline.Bytes.Length} B lambda x{trial.Options.Lambda / 0.09:0.0}"));
            }
        }

        Console.Error.WriteLine($"{name} done");
    });

    foreach (var r in rows.OrderBy(r => r.Budget).ThenBy(r => r.Photo, StringComparer.Ordinal).ThenBy(r => r.Variant))
    {
        Console.WriteLine($"# {r.Budget} {r.Photo,-20} {variants[r.Variant].Name,-18} {r.Psnr:0.000} {r.MsSsim:0.0000} {r.Bits:0} {r.Layer}");
    }

    foreach (int budget in budgets)
    {
        Console.WriteLine($"{budget} B:");
        for (int v = 0; v < variants.Length; v++)
        {
            var set = rows.Where(r => r.Budget == budget && r.Variant == v).ToList();
            Console.WriteLine($"   {variants[v].Name,-18} PSNR {set.Average(r => r.Psnr):0.000} MS-SSIM {set.Average(r => r.MsSsim):0.0000}");
        }
    }
}

// ColorLayerPlanner.Choose with its rule's parameters open.
static LayerTrial? ChooseVariant(RgbImage image, double bits, Func<double, double> cellsPerBit, double halfBitsPerPixel, LayerCodingOptions coding, Func<LayerPlanes, LayerPlanes>? transform, double slackBits)
{
    double bitsPerPixel = bits / ((double)image.Width * image.Height);
    int size = ColorLayerPlanner.NearestSize(image.Width, image.Height, cellsPerBit(bitsPerPixel) * bits);
    bool half = bitsPerPixel <= halfBitsPerPixel;
    for (; size >= 0; size--)
    {
        LayerPlanes target = LayerPlanes.FromImage(image, LayerGeometry.Create(image.Width, image.Height, size, half));
        target = transform is null ? target : transform(target);
        if (ColorLayerCoder.FitBudget(target, bits, coding, null, refine: false, fill: false) is { } trial)
        {
            return Fill(target, trial, bits, coding, slackBits);
        }
    }

    return null;
}

// ColorLayerCoder.FitBudget's fill with its slack in bits open.
static LayerTrial Fill(LayerPlanes target, LayerTrial best, double maxBits, LayerCodingOptions options, double slackBits)
{
    if (best.Quantiser > 0 && maxBits - best.Bits > Math.Max(ColorLayerCoder.FillSlack * maxBits, slackBits))
    {
        double over = 1;
        LayerTrial? denser = null;
        double factor = 0;
        foreach (double f in new double[] { 2, 6, 20 })
        {
            LayerTrial t = ColorLayerCoder.Trial(target, best.Quantiser - 1, options with { Lambda = options.Lambda * f });
            if (t.Bits <= maxBits)
            {
                (denser, factor) = (t, f);
                break;
            }

            over = f;
        }

        if (denser is not null)
        {
            LayerTrial middle = ColorLayerCoder.Trial(target, best.Quantiser - 1, options with { Lambda = options.Lambda * Math.Sqrt(over * factor) });
            if (middle.Bits <= maxBits && middle.WeightedError < denser.WeightedError)
            {
                denser = middle;
            }

            best = denser.WeightedError < best.WeightedError ? denser : best;
        }
    }

    return best;
}

// After the encoder's record: the same layer geometry at finer quantisers, written into the record, while it stays
// within the budget; Paint-decoded scores of the encoder's record and of the finest that fits.
static void RecordFill(string[] files, int[] budgets)
{
    var rows = new System.Collections.Concurrent.ConcurrentBag<(int Budget, string Photo, double P0, double M0, double P1, double M1, string Note, double EncodeMs, double ExtraMs)>();
    Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = 1 }, file =>
    {
        RgbImage image = ImageReader.Read(file);
        ImageAnalysis analysis = TextSketchEncoder.Analyse(image, null, CaptionSource.None, EncoderOptions.Default);
        foreach (int budget in budgets)
        {
            var clock = Stopwatch.StartNew();
            TskRecord baseline = TextSketchEncoder.Encode(file, null, EncoderOptions.Default with { MaxBytes = budget });
            double encodeMs = clock.Elapsed.TotalMilliseconds;
            BitPlane sketch = baseline.Document.Sketch!.Bitmap;
            LayerReconstruction layer = baseline.Document.ColorLayer!;
            TskRecord same = analysis.Write(analysis.ToDocument(TextSketchMode.TextSketch, sketch, layer));
            if (!same.Bytes.AsSpan().SequenceEqual(baseline.Bytes))
            {
                throw new InvalidOperationException($"{file} {budget}: the rebuilt record differs");
            }

            clock.Restart();
            LayerPlanes target = LayerPlanes.FromImage(image, layer.Geometry);
            int sketchOnly = analysis.Write(analysis.ToDocument(TextSketchMode.TextSketch, sketch)).Bytes.Length;
            Console.Error.WriteLine($"{Path.GetFileNameWithoutExtension(file)} {budget}: sketch-only {sketchOnly} B, space {(budget - sketchOnly) * 8} bits, layer {ColorLayerCoder.Trial(target, layer.Quantiser).Bits:0} q{layer.Quantiser}, q-1 {ColorLayerCoder.Trial(target, layer.Quantiser - 1).Bits:0}, record {baseline.Bytes.Length}");
            TskRecord best = baseline;
            LayerReconstruction bestLayer = layer;
            for (int q = layer.Quantiser - 1; q >= 0; q--)
            {
                LayerTrial t = ColorLayerCoder.Trial(target, q);
                TskRecord r = analysis.Write(analysis.ToDocument(TextSketchMode.TextSketch, sketch, t.Reconstruction));
                if (r.Bytes.Length > budget)
                {
                    break;
                }

                (best, bestLayer) = (r, t.Reconstruction);
            }

            if (ReferenceEquals(bestLayer, layer))
            {
                // Spend what is left at the same quantiser: a smaller λ codes more of the small coefficients.
                double bestError = ColorLayerCoder.Trial(target, layer.Quantiser).WeightedError;
                foreach (double f in new[] { 0.7, 0.5, 0.35, 0.25, 0.15 })
                {
                    LayerTrial t = ColorLayerCoder.Trial(target, layer.Quantiser, LayerCodingOptions.Default with { Lambda = LayerCodingOptions.Default.Lambda * f });
                    TskRecord r = analysis.Write(analysis.ToDocument(TextSketchMode.TextSketch, sketch, t.Reconstruction));
                    if (r.Bytes.Length <= budget && t.WeightedError < bestError)
                    {
                        (best, bestLayer, bestError) = (r, t.Reconstruction, t.WeightedError);
                    }
                }
            }

            double extraMs = clock.Elapsed.TotalMilliseconds;
            PaintScene scene = PaintScene.Create(image.Width, image.Height, sketch);
            (double, double) Score(LayerReconstruction l)
            {
                float[][] p = scene.Decode(l.ToPlanes());
                RgbImage d = YCoCg.ToImage(image.Width, image.Height, p[0], p[1], p[2]);
                return (Psnr.Compute(image, d), Ssim.MultiScale(image, d) ?? 0);
            }

            (double p0, double m0) = Score(layer);
            (double p1, double m1) = ReferenceEquals(bestLayer, layer) ? (p0, m0) : Score(bestLayer);
            rows.Add((budget, Path.GetFileNameWithoutExtension(file), p0, m0, p1, m1,
                $"{baseline.Bytes.Length} B q{layer.Quantiser} -> {best.Bytes.Length} B q{bestLayer.Quantiser}", encodeMs, extraMs));
        }
    });

    foreach (var r in rows.OrderBy(r => r.Budget).ThenBy(r => r.Photo, StringComparer.Ordinal))
    {
        Console.WriteLine($"# {r.Budget} {r.Photo,-18} {r.P0:0.000} {r.M0:0.0000} -> {r.P1:0.000} {r.M1:0.0000}  {r.Note}");
    }

    foreach (int budget in budgets)
    {
        var set = rows.Where(r => r.Budget == budget).ToList();
        Console.WriteLine($"{budget} B: PSNR {set.Average(r => r.P0):0.000} -> {set.Average(r => r.P1):0.000}, MS-SSIM {set.Average(r => r.M0):0.0000} -> {set.Average(r => r.M1):0.0000}; encode {set.Average(r => r.EncodeMs):0.0} ms, search after it {set.Average(r => r.ExtraMs):0.0} ms (incl. one probe trial)");
    }
}
