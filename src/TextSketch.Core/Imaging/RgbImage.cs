namespace TextSketch.Core.Imaging;

/// <summary>An 8-bit RGB raster, row-major, 3 bytes per pixel. The codec's own image type: stages after
/// <see cref="ImageReader"/> never see an imaging library's types.</summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height)
        : this(width, height, new byte[checked(width * height * 3)])
    {
    }

    public RgbImage(int width, int height, byte[] pixels)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"An image of {width}x{height} is empty.");
        }

        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != (long)width * height * 3)
        {
            throw new ArgumentException("Pixel buffer does not match the dimensions.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>R, G, B bytes per pixel, row-major.</summary>
    public byte[] Pixels { get; }

    public (byte R, byte G, byte B) this[int x, int y]
    {
        get
        {
            int i = (y * Width + x) * 3;
            return (Pixels[i], Pixels[i + 1], Pixels[i + 2]);
        }
    }

    public void Set(int x, int y, byte r, byte g, byte b)
    {
        int i = (y * Width + x) * 3;
        Pixels[i] = r;
        Pixels[i + 1] = g;
        Pixels[i + 2] = b;
    }
}
