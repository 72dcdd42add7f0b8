using System.Diagnostics;
using System.Text.Json;
using TextSketch.Core.Decoding;
using TextSketch.Core.Decoding.Paint;
using TextSketch.Core.Encoder;
using TextSketch.Core.Format;

namespace TextSketch.Bench;

/// <summary>
/// The codec's own times on one thread (Core calls, no cmdlet): encode of each photo at each budget (read, analyse,
/// rate control, write; median of 3 runs, then the median over photos) and the Paint decode of each record written
/// (median of 3 runs; the median and the slowest over records). A warm-up encode and decode first (JIT, caption model).
/// </summary>
public static class CodecTimes
{
    public static int Run(string photoDirectory, string budgets, string recordDirectory, string output)
    {
        string[] photos = Directory.GetFiles(photoDirectory, "*.png").Order(StringComparer.Ordinal).ToArray();
        int[] sizes = budgets.Split(',').Select(int.Parse).ToArray();
        TextSketchEncoder.Encode(photos[0], null, EncoderOptions.Default with { MaxBytes = sizes[0] });
        var encode = new Dictionary<string, double>();
        foreach (int budget in sizes)
        {
            EncoderOptions options = EncoderOptions.Default with { MaxBytes = budget };
            encode[budget.ToString(System.Globalization.CultureInfo.InvariantCulture)] =
                Median(photos.Select(p => Median(Enumerable.Range(0, 3).Select(_ => Time(() => TextSketchEncoder.Encode(p, null, options))))));
        }

        using var decoder = new PaintDecoder();
        var decodeOptions = new DecodeOptions { Decoder = PaintDecoder.Entry.Name };
        string[] records = Directory.GetFiles(recordDirectory, "*.tsk", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        TskRecord[] read = records.Select(f => TskFile.Read(File.ReadAllBytes(f), f)).ToArray();
        decoder.Decode(read[0], decodeOptions, null, CancellationToken.None);
        double[] decodes = read.Select(r => Median(Enumerable.Range(0, 3).Select(_ => Time(() => decoder.Decode(r, decodeOptions, null, CancellationToken.None))))).ToArray();
        var result = new { EncodeMedianMs = encode, DecodeMedianMs = Median(decodes), DecodeMaxMs = decodes.Max(), Records = records.Length };
        File.WriteAllText(output, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"encode {string.Join(", ", encode.Select(e => $"{e.Key} B {e.Value:0} ms"))}; Paint decode median {result.DecodeMedianMs:0} ms, slowest {result.DecodeMaxMs:0} ms over {records.Length} records");
        return 0;
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
