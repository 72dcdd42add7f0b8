using TextSketch.Core.Caption;
using TextSketch.Core.Color;
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
            Color = ColorHint.Extract(TestImages.Scene(width, height, 1)),
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
        Assert.Equal(document.Color, read.Document.Color);
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
        Assert.Equal((1 << 5) | 7, record.Bytes[1]); // version 1, TextSketch mode, no seed, shift 7
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
        Assert.Equal((1 << 5) | (1 << 4) | 7, record.Bytes[1]);
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
        bytes[1] = (byte)((2 << 5) | (bytes[1] & 0x1F));
        TskFormatException e = Assert.Throws<TskFormatException>(() => TskFile.Read(bytes, "future.tsk"));
        Assert.Equal(TskFormatError.UnsupportedVersion, e.Error);
        Assert.Contains("version 2", e.Message);
        Assert.Contains("future.tsk", e.Message);
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
            body[1] = (byte)((1 << 5) | (body[1] & 0x1F));
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
}
