using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace TextSketch.Core.Imaging;

/// <summary>
/// Reads JPEG, PNG, WebP, GIF, BMP, TGA and TIFF files into <see cref="RgbImage"/>: EXIF orientation applied,
/// transparency flattened onto white, the pixel limit enforced from the header before pixels are decoded.
/// </summary>
public static class ImageReader
{
    public static RgbImage Read(string path, ImageReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using FileStream stream = OpenRead(path);
        return Read(stream, path, options);
    }

    /// <summary>Reads from a seekable stream; <paramref name="name"/> only labels errors.</summary>
    public static RgbImage Read(Stream stream, string name, ImageReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= ImageReadOptions.Default;
        if (!stream.CanSeek)
        {
            throw new ArgumentException("The image stream must be seekable.", nameof(stream));
        }

        if (stream.Length == 0)
        {
            throw new ImageReadException(ImageReadException.Empty, name, "the file is empty (0 bytes).");
        }

        Configuration configuration = ImageSharpSetup.Configuration;
        IImageInfo? info;
        IImageFormat? format;
        try
        {
            info = Image.Identify(configuration, stream, out format);
        }
        catch (Exception e) when (e is ImageFormatException or InvalidDataException or EndOfStreamException or NotSupportedException)
        {
            throw new ImageReadException(ImageReadException.Corrupt, name, $"the image header is corrupt or truncated ({e.Message}).", e);
        }

        if (info is null || format is null)
        {
            throw new ImageReadException(ImageReadException.UnknownFormat, name,
                "not a recognised image format (expected JPEG, PNG, WebP, GIF, BMP, TGA or TIFF).");
        }

        if (info.Width <= 0 || info.Height <= 0)
        {
            throw new ImageReadException(ImageReadException.Corrupt, name, $"the header declares an empty image ({info.Width}x{info.Height}).");
        }

        long pixels = (long)info.Width * info.Height;
        if (pixels > options.MaxPixels)
        {
            throw new ImageReadException(ImageReadException.TooLarge, name,
                $"{info.Width}x{info.Height} is {pixels:N0} pixels, over the limit of {options.MaxPixels:N0} " +
                "(raise it with -MaxPixels if the image is genuine).");
        }

        stream.Position = 0;
        if (TruncationCheck.Find(stream, format.Name) is { } truncation)
        {
            throw new ImageReadException(ImageReadException.Corrupt, name, $"the {format.Name} file is corrupt: {truncation}.");
        }

        try
        {
            if (format.Name == "JPEG")
            {
                // JPEG has no alpha: decode straight to RGB.
                using Image<Rgb24> opaque = Image.Load<Rgb24>(configuration, stream);
                opaque.Mutate(x => x.AutoOrient());
                var result = new RgbImage(opaque.Width, opaque.Height);
                opaque.CopyPixelDataTo(result.Pixels);
                return result;
            }

            using Image<Rgba32> image = Image.Load<Rgba32>(configuration, stream);
            image.Mutate(x => x.AutoOrient());
            return FlattenOnWhite(image);
        }
        catch (Exception e) when (e is ImageFormatException or InvalidDataException or EndOfStreamException or NotSupportedException or IndexOutOfRangeException or ArgumentException)
        {
            throw new ImageReadException(ImageReadException.Corrupt, name, $"the {format.Name} data is corrupt or truncated ({e.Message}).", e);
        }
        catch (OutOfMemoryException e)
        {
            throw new ImageReadException(ImageReadException.TooLarge, name, "not enough memory to decode the image.", e);
        }
    }

    private static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ImageReadException(ImageReadException.NotFound, path, "the file does not exist.", e);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new ImageReadException(ImageReadException.Unreadable, path, e.Message, e);
        }
    }

    private static RgbImage FlattenOnWhite(Image<Rgba32> image)
    {
        var result = new RgbImage(image.Width, image.Height);
        byte[] output = result.Pixels;
        image.ProcessPixelRows(accessor =>
        {
            for (int y = 0; y < accessor.Height; y++)
            {
                Span<Rgba32> row = accessor.GetRowSpan(y);
                int o = y * accessor.Width * 3;
                for (int x = 0; x < row.Length; x++, o += 3)
                {
                    Rgba32 p = row[x];
                    if (p.A == 255)
                    {
                        output[o] = p.R;
                        output[o + 1] = p.G;
                        output[o + 2] = p.B;
                    }
                    else
                    {
                        int inverse = 255 - p.A;
                        output[o] = (byte)((p.R * p.A + 255 * inverse + 127) / 255);
                        output[o + 1] = (byte)((p.G * p.A + 255 * inverse + 127) / 255);
                        output[o + 2] = (byte)((p.B * p.A + 255 * inverse + 127) / 255);
                    }
                }
            }
        });
        return result;
    }
}
