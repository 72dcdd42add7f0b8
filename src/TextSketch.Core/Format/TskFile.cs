using System.Buffers.Binary;
using TextSketch.Core.Caption;
using TextSketch.Core.Coding;
using TextSketch.Core.Color;
using TextSketch.Core.Sketch;

namespace TextSketch.Core.Format;

/// <summary>
/// The .tsk byte layout, version 1 (docs/format.md is the specification):
/// <code>
/// magic 0xD4 | major(3) text(1) seed(1) shift(3) | varint W>>shift | varint H>>shift | [varint seed]
///   | [varint infoLength]  (TextSketch mode) | info stream | [sketch stream] | CRC-32 (LE)
/// </code>
/// The info stream (range coded) holds caption source, caption, colour hint and the sketch parameters; the
/// sketch stream (range coded, its own bytes) runs to the checksum.
/// </summary>
public static class TskFile
{
    public const byte Magic = 0xD4;
    public const int MajorVersion = 1;
    public const int MaxDimension = 65535;
    public const int MaxSketchPixels = 1 << 22;

    /// <summary>Records are a few hundred bytes; anything far larger is not one of ours.</summary>
    public const int MaxRecordBytes = 1 << 24;

    private const int ChecksumBytes = 4;

    public static TskRecord Write(TskDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        Validate(document);

        var info = new RangeEncoder();
        info.EncodeDirect((uint)document.CaptionSource, 2);
        double captionBits = 0;
        if (document.Caption is not null)
        {
            ICaptionCoder coder = CaptionCoders.Choose(document.Caption);
            EncodeSmall(info, (uint)coder.Id);
            double start = info.Bits;
            coder.Encode(document.Caption, info);
            captionBits = info.Bits - start;
        }

        info.EncodeDirect(document.Color is null ? 0u : 1u, 1);
        double colorBits = 0;
        if (document.Color is not null)
        {
            double start = info.Bits;
            document.Color.Encode(info);
            colorBits = info.Bits - start;
        }

        byte[] sketchBytes = [];
        if (document.Sketch is { } sketch)
        {
            EncodeSmall(info, (uint)sketch.CoderId);
            EncodeSmall(info, (uint)(sketch.Divisor - 1));
            ISketchCoder coder = SketchCoders.Find(sketch.CoderId)
                ?? throw new ArgumentException($"Unknown sketch coder {sketch.CoderId}.", nameof(document));
            var stream = new RangeEncoder();
            coder.Encode(sketch.Bitmap, stream);
            sketchBytes = stream.Finish();
        }

        byte[] infoBytes = info.Finish();

        int shift = DimensionShift(document.Width, document.Height);
        var output = new List<byte>(32 + infoBytes.Length + sketchBytes.Length)
        {
            Magic,
            (byte)((MajorVersion << 5) | ((int)document.Mode << 4) | (document.ExplicitSeed is null ? 0 : 1 << 3) | shift),
        };
        VarInt.Write(output, (uint)(document.Width >> shift));
        VarInt.Write(output, (uint)(document.Height >> shift));
        if (document.ExplicitSeed is int explicitSeed)
        {
            VarInt.Write(output, (uint)explicitSeed);
        }

        if (document.Mode == TextSketchMode.TextSketch)
        {
            VarInt.Write(output, (uint)infoBytes.Length);
        }

        output.AddRange(infoBytes);
        output.AddRange(sketchBytes);
        uint crc = Crc32.Compute(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(output));
        Span<byte> crcBytes = stackalloc byte[ChecksumBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(crcBytes, crc);
        output.AddRange(crcBytes.ToArray());

        byte[] bytes = output.ToArray();
        return new TskRecord(document, bytes, sketchBytes, Rate(bytes.Length, captionBits, colorBits, sketchBytes.Length), Seed(document, crc));
    }

    /// <summary>Reads a record; <paramref name="name"/> (usually the file path) labels errors.</summary>
    public static TskRecord Read(byte[] data, string name)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length == 0)
        {
            throw new TskFormatException(TskFormatError.NotTsk, name, "the file is empty.");
        }

        if (data[0] != Magic)
        {
            throw new TskFormatException(TskFormatError.NotTsk, name, $"not a TextSketch record (first byte 0x{data[0]:X2}, expected 0x{Magic:X2}).");
        }

        if (data.Length < 2)
        {
            throw new TskFormatException(TskFormatError.Truncated, name, "truncated: the file ends inside the header.");
        }

        int major = data[1] >> 5;
        if (major != MajorVersion)
        {
            throw new TskFormatException(TskFormatError.UnsupportedVersion, name,
                $"format version {major} is not supported (this TextSketch reads version {MajorVersion}); update the TextSketch module.");
        }

        var mode = (TextSketchMode)((data[1] >> 4) & 1);
        bool hasSeed = (data[1] & 0x08) != 0;
        int shift = data[1] & 0x07;

        // The smallest record is magic, flags, two one-byte sizes and the checksum.
        const int MinimumLength = 4 + ChecksumBytes;
        if (data.Length < MinimumLength)
        {
            throw new TskFormatException(TskFormatError.Truncated, name, $"truncated: {data.Length} bytes is shorter than any record.");
        }

        int bodyEnd = data.Length - ChecksumBytes;
        uint storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(bodyEnd));
        uint crc = Crc32.Compute(data.AsSpan(0, bodyEnd));
        bool checksumMatches = crc == storedCrc;

        if (!TryReadHeaderFields(data, bodyEnd, hasSeed, mode, out HeaderFields header))
        {
            // Without a matching checksum, a header that runs past the end is a cut-off file; with one, it is a bad writer.
            throw checksumMatches
                ? new TskFormatException(TskFormatError.Malformed, name, "the header's fields run past the end of the record.")
                : new TskFormatException(TskFormatError.Truncated, name, $"truncated: the header declares more bytes than the file's {data.Length}.");
        }

        if (!checksumMatches)
        {
            throw new TskFormatException(TskFormatError.ChecksumMismatch, name,
                $"checksum mismatch (stored CRC-32 0x{storedCrc:X8}, computed 0x{crc:X8}): the file is corrupt or truncated.");
        }

        (uint scaledWidth, uint scaledHeight, uint seedValue, uint infoLength, int position) = header;
        long width = (long)scaledWidth << shift;
        long height = (long)scaledHeight << shift;
        if (width < 1 || height < 1 || width > MaxDimension || height > MaxDimension)
        {
            throw new TskFormatException(TskFormatError.Malformed, name, $"image size {width}x{height} is outside 1..{MaxDimension}.");
        }

        if (hasSeed && seedValue > int.MaxValue)
        {
            throw new TskFormatException(TskFormatError.Malformed, name, "the seed is out of range.");
        }

        int infoEnd = mode == TextSketchMode.TextSketch ? position + (int)infoLength : bodyEnd;
        try
        {
            return Decode(data, name, mode, (int)width, (int)height, hasSeed ? (int)seedValue : null, position, infoEnd, bodyEnd, crc);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or OverflowException)
        {
            throw new TskFormatException(TskFormatError.Malformed, name, $"the content is malformed ({e.Message}).", e);
        }
    }

    private static TskRecord Decode(byte[] data, string name, TextSketchMode mode, int width, int height, int? seed,
        int infoStart, int infoEnd, int bodyEnd, uint crc)
    {
        var info = new RangeDecoder(data, infoStart, infoEnd - infoStart);
        var source = (CaptionSource)info.DecodeDirect(2);
        string? caption = null;
        double captionBits = 0;
        if (source != CaptionSource.None)
        {
            int coderId = (int)DecodeSmall(info, 255);
            ICaptionCoder coder = CaptionCoders.Find(coderId)
                ?? throw new InvalidDataException($"unknown caption coder {coderId}");
            double start = info.Bits;
            caption = coder.Decode(info);
            captionBits = info.Bits - start;
        }

        ColorHint? color = null;
        double colorBits = 0;
        if (info.DecodeDirect(1) == 1)
        {
            double start = info.Bits;
            color = ColorHint.Decode(info, width, height);
            colorBits = info.Bits - start;
        }

        SketchLayer? sketch = null;
        byte[] sketchBytes = [];
        if (mode == TextSketchMode.TextSketch)
        {
            int coderId = (int)DecodeSmall(info, 255);
            int divisor = (int)DecodeSmall(info, SketchGeometry.MaxDivisor - 1) + 1;
            ISketchCoder coder = SketchCoders.Find(coderId)
                ?? throw new InvalidDataException($"unknown sketch coder {coderId}");
            (int sketchWidth, int sketchHeight) = SketchGeometry.Size(width, height, divisor);
            if ((long)sketchWidth * sketchHeight > MaxSketchPixels)
            {
                throw new InvalidDataException($"a {sketchWidth}x{sketchHeight} sketch exceeds {MaxSketchPixels} pixels");
            }

            sketchBytes = data[infoEnd..bodyEnd];
            BitPlane bitmap = coder.Decode(new RangeDecoder(sketchBytes), sketchWidth, sketchHeight);
            sketch = new SketchLayer(bitmap, divisor, coderId);
        }

        var document = new TskDocument
        {
            Width = width,
            Height = height,
            Mode = mode,
            Caption = caption,
            CaptionSource = source,
            Color = color,
            Sketch = sketch,
            ExplicitSeed = seed,
        };
        return new TskRecord(document, data, sketchBytes, Rate(data.Length, captionBits, colorBits, sketchBytes.Length), Seed(document, crc));
    }

    private static void Validate(TskDocument d)
    {
        if (d.Width < 1 || d.Height < 1 || d.Width > MaxDimension || d.Height > MaxDimension)
        {
            throw new ArgumentException($"Image size {d.Width}x{d.Height} is outside 1..{MaxDimension}.");
        }

        if ((d.Caption is null) != (d.CaptionSource == CaptionSource.None))
        {
            throw new ArgumentException("A record has a caption exactly when its caption source is not None.");
        }

        if (d.Caption is { Length: 0 })
        {
            throw new ArgumentException("An empty caption is stored as no caption.");
        }

        if ((d.Mode == TextSketchMode.TextSketch) != (d.Sketch is not null))
        {
            throw new ArgumentException("A TextSketch-mode record has a sketch; a Text-mode record has none.");
        }

        if (d.ExplicitSeed is < 0)
        {
            throw new ArgumentException("A seed is a non-negative 31-bit integer.");
        }

        if (d.Sketch is { } s)
        {
            (int w, int h) = SketchGeometry.Size(d.Width, d.Height, s.Divisor);
            if (s.Bitmap.Width != w || s.Bitmap.Height != h)
            {
                throw new ArgumentException($"A divisor of {s.Divisor} makes a {w}x{h} sketch, not {s.Bitmap.Width}x{s.Bitmap.Height}.");
            }

            if ((long)w * h > MaxSketchPixels)
            {
                throw new ArgumentException($"A {w}x{h} sketch exceeds {MaxSketchPixels} pixels.");
            }
        }

        if (d.Color is { } c)
        {
            (int columns, int rows) = ColorHint.GridFor(d.Width, d.Height);
            if (c.Columns != Math.Min(columns, d.Width) || c.Rows != Math.Min(rows, d.Height))
            {
                throw new ArgumentException("The colour grid does not fit the image size.");
            }
        }
    }

    private static RateBreakdown Rate(int totalBytes, double captionBits, double colorBits, int sketchBytes)
    {
        int caption = (int)Math.Round(captionBits);
        int color = (int)Math.Round(colorBits);
        int sketch = sketchBytes * 8;
        return new RateBreakdown(totalBytes, totalBytes * 8 - caption - color - sketch, caption, sketch, color);
    }

    private static int Seed(TskDocument document, uint crc) => document.ExplicitSeed ?? (int)(crc & 0x7FFFFFFF);

    /// <summary>Largest power of two (up to 2^7) dividing both sides: 768x512 costs one byte per side.</summary>
    private static int DimensionShift(int width, int height)
    {
        int shift = 0;
        while (shift < 7 && ((width | height) & (1 << shift)) == 0)
        {
            shift++;
        }

        return shift;
    }

    /// <summary>Small non-negative integers as Elias-gamma at p = 1/2 (0 costs one bit).</summary>
    private static void EncodeSmall(RangeEncoder encoder, uint value)
    {
        ulong v = (ulong)value + 1;
        int length = 63 - System.Numerics.BitOperations.LeadingZeroCount(v);
        encoder.EncodeDirect(0, length);
        encoder.EncodeDirect((uint)v, length + 1);
    }

    private static uint DecodeSmall(RangeDecoder decoder, uint maxValue)
    {
        int length = 0;
        while (decoder.DecodeDirect(1) == 0)
        {
            if (++length > 31)
            {
                throw new InvalidDataException("a small integer field is too long");
            }
        }

        ulong v = 1;
        for (int i = 0; i < length; i++)
        {
            v = (v << 1) | decoder.DecodeDirect(1);
        }

        ulong value = v - 1;
        if (value > maxValue)
        {
            throw new InvalidDataException($"a field value ({value}) exceeds its limit ({maxValue})");
        }

        return (uint)value;
    }

    private readonly record struct HeaderFields(uint ScaledWidth, uint ScaledHeight, uint Seed, uint InfoLength, int BodyStart);

    private static bool TryReadHeaderFields(byte[] data, int bodyEnd, bool hasSeed, TextSketchMode mode, out HeaderFields fields)
    {
        fields = default;
        int position = 2;
        uint seed = 0;
        uint infoLength = 0;
        if (!VarInt.TryRead(data, ref position, bodyEnd, out uint width)
            || !VarInt.TryRead(data, ref position, bodyEnd, out uint height)
            || (hasSeed && !VarInt.TryRead(data, ref position, bodyEnd, out seed))
            || (mode == TextSketchMode.TextSketch && !VarInt.TryRead(data, ref position, bodyEnd, out infoLength))
            || infoLength > bodyEnd - position)
        {
            return false;
        }

        fields = new HeaderFields(width, height, seed, infoLength, position);
        return true;
    }
}
