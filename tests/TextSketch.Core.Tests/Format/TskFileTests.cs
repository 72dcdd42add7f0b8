using TextSketch.Core.Caption;
using TextSketch.Core.Coding.ColorLayer;
using TextSketch.Core.Color;
using TextSketch.Core.Decoding.Paint;
using TextSketch.Core.Decoding.Preview;
using TextSketch.Core.Format;
using TextSketch.Core.Sketch;
using TextSketch.Core.Tests.Coding;
using TextSketch.Core.Tests.Support;

namespace TextSketch.Core.Tests.Format;

public class TskFileTests
{
    private static TskDocument Sketchy(int width = 768, int height = 512, string? caption = "a red barn in a snowy field")
    {
        int divisor = SketchGeometry.ChooseDivisor(width, height, 192 * 128);
        (int w, int h) = SketchGeometry.Size(width, height, divisor);
        return new TskDocument
        {
            Width = width,
            Height = height,
            Mode = TextSketchMode.TextSketch,
            Caption = caption,
            CaptionSource = caption is null ? CaptionSource.None : CaptionSource.Explicit,
            ColorLayer = TestLayers.Coded(TestImages.Scene(width, height, 1)),
            Sketch = new SketchLayer(SketchCoderTests.Make("lines", w, h), divisor, 0),
        };
    }

    [Theory]
    [InlineData(768, 512, "a red barn in a snowy field")]
    [InlineData(512, 768, null)]
    [InlineData(1, 1, "x")]
    [InlineData(451, 300, "宇航员 🚀")]
    [InlineData(65535, 3, "wide")]
    public void TextSketchRecordsRoundTrip(int width, int height, string? caption)
    {
        TskDocument document = Sketchy(width, height, caption);
        TskRecord written = TskFile.Write(document);
        TskRecord read = TskFile.Read(written.Bytes, "test.tsk");

        Assert.Equal(document.Width, read.Document.Width);
        Assert.Equal(document.Height, read.Document.Height);
        Assert.Equal(document.Mode, read.Document.Mode);
        Assert.Equal(document.Caption, read.Document.Caption);
        Assert.Equal(document.CaptionSource, read.Document.CaptionSource);
        Assert.True(read.Document.ColorLayer!.SameAs(document.ColorLayer!));
        Assert.Equal(2, read.Document.Version);
        Assert.Equal(document.Sketch!.Bitmap, read.Document.Sketch!.Bitmap);
        Assert.Equal(document.Sketch.Divisor, read.Document.Sketch.Divisor);
        Assert.Equal(written.SketchBytes, read.SketchBytes);
        Assert.Equal(written.Rate, read.Rate);
        Assert.Equal(written.Seed, read.Seed);
        // Writing what was read gives the very same bytes.
        Assert.Equal(written.Bytes, TskFile.Write(read.Document).Bytes);
    }

    [Fact]
    public void RateBreakdownSumsToTheRecordSize()
    {
        TskRecord record = TskFile.Write(Sketchy());
        RateBreakdown rate = record.Rate;
        Assert.Equal(record.Bytes.Length, rate.TotalBytes);
        Assert.Equal(rate.TotalBytes * 8, rate.HeaderBits + rate.CaptionBits + rate.SketchBits + rate.ColorBits);
        // The sketch shares the record's stream; coded alone (SketchBytes) it costs the same give or take its own ending.
        Assert.InRange(rate.SketchBits, record.SketchBytes.Length * 8 - 16, record.SketchBytes.Length * 8 + 2);
        Assert.True(rate.CaptionBits > 0 && rate.ColorBits > 0 && rate.HeaderBits > 0);
    }

    [Fact]
    public void A768x512RecordSpendsEightBytesOutsideItsStream()
    {
        TskRecord record = TskFile.Write(Sketchy());
        Assert.Equal(0xD4, record.Bytes[0]);
        Assert.Equal((2 << 5) | 7, record.Bytes[1]); // version 2, TextSketch mode, no seed, shift 7
        Assert.Equal(6, record.Bytes[2]);           // 768 >> 7
        Assert.Equal(4, record.Bytes[3]);           // 512 >> 7
        // Header bits: those 4 bytes, the 4-byte CRC, the few flag bits at 15/16 and the stream's ending.
        Assert.InRange(record.Rate.HeaderBits, 64, 64 + 2 + 2 + 16);
    }

    [Fact]
    public void TextModeRecordHasNoSketchAndATinyHeader()
    {
        var document = new TskDocument
        {
            Width = 768,
            Height = 512,
            Mode = TextSketchMode.Text,
            Caption = "a cat",
            CaptionSource = CaptionSource.Metadata,
        };
        TskRecord record = TskFile.Write(document);
        // magic, flags, 768>>7, 512>>7, info stream, CRC-32
        Assert.Equal(0xD4, record.Bytes[0]);
        Assert.Equal((2 << 5) | (1 << 4) | 7, record.Bytes[1]);
        Assert.Equal(6, record.Bytes[2]);
        Assert.Equal(4, record.Bytes[3]);
        Assert.Empty(record.SketchBytes);
        TskRecord read = TskFile.Read(record.Bytes, "t.tsk");
        Assert.Null(read.Document.Sketch);
        Assert.Equal("a cat", read.Document.Caption);
        Assert.Equal(CaptionSource.Metadata, read.Document.CaptionSource);
        Assert.Equal(0, read.SketchWidth);
    }

    [Fact]
    public void SeedIsDerivedFromTheChecksumUnlessExplicit()
    {
        TskRecord derived = TskFile.Write(Sketchy());
        uint crc = BitConverter.ToUInt32(derived.Bytes, derived.Bytes.Length - 4);
        Assert.Equal((int)(crc & 0x7FFFFFFF), derived.Seed);

        TskRecord explicitSeed = TskFile.Write(Sketchy() with { ExplicitSeed = 123456 });
        Assert.Equal(123456, explicitSeed.Seed);
        Assert.Equal(123456, TskFile.Read(explicitSeed.Bytes, "s.tsk").Seed);
    }

    [Fact]
    public void InconsistentDocumentsAreRefusedByTheWriter()
    {
        Assert.Throws<ArgumentException>(() => TskFile.Write(Sketchy() with { Sketch = null }));
        Assert.Throws<ArgumentException>(() => TskFile.Write(Sketchy() with { CaptionSource = CaptionSource.None }));
        Assert.Throws<ArgumentException>(() => TskFile.Write(Sketchy() with { Caption = string.Empty }));
        Assert.Throws<ArgumentException>(() => TskFile.Write(Sketchy() with { Width = 0 }));
        Assert.Throws<ArgumentException>(() => TskFile.Write(Sketchy() with { Width = 70_000 }));
        Assert.Throws<ArgumentException>(() => TskFile.Write(Sketchy() with { ExplicitSeed = -1 }));
    }

    [Fact]
    public void EmptyAndForeignFilesAreNotRecords()
    {
        Assert.Equal(TskFormatError.NotTsk, Assert.Throws<TskFormatException>(() => TskFile.Read([], "e.tsk")).Error);
        TskFormatException png = Assert.Throws<TskFormatException>(() => TskFile.Read([0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 0, 0], "p.tsk"));
        Assert.Equal(TskFormatError.NotTsk, png.Error);
        Assert.Equal("TskNotARecord", png.ErrorId);
        Assert.Contains("p.tsk", png.Message);
    }

    [Fact]
    public void UnknownMajorVersionIsRefusedByName()
    {
        byte[] bytes = TskFile.Write(Sketchy()).Bytes;
        foreach (int major in new[] { 0, 3, 7 })
        {
            bytes[1] = (byte)((major << 5) | (bytes[1] & 0x1F));
            TskFormatException e = Assert.Throws<TskFormatException>(() => TskFile.Read(bytes, "future.tsk"));
            Assert.Equal(TskFormatError.UnsupportedVersion, e.Error);
            Assert.Contains($"version {major}", e.Message);
            Assert.Contains("versions 1 and 2", e.Message);
            Assert.Contains("future.tsk", e.Message);
        }
    }

    [Fact]
    public void EveryTruncationIsRefused()
    {
        byte[] bytes = TskFile.Write(Sketchy()).Bytes;
        for (int length = 0; length < bytes.Length; length++)
        {
            TskFormatException e = Assert.Throws<TskFormatException>(() => TskFile.Read(bytes[..length], "cut.tsk"));
            Assert.True(e.Error is TskFormatError.Truncated or TskFormatError.ChecksumMismatch or TskFormatError.NotTsk,
                $"length {length}: {e.Error}");
            Assert.Contains(e.Error == TskFormatError.ChecksumMismatch ? "corrupt or truncated" : "", e.Message);
        }

        Assert.Equal(TskFormatError.Truncated, Assert.Throws<TskFormatException>(() => TskFile.Read(bytes[..5], "cut.tsk")).Error);
    }

    [Fact]
    public void EveryBitFlipIsCaughtByTheChecksum()
    {
        byte[] bytes = TskFile.Write(Sketchy()).Bytes;
        for (int bit = 8 * 2; bit < bytes.Length * 8; bit++)
        {
            byte[] flipped = (byte[])bytes.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            TskFormatException e = Assert.Throws<TskFormatException>(() => TskFile.Read(flipped, "flip.tsk"));
            Assert.True(e.Error is TskFormatError.ChecksumMismatch or TskFormatError.Truncated, $"bit {bit}: {e.Error}");
        }
    }

    [Fact]
    public void GarbageWithAValidChecksumIsMalformedOrValidNeverACrash()
    {
        var random = new Random(42);
        for (int i = 0; i < 2000; i++)
        {
            var body = new byte[random.Next(2, 80)];
            random.NextBytes(body);
            body[0] = TskFile.Magic;
            body[1] = (byte)(((1 + (i % 2)) << 5) | (body[1] & 0x1F)); // both versions
            byte[] bytes = [.. body, .. BitConverter.GetBytes(Crc32.Compute(body))];
            try
            {
                TskFile.Read(bytes, "g.tsk");
            }
            catch (TskFormatException e)
            {
                Assert.True(e.Error is TskFormatError.Malformed or TskFormatError.Truncated, e.Message);
            }
        }
    }

    [Fact]
    public void InconsistentColourIsRefusedByTheWriter()
    {
        // A version-2 record has no colour hint, a version-1 record no colour layer, and a layer fits its image.
        Assert.Throws<ArgumentException>(() => TskFile.Write(Sketchy() with { Color = ColorHint.Extract(TestImages.Scene(768, 512, 1)) }));
        Assert.Throws<ArgumentException>(() => TskFile.Write(Sketchy() with { Version = 1 }));
        Assert.Throws<ArgumentException>(() => TskFile.Write(Sketchy() with { Version = 3 }));
        Assert.Throws<ArgumentException>(() => TskFile.Write(Sketchy() with { ColorLayer = TestLayers.Coded(TestImages.Scene(512, 768, 1)) }));
        // A layer that was made rather than coded has no code to write.
        LayerReconstruction made = TskFile.Write(Sketchy()).Document.ColorLayer!;
        Assert.Throws<ArgumentException>(() => ColorLayerCoder.Write(new TextSketch.Core.Coding.RangeEncoder(), LayerPlanesOnly(made)));
    }

    /// <summary>The v2 bit stream of a record is pinned: header, caption, colour layer, sketch and trailer in one
    /// range-coded stream. Any change here is a format change (docs/format.md) and must be deliberate.</summary>
    [Fact]
    public void AVersionTwoRecordIsPinned()
    {
        TskRecord record = TskFile.Write(Sketchy(101, 67, "a small scene"));
        Assert.Equal(TskFile.Magic, record.Bytes[0]);
        Assert.Equal((2 << 5) | 0, record.Bytes[1]); // version 2, TextSketch, no seed, shift 0 (101 is odd)
        Assert.Equal((PinnedV2Length, PinnedV2Crc), (record.Bytes.Length, Crc32.Compute(record.Bytes)));
        TskRecord read = TskFile.Read(record.Bytes, "pinned.tsk");
        Assert.Equal(record.Rate, read.Rate);
        Assert.Equal(2, read.Document.ColorLayer!.Geometry.SizeIndex);
        Assert.True(read.Rate.ColorBits > 0);
    }

    public static TheoryData<string, string> VersionOneFixtures() => new()
    {
        // Written by the version-1 writer (samples/*.jpg with the default settings of that time); the digests are
        // SHA-256 of the Preview decoder's pixels then.
        { "v1-chelsea", "784AE8532593C9C38C7923AEF4FE4AB02BC6557A9BBB29C0F6495B39C0943C72" },
        { "v1-rocket-caption", "33D868355C4078A92EE61F3BA80A083C929622E49AFE6FB1C84DAAE6CDEA0C44" },
        { "v1-coffee-text", "326B25EDF9EA11F6A95726A5F6CFD2EDA95F6933D082A6617E37C7F93D6F61EB" },
        { "v1-astronaut-101x67", "F114C5254A944411689339A1186D9877C616D02D0E1F93375E41F2E56A959F6F" },
    };

    [Theory]
    [MemberData(nameof(VersionOneFixtures))]
    public void VersionOneRecordsReadWriteBackAndDecodeAsBefore(string name, string previewDigest)
    {
        byte[] bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Format", "Fixtures", name + ".tsk"));
        TskRecord read = TskFile.Read(bytes, name + ".tsk");
        TskDocument document = read.Document;
        Assert.Equal(1, document.Version);
        Assert.Null(document.ColorLayer);
        Assert.Equal(document.Mode == TextSketchMode.TextSketch, document.Color is not null);
        Assert.Equal(document.Color is not null, document.HasColorLayer);
        // Written back as it was: version 1, the very same bytes.
        Assert.Equal(bytes, TskFile.Write(document).Bytes);
        // Preview keeps the old look pixel for pixel.
        Assert.Equal(previewDigest, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(PreviewRenderer.Render(document).Pixels)));

        // Paint takes the hint as the colour layer's smallest setting: its cells' colours, kept on average.
        LayerPlanes? layer = PaintDecoder.LayerOf(document);
        if (document.Color is not { } hint)
        {
            Assert.Null(layer);
            return;
        }

        Assert.Equal(0, layer!.Geometry.SizeIndex);
        Assert.Equal((hint.Columns, hint.Rows), (layer.Geometry.LumaWidth, layer.Geometry.LumaHeight));
        RgbImageMeans(PaintDecoder.Decode(document.Width, document.Height, layer, document.Sketch!.Bitmap), layer);
    }

    /// <summary>Each cell of the decoded picture has (nearly) the layer's mean colour.</summary>
    private static void RgbImageMeans(TextSketch.Core.Imaging.RgbImage decoded, LayerPlanes layer)
    {
        float[][] planes = YCoCg.ToPlanes(decoded);
        float[] means = layer.Geometry.Luma.BoxAverage(planes[0]);
        for (int k = 0; k < means.Length; k++)
        {
            Assert.InRange(means[k] - layer.Luma[k], -6, 6); // the data term keeps means, the edges bend them a little
        }
    }

    private static LayerReconstruction LayerPlanesOnly(LayerReconstruction coded) =>
        new(coded.Geometry, coded.Quantiser, coded.Luma, coded.OrangeChroma, coded.GreenChroma);

    private const int PinnedV2Length = 113;
    private const uint PinnedV2Crc = 558161692;
}
