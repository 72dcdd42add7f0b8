using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace TextSketch.Core.Imaging;

/// <summary>Encodes <see cref="RgbImage"/> to PNG, JPEG or WebP.</summary>
public static class ImageWriter
{
    public static string Extension(ImageFileFormat format) => format switch
    {
        ImageFileFormat.Png => ".png",
        ImageFileFormat.Jpeg => ".jpg",
        ImageFileFormat.Webp => ".webp",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    public static byte[] Encode(RgbImage image, ImageFileFormat format)
    {
        using var stream = new MemoryStream();
        Write(image, stream, format);
        return stream.ToArray();
    }

    public static void Write(RgbImage image, Stream stream, ImageFileFormat format)
    {
        ArgumentNullException.ThrowIfNull(image);
        using Image<Rgb24> frame = Image.LoadPixelData<Rgb24>(ImageSharpSetup.Configuration, image.Pixels, image.Width, image.Height);
        IImageEncoder encoder = format switch
        {
            // Fixed encoder settings: the same pixels always give the same file.
            ImageFileFormat.Png => new PngEncoder { CompressionLevel = PngCompressionLevel.DefaultCompression, ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit8 },
            ImageFileFormat.Jpeg => new JpegEncoder { Quality = 90 },
            ImageFileFormat.Webp => new WebpEncoder { FileFormat = WebpFileFormatType.Lossy, Quality = 90 },
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
        frame.Save(stream, encoder);
    }
}
