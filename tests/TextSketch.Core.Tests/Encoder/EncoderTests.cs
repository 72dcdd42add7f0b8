using TextSketch.Core.Caption;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Jobs;
using TextSketch.Core.Encoder;
using TextSketch.Core.Decoding;
using TextSketch.Core.Decoding.Preview;
using TextSketch.Core.Tests.Support;

namespace TextSketch.Core.Tests.Encoder;

public class EncoderTests
{
    [Fact]
    public void PhotoRoundTripsThroughTheWholePipeline()
    {
        using var folder = new TempFolder();
        TestImages.Save(TestImages.Scene(768, 512, 3), folder.File("scene.png"));
        TskRecord record = TextSketchEncoder.Encode(folder.File("scene.png"), "a round orange shape over a gradient");

        TskRecord read = TskFile.Read(record.Bytes, "scene.tsk");
        Assert.Equal((768, 512), (read.Document.Width, read.Document.Height));
        Assert.Equal((192, 128), (read.SketchWidth, read.SketchHeight));
        Assert.Equal(CaptionSource.Explicit, read.Document.CaptionSource);
        Assert.True(read.Document.Sketch!.Bitmap.CountSet() > 50);

        RgbImage preview = PreviewRenderer.Render(read.Document);
        Assert.Equal((768, 512), (preview.Width, preview.Height));
        RgbImage sketch = SketchLayerImage.Render(read.Document, "r.tsk");
        Assert.Equal((192, 128), (sketch.Width, sketch.Height));
        for (int i = 0; i < read.Document.Sketch.Bitmap.Bits.Length; i++)
        {
            Assert.Equal(read.Document.Sketch.Bitmap.Bits[i] == 1 ? 0 : 255, sketch.Pixels[3 * i]);
        }
    }

    [Fact]
    public void PreviewFollowsTheColourLayout()
    {
        using var folder = new TempFolder();
        RgbImage half = TestImages.Solid(400, 200, 20, 40, 220);
        for (int y = 0; y < 200; y++)
        {
            for (int x = 200; x < 400; x++)
            {
                half.Set(x, y, 230, 200, 30);
            }
        }

        TestImages.Save(half, folder.File("half.png"));
        RgbImage preview = PreviewRenderer.Render(TextSketchEncoder.Encode(folder.File("half.png"), null).Document);
        (byte r, byte g, byte b) left = preview[20, 100];
        (byte r, byte g, byte b) right = preview[380, 100];
        Assert.True(left.b > left.r + 50 && left.b > left.g + 50, $"left {left}");
        Assert.True(right.r > right.b + 80 && right.g > right.b + 60, $"right {right}");
    }

    [Fact]
    public void TextModeIsCaptionOnly()
    {
        using var folder = new TempFolder();
        TestImages.Save(TestImages.Scene(300, 200, 1), folder.File("s.png"));
        TskRecord record = TextSketchEncoder.Encode(folder.File("s.png"), "a scene", new EncoderOptions { Mode = TextSketchMode.Text });
        Assert.Null(record.Document.Sketch);
        Assert.Null(record.Document.ColorLayer);
        Assert.False(record.Document.HasColorLayer);
        Assert.Equal(0, record.Rate.SketchBits + record.Rate.ColorBits);
        Assert.True(record.Bytes.Length < 20, $"{record.Bytes.Length} bytes");
        RgbImage preview = PreviewRenderer.Render(record.Document);
        Assert.Equal((300, 200), (preview.Width, preview.Height));
    }

    [Fact]
    public void CaptionPrecedenceExplicitThenMetadataThenNone()
    {
        using var folder = new TempFolder();
        TestImages.Save(TestImages.Scene(64, 64, 1), folder.File("plain.png"));
        Assert.Equal(CaptionSource.None, TextSketchEncoder.Encode(folder.File("plain.png"), null).Document.CaptionSource);
        Assert.Equal(CaptionSource.None, TextSketchEncoder.Encode(folder.File("plain.png"), string.Empty).Document.CaptionSource);
        TskDocument explicitDoc = TextSketchEncoder.Encode(folder.File("plain.png"), "given").Document;
        Assert.Equal(("given", CaptionSource.Explicit), (explicitDoc.Caption, explicitDoc.CaptionSource));
    }

    [Fact]
    public void BadCaptionsAreRefused()
    {
        using var folder = new TempFolder();
        TestImages.Save(TestImages.Scene(64, 64, 1), folder.File("p.png"));
        Assert.Equal("CaptionTooLong", Assert.Throws<TextSketchException>(() =>
            TextSketchEncoder.Encode(folder.File("p.png"), new string('a', 5000))).ErrorId);
        Assert.Equal("CaptionInvalid", Assert.Throws<TextSketchException>(() =>
            TextSketchEncoder.Encode(folder.File("p.png"), "lone \uD800 surrogate")).ErrorId);
    }

    [Fact]
    public void BytesDoNotDependOnTheNumberOfThreads()
    {
        using var folder = new TempFolder();
        string[] files = Enumerable.Range(0, 8).Select(i =>
        {
            string path = folder.File($"img{i}.png");
            TestImages.Save(TestImages.Scene(200 + 17 * i, 150 + 9 * i, i), path);
            return path;
        }).ToArray();

        byte[][] serial = Run(files, degree: 1);
        byte[][] parallel = Run(files, degree: 4);
        Assert.Equal(serial, parallel);
    }

    [Fact]
    public void LargeBudgetsDoNotDependOnTheNumberOfThreadsEither()
    {
        // Budgets where the layer is large and fitted to the decoder: still the same bytes on any thread count.
        using var folder = new TempFolder();
        string[] files = Enumerable.Range(0, 4).Select(i =>
        {
            string path = folder.File($"big{i}.png");
            TestImages.Save(TestImages.Scene(384 + 64 * i, 256, 20 + i), path);
            return path;
        }).ToArray();

        var options = EncoderOptions.Default with { MaxBytes = 2500 };
        byte[][] serial = Run(files, degree: 1, options);
        byte[][] parallel = Run(files, degree: 4, options);
        Assert.Equal(serial, parallel);
        Assert.All(serial, bytes => Assert.InRange(bytes.Length, 2300, 2500));
    }

    [Theory]
    [InlineData(16384)]
    [InlineData(9000)]
    [InlineData(2000)]
    public void SixteenKilobyteBudgetsAreMetAndRoundTrip(int budget)
    {
        // A real photo (the repository's sample): its finest layer needs far more than 16 KB, so the budget binds.
        string photo = Path.Combine(TinyPacks.ManifestDirectory, "..", "samples", "coffee.jpg");
        TskRecord record = TextSketchEncoder.Encode(photo, "a cup of coffee", EncoderOptions.Default with { MaxBytes = budget });
        // Within the budget, and using it: the quantiser's steps and the fill leave at most a few per cent.
        Assert.True(record.Bytes.Length <= budget && record.Bytes.Length >= budget * 0.95,
            $"{record.Bytes.Length} B: sketch {record.Rate.SketchBits / 8} B, colour {record.Rate.ColorBits / 8} B, layer {record.Document.ColorLayer} ");
        TskRecord read = TskFile.Read(record.Bytes, "large.tsk");
        Assert.Equal(record.Bytes, TskFile.Write(read.Document).Bytes);
        Assert.True(read.Document.ColorLayer!.SameAs(record.Document.ColorLayer!));
        Assert.Equal(record.Rate, read.Rate);
        Assert.True(read.Rate.ColorBits > read.Rate.SketchBits, $"colour {read.Rate.ColorBits} bits, sketch {read.Rate.SketchBits}");
    }

    private static byte[][] Run(string[] files, int degree, EncoderOptions? options = null)
    {
        using var queue = new OrderedWorkQueue<string, byte[]>((f, ct) => TextSketchEncoder.Encode(f, null, options, ct).Bytes, degree, CancellationToken.None);
        var results = new List<byte[]>();
        foreach (string file in files)
        {
            queue.Enqueue(file);
            results.AddRange(queue.TakeReady());
        }

        results.AddRange(queue.TakeAll());
        return results.ToArray();
    }
}
