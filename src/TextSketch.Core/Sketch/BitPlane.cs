namespace TextSketch.Core.Sketch;

/// <summary>
/// A binary bitmap, one byte (0 or 1) per pixel, row-major. 1 is an edge ("ink"). This is the sketch exactly as
/// the sketch coders code it.
/// </summary>
public sealed class BitPlane : IEquatable<BitPlane>
{
    /// <summary>Sketch bitmaps are small by design; this bounds what a (corrupt) record can make a decoder allocate.</summary>
    public const int MaxPixels = 16 * 1024 * 1024;

    public BitPlane(int width, int height)
        : this(width, height, new byte[CheckedArea(width, height)])
    {
    }

    public BitPlane(int width, int height, byte[] bits)
    {
        int area = CheckedArea(width, height);
        ArgumentNullException.ThrowIfNull(bits);
        if (bits.Length != area)
        {
            throw new ArgumentException($"Expected {area} pixels, got {bits.Length}.", nameof(bits));
        }

        Width = width;
        Height = height;
        Bits = bits;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Row-major pixels, each 0 or 1.</summary>
    public byte[] Bits { get; }

    public bool this[int x, int y]
    {
        get => Bits[y * Width + x] != 0;
        set => Bits[y * Width + x] = value ? (byte)1 : (byte)0;
    }

    /// <summary>Out-of-range coordinates read as 0 (background), as the coders' templates expect.</summary>
    public int GetOrZero(int x, int y) =>
        (uint)x < (uint)Width && (uint)y < (uint)Height ? Bits[y * Width + x] : 0;

    public int CountSet()
    {
        int count = 0;
        foreach (byte b in Bits)
        {
            count += b;
        }

        return count;
    }

    public BitPlane Clone() => new(Width, Height, (byte[])Bits.Clone());

    public bool Equals(BitPlane? other) =>
        other is not null && other.Width == Width && other.Height == Height && other.Bits.AsSpan().SequenceEqual(Bits);

    public override bool Equals(object? obj) => Equals(obj as BitPlane);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Width);
        hash.Add(Height);
        hash.AddBytes(Bits);
        return hash.ToHashCode();
    }

    private static int CheckedArea(int width, int height)
    {
        if (width < 0 || height < 0 || (long)width * height > MaxPixels)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"A sketch of {width}x{height} is out of range.");
        }

        return width * height;
    }
}
