using System.Buffers.Binary;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Tests.Support;

namespace TextSketch.Core.Tests.Imaging;

public class ImageReaderTests
{
    [Fact]
    public void ReadsPixelsExactlyFromPng()
    {
        using var folder = new TempFolder();
        RgbImage original = TestImages.Scene(37, 21, 5);
        TestImages.Save(original, folder.File("s.png"));
        RgbImage read = ImageReader.Read(folder.File("s.png"));
        Assert.Equal(original.Pixels, read.Pixels);
    }

    [Fact]
    public void AppliesExifOrientation()
    {
        using var folder = new TempFolder();
        using (var image = new Image<Rgb24>(40, 20, new Rgb24(10, 20, 30)))
        {
            image[0, 0] = new Rgb24(255, 0, 0);
            image.Metadata.ExifProfile = new ExifProfile();
            image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6); // rotate 90 degrees clockwise to display
            image.SaveAsPng(folder.File("rotated.png"));
        }

        RgbImage read = ImageReader.Read(folder.File("rotated.png"));
        Assert.Equal(20, read.Width);
        Assert.Equal(40, read.Height);
        Assert.Equal((255, 0, 0), ((int)read[19, 0].R, (int)read[19, 0].G, (int)read[19, 0].B));
    }

    [Fact]
    public void FlattensTransparencyOnWhite()
    {
        using var folder = new TempFolder();
        using (var image = new Image<Rgba32>(2, 1))
        {
            image[0, 0] = new Rgba32(0, 0, 0, 0);
            image[1, 0] = new Rgba32(0, 0, 0, 255);
            image.SaveAsPng(folder.File("alpha.png"));
        }

        RgbImage read = ImageReader.Read(folder.File("alpha.png"));
        Assert.Equal(new byte[] { 255, 255, 255, 0, 0, 0 }, read.Pixels);
    }

    [Fact]
    public void MissingEmptyUnknownAndTruncatedFilesEachGiveTheirError()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.File("empty.jpg"), []);
        File.WriteAllText(folder.File("text.jpg"), "this is not an image at all, just text");
        TestImages.Save(TestImages.Scene(64, 64, 1), folder.File("full.png"));
        byte[] png = File.ReadAllBytes(folder.File("full.png"));
        File.WriteAllBytes(folder.File("cut.png"), png[..(png.Length / 2)]);

        Assert.Equal(ImageReadException.NotFound, Read(folder.File("nope.jpg")).ErrorId);
        Assert.Equal(ImageReadException.Empty, Read(folder.File("empty.jpg")).ErrorId);
        Assert.Equal(ImageReadException.UnknownFormat, Read(folder.File("text.jpg")).ErrorId);
        ImageReadException cut = Read(folder.File("cut.png"));
        Assert.Equal(ImageReadException.Corrupt, cut.ErrorId);
        Assert.Contains("cut.png", cut.Message);
    }

    [Fact]
    public void DecompressionBombIsRefusedFromTheHeader()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.File("bomb.png"), PngHeaderClaiming(60_000, 60_000));
        ImageReadException e = Read(folder.File("bomb.png"));
        Assert.Equal(ImageReadException.TooLarge, e.ErrorId);
        Assert.Contains("60000x60000", e.Message);
    }

    [Fact]
    public void PixelLimitIsConfigurable()
    {
        using var folder = new TempFolder();
        TestImages.Save(TestImages.Scene(100, 100, 1), folder.File("s.png"));
        Assert.Equal(ImageReadException.TooLarge,
            Assert.Throws<ImageReadException>(() => ImageReader.Read(folder.File("s.png"), new ImageReadOptions { MaxPixels = 9_999 })).ErrorId);
        Assert.Equal(100, ImageReader.Read(folder.File("s.png"), new ImageReadOptions { MaxPixels = 10_000 }).Width);
    }

    [Fact]
    public void WriterRoundTripsPngExactlyAndMakesJpegAndWebp()
    {
        RgbImage image = TestImages.Scene(50, 30, 2);
        using var png = new MemoryStream(ImageWriter.Encode(image, ImageFileFormat.Png));
        Assert.Equal(image.Pixels, ImageReader.Read(png, "x.png").Pixels);
        foreach (ImageFileFormat format in new[] { ImageFileFormat.Jpeg, ImageFileFormat.Webp })
        {
            using var lossy = new MemoryStream(ImageWriter.Encode(image, format));
            RgbImage back = ImageReader.Read(lossy, "x");
            Assert.Equal((50, 30), (back.Width, back.Height));
        }
    }

    private static ImageReadException Read(string path) => Assert.Throws<ImageReadException>(() => ImageReader.Read(path));

    /// <summary>A PNG signature and an IHDR chunk (with a correct CRC) declaring the given size, and nothing else.</summary>
    internal static byte[] PngHeaderClaiming(int width, int height)
    {
        var ihdr = new byte[17];
        "IHDR"u8.CopyTo(ihdr);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(8), height);
        ihdr[12] = 8; // bit depth
        ihdr[13] = 2; // RGB
        var png = new List<byte> { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 };
        png.AddRange(ihdr);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.Compute(ihdr));
        png.AddRange(crc);
        return png.ToArray();
    }
}

public class TruncationTests
{
    [Theory]
    [InlineData("jpg")]
    [InlineData("bmp")]
    [InlineData("png")]
    public void CutOffFilesAreCorruptNotHalfPictures(string extension)
    {
        using var folder = new TempFolder();
        string whole = folder.File("whole." + extension);
        using (var image = Image.LoadPixelData<Rgb24>(TestImages.Scene(80, 60, 1).Pixels, 80, 60))
        {
            image.Save(whole);
        }

        Assert.Equal(80, ImageReader.Read(whole).Width);
        byte[] bytes = File.ReadAllBytes(whole);
        foreach (double fraction in new[] { 0.3, 0.6, 0.9 })
        {
            string cut = folder.File($"cut{fraction}.{extension}");
            File.WriteAllBytes(cut, bytes[..(int)(bytes.Length * fraction)]);
            ImageReadException e = Assert.Throws<ImageReadException>(() => ImageReader.Read(cut));
            Assert.Equal(ImageReadException.Corrupt, e.ErrorId);
        }
    }

    [Fact]
    public void JpegWithTrailingDataAfterTheEndMarkerIsFine()
    {
        using var folder = new TempFolder();
        string path = folder.File("trailer.jpg");
        using (var image = Image.LoadPixelData<Rgb24>(TestImages.Scene(40, 30, 2).Pixels, 40, 30))
        {
            image.SaveAsJpeg(path);
        }

        File.AppendAllText(path, "some vendor trailer");
        Assert.Equal(40, ImageReader.Read(path).Width);
    }
}
