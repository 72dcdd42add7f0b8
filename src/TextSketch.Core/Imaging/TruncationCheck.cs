using System.Buffers.Binary;

namespace TextSketch.Core.Imaging;

/// <summary>
/// ImageSharp decodes some cut-off files without complaint (a JPEG or BMP missing its tail comes out grey or black
/// at the bottom). An archive must not keep such a half picture silently, so these formats are checked for their
/// end before decoding.
/// </summary>
internal static class TruncationCheck
{
    /// <summary>The reason the file is cut off, or null when it looks complete.</summary>
    public static string? Find(Stream stream, string formatName)
    {
        long start = stream.Position;
        try
        {
            return formatName.ToUpperInvariant() switch
            {
                "JPEG" => JpegReason(stream),
                "BMP" => BmpReason(stream),
                _ => null,
            };
        }
        finally
        {
            stream.Position = start;
        }
    }

    /// <summary>The last scan (SOS, FF DA) must be followed by an end-of-image marker (FF D9). Entropy-coded data
    /// stuffs every FF, so neither marker can appear inside it; an embedded thumbnail's FF D9 comes before the last scan.</summary>
    private static string? JpegReason(Stream stream)
    {
        stream.Position = 0;
        byte[] data = new byte[stream.Length];
        stream.ReadExactly(data);
        int lastScan = -1;
        int lastEnd = -1;
        for (int i = 0; i + 1 < data.Length; i++)
        {
            if (data[i] == 0xFF)
            {
                if (data[i + 1] == 0xDA)
                {
                    lastScan = i;
                }
                else if (data[i + 1] == 0xD9)
                {
                    lastEnd = i;
                }
            }
        }

        if (lastScan < 0)
        {
            return "it has no image data (no start-of-scan marker)";
        }

        return lastEnd > lastScan ? null : "it is truncated (no end-of-image marker after the image data)";
    }

    private static string? BmpReason(Stream stream)
    {
        if (stream.Length < 54)
        {
            return $"it is truncated ({stream.Length} bytes, shorter than a bitmap header)";
        }

        Span<byte> header = stackalloc byte[54];
        stream.Position = 0;
        stream.ReadExactly(header);
        uint declared = BinaryPrimitives.ReadUInt32LittleEndian(header[2..]);
        uint pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(header[10..]);
        int width = BinaryPrimitives.ReadInt32LittleEndian(header[18..]);
        int height = Math.Abs(BinaryPrimitives.ReadInt32LittleEndian(header[22..]));
        int bitsPerPixel = BinaryPrimitives.ReadUInt16LittleEndian(header[28..]);
        uint compression = BinaryPrimitives.ReadUInt32LittleEndian(header[30..]);
        long expected = declared;
        if (compression == 0 && width > 0 && bitsPerPixel is 1 or 4 or 8 or 16 or 24 or 32)
        {
            long rowBytes = ((long)width * bitsPerPixel + 31) / 32 * 4;
            expected = Math.Max(expected, pixelOffset + rowBytes * height);
        }

        return stream.Length < expected ? $"it is truncated ({stream.Length:N0} of {expected:N0} bytes)" : null;
    }
}
