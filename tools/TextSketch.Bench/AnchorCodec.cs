using System.Diagnostics;
using System.Globalization;

namespace TextSketch.Bench;

/// <summary>
/// A classical codec run through its Debian command-line tools. Settings are an ordered ladder from smallest to
/// largest output, so a binary search finds the largest file within a budget.
/// </summary>
public sealed class AnchorCodec
{
    private AnchorCodec(string name, string extension, IReadOnlyList<string> settings, Func<string, string, string, string[]> encodeArgs,
        string decoder, Func<string, string, string[]> decodeArgs)
    {
        Name = name;
        Extension = extension;
        Settings = settings;
        EncodeArgs = encodeArgs;
        Decoder = decoder;
        DecodeArgs = decodeArgs;
    }

    public string Name { get; }

    public string Extension { get; }

    /// <summary>Setting values, smallest output first.</summary>
    public IReadOnlyList<string> Settings { get; }

    public Func<string, string, string, string[]> EncodeArgs { get; }

    public string Decoder { get; }

    public Func<string, string, string[]> DecodeArgs { get; }

    public string Encoder => Name switch { "WebP" => "cwebp", "AVIF" => "avifenc", _ => "cjxl" };

    public static IReadOnlyList<AnchorCodec> All { get; } =
    [
        // libwebp: quality 0..100, slowest/best method 6, no metadata.
        new("WebP", ".webp", Enumerable.Range(0, 101).Select(q => q.ToString(CultureInfo.InvariantCulture)).ToList(),
            (input, output, q) => ["-quiet", "-q", q, "-m", "6", "-metadata", "none", input, "-o", output],
            "dwebp", (input, output) => ["-quiet", input, "-o", output]),
        // libavif + aom: one quantizer for min and max (63 = coarsest), 4:2:0, default speed 6, no ICC/Exif/XMP boxes.
        new("AVIF", ".avif", Enumerable.Range(0, 64).Select(i => (63 - i).ToString(CultureInfo.InvariantCulture)).ToList(),
            (input, output, q) => ["-y", "420", "--min", q, "--max", q, "-s", "6", "-j", "1", "--ignore-icc", "--ignore-exif", "--ignore-xmp", input, output],
            "avifdec", (input, output) => [input, output]),
        // libjxl: Butteraugli distance (25 = coarsest this cjxl accepts), effort 7 (its default).
        new("JPEG XL", ".jxl", new[] { 25, 20, 16, 13, 11, 9, 7.5, 6, 5, 4, 3.3, 2.7, 2.2, 1.8, 1.4, 1, 0.7, 0.4 }.Select(d => d.ToString(CultureInfo.InvariantCulture)).ToList(),
            (input, output, d) => [input, output, "-d", d, "-e", "7"],
            "djxl", (input, output) => [input, output]),
    ];

    /// <summary>Runs a tool, returning its wall time in milliseconds; throws with its output when it fails.</summary>
    public static double Run(string tool, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {tool}.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        clock.Stop();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {stderr.Result}{stdout.Result}");
        }

        return clock.Elapsed.TotalMilliseconds;
    }
}
