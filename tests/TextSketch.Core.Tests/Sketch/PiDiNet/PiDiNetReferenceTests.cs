using System.Diagnostics;
using System.Security.Cryptography;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TextSketch.Core.Imaging;
using TextSketch.Core.Onnx;
using TextSketch.Core.Sketch.PiDiNet;
using Xunit.Abstractions;

namespace TextSketch.Core.Tests.Sketch.PiDiNet;

/// <summary>The converted graph against the authors' own model definition run on the same checkpoint.</summary>
public sealed class PiDiNetReferenceTests(ITestOutputHelper output)
{
    // Float32 round-off between two implementations plus the references' 16-bit quantisation (1.5e-5).
    private const double MaxAbsError = 2e-3;
    private const double MeanAbsError = 2e-4;

    [Fact]
    public void Every_reference_map_is_reproduced()
    {
        IReadOnlyList<string> names = SharedPiDiNetData.ReferenceNames();
        Assert.NotEmpty(names);
        var failures = new List<string>();
        foreach (string name in names)
        {
            RgbImage image = SharedPiDiNetData.ReferenceImage(name);
            var clock = Stopwatch.StartNew();
            float[] map = SharedPiDiNetData.MapOf(name);
            clock.Stop();
            using Image<L16> reference = Image.Load<L16>(Path.Combine(SharedPiDiNetData.References, name + ".pidinet16.png"));
            Assert.Equal((image.Width, image.Height), (reference.Width, reference.Height));

            double max = 0, sum = 0;
            for (int y = 0; y < image.Height; y++)
            {
                for (int x = 0; x < image.Width; x++)
                {
                    double error = Math.Abs(map[y * image.Width + x] - reference[x, y].PackedValue / 65535.0);
                    max = Math.Max(max, error);
                    sum += error;
                }
            }

            double mean = sum / map.Length;
            string line = $"{name} {image.Width}x{image.Height}: max {max:E2}, mean {mean:E2} ({clock.ElapsedMilliseconds} ms)";
            output.WriteLine(line);
            if (max > MaxAbsError || mean > MeanAbsError)
            {
                failures.Add(line);
            }
        }

        Assert.True(failures.Count == 0, "Maps off their references: " + string.Join("; ", failures));
    }

    /// <summary>The installer records the converted file's hash: the same checkpoint must give the same bytes on
    /// every machine. Pinned here, so a change to the graph is a deliberate one (bump ConverterVersion with it).</summary>
    [Fact]
    public void Conversion_is_byte_deterministic()
    {
        byte[] again = PiDiNetConverter.Convert(SharedPiDiNetData.Checkpoint);
        Assert.Equal(SharedPiDiNetData.Converted, again);
        Assert.Equal(1, PiDiNetConverter.ConverterVersion);
        Assert.Equal(2_897_912, again.Length);
        Assert.Equal("de4f8b696dc524e0067a86051d21db9f232c6d4048de4dc4c07b9ac961f1d454", Convert.ToHexStringLower(SHA256.HashData(again)));
    }

    [Fact]
    public void The_graph_takes_any_size_and_keeps_it()
    {
        PiDiNetRunner runner = SharedPiDiNetData.Runner;
        foreach ((int w, int h) in new[] { (1, 1), (7, 3), (33, 16) })
        {
            float[] map = runner.SoftMap(Support.TestImages.Scene(w, h, w + h));
            Assert.Equal(w * h, map.Length);
            Assert.All(map, v => Assert.InRange(v, 0f, 1f));
        }
    }
}
