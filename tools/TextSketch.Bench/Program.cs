using System.Text.Json;
using TextSketch.Bench;

// The quality benchmark's helper; tools/bench/30-quality.ps1 drives it.
//   anchors <plan.json> <work-dir> <anchors.json>   classical codecs at each photo's byte budgets
//   report  <results.json> <asset-dir>              rate-distortion plots and contact sheets
//   sketch  <photo-dir> <model-root> <section.md> <asset-dir> <command>   built-in detector vs PiDiNet (45-sketch.ps1)
var json = new JsonSerializerOptions { WriteIndented = true, PropertyNameCaseInsensitive = true };
try
{
    switch (args.FirstOrDefault())
    {
        case "anchors" when args.Length == 4:
            List<PhotoPlan> plan = JsonSerializer.Deserialize<List<PhotoPlan>>(File.ReadAllText(args[1]), json)
                ?? throw new InvalidDataException("Empty plan.");
            // Searches run in parallel across photos; every photo keeps its own scratch folders.
            var perPhoto = new List<AnchorResult>[plan.Count];
            Parallel.For(0, plan.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                perPhoto[i] = [];
                foreach (AnchorCodec codec in AnchorCodec.All)
                {
                    foreach (Budget budget in plan[i].Budgets)
                    {
                        perPhoto[i].Add(AnchorSearch.Run(plan[i], codec, budget, args[2]));
                    }
                }
            });

            // Encode speed afterwards, one encode at a time.
            var results = new List<AnchorResult>();
            foreach (AnchorResult found in perPhoto.SelectMany(r => r))
            {
                AnchorResult result = found.Fits
                    ? found with { EncodeMs = AnchorSearch.TimeEncode(AnchorCodec.All.Single(c => c.Name == found.Codec), found, args[2]) }
                    : found;
                Console.WriteLine($"{result.Name,-20} {result.Codec,-8} {result.BudgetLabel,-14} budget {result.Budget,6} -> " +
                    (result.Fits ? $"{result.Bytes,6} B {result.ThumbWidth}x{result.ThumbHeight} {result.Setting} {result.Psnr:0.00} dB, {result.EncodeMs:0} ms" : "does not fit"));
                results.Add(result);
            }

            File.WriteAllText(args[3], JsonSerializer.Serialize(results, json));
            return 0;
        case "report" when args.Length == 3:
            List<ResultRow> rows = JsonSerializer.Deserialize<List<ResultRow>>(File.ReadAllText(args[1]), json)
                ?? throw new InvalidDataException("Empty results.");
            Directory.CreateDirectory(args[2]);
            foreach (string file in RatePlots.Write(rows, args[2]).Concat(ContactSheets.Write(rows, args[2])))
            {
                Console.WriteLine($"wrote {file} ({new FileInfo(file).Length / 1024} KiB)");
            }

            return 0;
        case "sketch" when args.Length == 6:
            return SketchComparison.Run(args[1], args[2], args[3], args[4], args[5]);
        default:
            Console.Error.WriteLine("usage: TextSketch.Bench anchors <plan.json> <work-dir> <anchors.json> | report <results.json> <asset-dir> | sketch <photo-dir> <model-root> <section.md> <asset-dir> <command>");
            return 2;
    }
}
catch (Exception e) when (e is IOException or InvalidDataException or JsonException or InvalidOperationException)
{
    Console.Error.WriteLine($"TextSketch.Bench: {e.Message}");
    return 1;
}
