using System.Buffers.Binary;
using System.Diagnostics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TextSketch.Core;
using TextSketch.Core.Caption;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Encoder;
using TextSketch.Core.Decoding;
using TextSketch.Core.Decoding.Paint;
using TextSketch.Core.Decoding.Preview;

namespace TextSketch.Fuzz;

/// <summary>What a fuzz run found.</summary>
public sealed record FuzzReport(string Target, int Inputs, int Accepted, int Refused, IReadOnlyList<string> Failures, double Seconds, long MaxAllocatedBytes, double MaxMilliseconds)
{
    public override string ToString() =>
        $"{Target}: {Inputs:N0} inputs, {Accepted:N0} accepted, {Refused:N0} refused with the documented errors, {Failures.Count} failures; " +
        $"slowest {MaxMilliseconds:N1} ms, most allocated {MaxAllocatedBytes / 1048576.0:N1} MiB; {Seconds:N1} s";
}

/// <summary>
/// Mutation fuzzing with a fixed seed (every run repeats exactly). The oracle: a reader either returns or throws its
/// documented exception (TskFormatException, ImageReadException); any other exception, an input that takes longer
/// than <see cref="MaxMilliseconds"/> or allocates more than <see cref="MaxAllocatedBytes"/> is a failure.
/// </summary>
public static class Fuzzer
{
    public const double MaxMilliseconds = 2000;
    public const long MaxAllocatedBytes = 256L << 20;

    /// <summary>Records up to this many pixels are also painted by the Paint decoder.</summary>
    public const long PaintPixels = 1 << 16;

    /// <summary>Mutated .tsk records: bit flips, byte edits, truncations, extensions, header-field edits and splices,
    /// half of them with the checksum recomputed so the mutation reaches the decoder behind it. Seeds: records of both
    /// modes at several sizes from today's writer, and the committed version-1 records when the repository is found.
    /// Records that decode are also rendered by the Preview decoder and, up to <see cref="PaintPixels"/> pixels (its
    /// solve is what makes a render slow), by the Paint decoder.</summary>
    public static FuzzReport Records(int count, int seed)
    {
        List<byte[]> seeds = SeedRecords();
        var random = new Random(seed);
        return Run("tsk", count, i =>
        {
            byte[] input = MutateRecord(seeds, random);
            return () =>
            {
                try
                {
                    TskRecord record = TskFile.Read(input, "fuzz.tsk");
                    if ((long)record.Document.Width * record.Document.Height <= 1 << 18)
                    {
                        PreviewRenderer.Render(record.Document);
                        if ((long)record.Document.Width * record.Document.Height <= PaintPixels)
                        {
                            TskDocument document = record.Document;
                            PaintDecoder.Decode(document.Width, document.Height, PaintDecoder.LayerOf(document), document.Sketch?.Bitmap);
                        }

                        if (record.Document.Sketch is not null)
                        {
                            SketchLayerImage.Render(record.Document, "fuzz");
                        }
                    }

                    return true;
                }
                catch (TskFormatException)
                {
                    return false;
                }
            };
        });
    }

    /// <summary>Mutated image files (PNG, JPEG, BMP, GIF, WebP, TIFF, TGA): edits concentrated in the headers, and
    /// truncations, read with a 4-megapixel limit.</summary>
    public static FuzzReport Images(int count, int seed)
    {
        List<byte[]> seeds = SeedImages();
        var random = new Random(seed);
        var options = new ImageReadOptions { MaxPixels = 4_000_000 };
        return Run("image", count, i =>
        {
            byte[] input = MutateImage(seeds[random.Next(seeds.Count)], random);
            return () =>
            {
                try
                {
                    using var stream = new MemoryStream(input, writable: false);
                    ImageReader.Read(stream, "fuzz", options);
                    return true;
                }
                catch (ImageReadException)
                {
                    return false;
                }
            };
        });
    }

    private static FuzzReport Run(string target, int count, Func<int, Func<bool>> make)
    {
        var failures = new List<string>();
        int accepted = 0, refused = 0;
        long maxAllocated = 0;
        double maxMs = 0;
        var total = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            Func<bool> attempt = make(i);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            try
            {
                if (attempt())
                {
                    accepted++;
                }
                else
                {
                    refused++;
                }
            }
            catch (Exception e)
            {
                failures.Add($"#{i}: {e.GetType().Name}: {e.Message}");
            }

            double ms = clock.Elapsed.TotalMilliseconds;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            maxMs = Math.Max(maxMs, ms);
            maxAllocated = Math.Max(maxAllocated, allocated);
            if (ms > MaxMilliseconds)
            {
                failures.Add($"#{i}: took {ms:N0} ms");
            }

            if (allocated > MaxAllocatedBytes)
            {
                failures.Add($"#{i}: allocated {allocated:N0} bytes");
            }
        }

        return new FuzzReport(target, count, accepted, refused, failures, total.Elapsed.TotalSeconds, maxAllocated, maxMs);
    }

    private static byte[] MutateRecord(List<byte[]> seeds, Random random)
    {
        byte[] data = (byte[])seeds[random.Next(seeds.Count)].Clone();
        switch (random.Next(7))
        {
            case 0: // bit flips
                for (int k = random.Next(1, 9); k > 0; k--)
                {
                    int bit = random.Next(data.Length * 8);
                    data[bit / 8] ^= (byte)(1 << (bit % 8));
                }

                break;
            case 1: // byte edits
                for (int k = random.Next(1, 5); k > 0; k--)
                {
                    data[random.Next(data.Length)] = (byte)random.Next(256);
                }

                break;
            case 2: // truncation
                data = data[..random.Next(data.Length)];
                break;
            case 3: // extension
                byte[] tail = new byte[random.Next(1, 64)];
                random.NextBytes(tail);
                data = [.. data, .. tail];
                break;
            case 4: // header fields: the size varints and flags
                if (data.Length > 4)
                {
                    data[random.Next(1, 4)] = (byte)random.Next(256);
                }

                break;
            case 5: // splice of two records
                byte[] other = seeds[random.Next(seeds.Count)];
                int cut = random.Next(1, data.Length);
                int from = random.Next(other.Length);
                data = [.. data[..cut], .. other[from..]];
                break;
            default: // a random body behind a valid header
                byte[] body = new byte[random.Next(0, 400)];
                random.NextBytes(body);
                data = [.. data[..Math.Min(4, data.Length)], .. body, 0, 0, 0, 0];
                break;
        }

        if (data.Length > 4 && random.Next(2) == 0)
        {
            // Recompute the checksum so the mutation is not simply caught by it.
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(data.Length - 4), Crc32.Compute(data.AsSpan(0, data.Length - 4)));
        }

        return data;
    }

    private static byte[] MutateImage(byte[] seed, Random random)
    {
        byte[] data = (byte[])seed.Clone();
        switch (random.Next(4))
        {
            case 0: // header bytes
                for (int k = random.Next(1, 6); k > 0; k--)
                {
                    data[random.Next(Math.Min(data.Length, 96))] = (byte)random.Next(256);
                }

                break;
            case 1: // anywhere
                for (int k = random.Next(1, 9); k > 0; k--)
                {
                    data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                }

                break;
            case 2: // truncation
                data = data[..random.Next(data.Length)];
                break;
            default: // a 32-bit field in the header set to an extreme
                if (data.Length > 40)
                {
                    int at = random.Next(8, Math.Min(data.Length - 4, 64));
                    uint value = random.Next(3) switch { 0 => 0xFFFFFFFF, 1 => 0x7FFFFFFF, _ => (uint)random.Next() };
                    BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(at), value);
                }

                break;
        }

        return data;
    }

    private static List<byte[]> SeedRecords()
    {
        var seeds = new List<byte[]>();
        string[] captions = ["a red barn in a snowy field", "宇航员 🚀", "nul \0 inside", new string('x', 300)];
        int[][] sizes = [[768, 512], [512, 768], [64, 48], [1, 1], [333, 77]];
        int n = 0;
        foreach (int[] size in sizes)
        {
            RgbImage image = Scene(size[0], size[1], n);
            foreach (TextSketchMode mode in new[] { TextSketchMode.TextSketch, TextSketchMode.Text })
            {
                string caption = captions[n++ % captions.Length];
                ImageAnalysis analysis = TextSketchEncoder.Analyse(image, caption, CaptionSource.Explicit, EncoderOptions.Default);
                TskRecord record = RateControl.Code(analysis, mode, null, 16);
                seeds.Add(record.Bytes);
                seeds.Add(TskFile.Write(record.Document with { ExplicitSeed = 12345 }).Bytes);
            }
        }

        // Version-1 records (colour hint, no layer): only their committed copies exist, since writers write version 2.
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string fixtures = Path.Combine(folder.FullName, "tests", "TextSketch.Core.Tests", "Format", "Fixtures");
            if (Directory.Exists(fixtures))
            {
                seeds.AddRange(Directory.GetFiles(fixtures, "v1-*.tsk").Order(StringComparer.Ordinal).Select(File.ReadAllBytes));
                break;
            }
        }

        return seeds;
    }

    private static List<byte[]> SeedImages()
    {
        RgbImage scene = Scene(48, 32, 7);
        using Image<Rgb24> image = Image.LoadPixelData<Rgb24>(scene.Pixels, scene.Width, scene.Height);
        var seeds = new List<byte[]>();
        foreach (Action<Stream> save in new Action<Stream>[]
        {
            s => image.SaveAsPng(s), s => image.SaveAsJpeg(s), s => image.SaveAsBmp(s), s => image.SaveAsGif(s),
            s => image.SaveAsWebp(s), s => image.SaveAsTiff(s), s => image.SaveAsTga(s),
        })
        {
            using var buffer = new MemoryStream();
            save(buffer);
            seeds.Add(buffer.ToArray());
        }

        return seeds;
    }

    private static RgbImage Scene(int width, int height, int seed)
    {
        var random = new Random(seed);
        var image = new RgbImage(width, height);
        int cx = random.Next(width), cy = random.Next(height), r = Math.Max(1, Math.Min(width, height) / 3);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                bool disc = (x - cx) * (x - cx) + (y - cy) * (y - cy) < r * r;
                image.Set(x, y, (byte)(disc ? 230 : 40 + 150 * y / height), (byte)(disc ? 120 : 90), (byte)(disc ? 40 : 200 - 100 * y / height));
            }
        }

        return image;
    }
}
