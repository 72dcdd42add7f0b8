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
///   | one range-coded stream (caption, colour hint, sketch) | CRC-32 (LE)
/// </code>
/// Fields that nearly always take one value (the default coders, the default sketch size) cost a fraction of a bit
/// each: a 768x512 record spends exactly 8 bytes outside its stream.
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

    /// <summary>P(flag = 1) of the "usual value" flags: 15/16, about a tenth of a bit when true.</summary>
    private const int Usual = 61440;

    /// <summary>The trailer value that says "a sketch model id follows, then the trailer again" (one above the
    /// candidate bits, which were the trailer's only values before).</summary>
    private const uint ExtendedTrailer = CandidateChoice.MaxBits + 1;

    /// <summary>Largest sketch model id a record may hold.</summary>
    private const uint MaxSketchSource = 255;

    /// <summary>The record's bytes. <paramref name="captionCoders"/> must hold the document's caption coder (the
    /// built-in text coders when null).</summary>
    public static TskRecord Write(TskDocument document, CaptionCoders? captionCoders = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        Validate(document);

        var stream = new RangeEncoder();
        stream.EncodeDirect((uint)document.CaptionSource, 2);
        double captionBits = 0;
        if (document.Caption is not null)
        {
            ICaptionCoder coder = CaptionCoderFor(document, captionCoders ?? CaptionCoders.Builtin);
            EncodeUsual(stream, (uint)coder.Id, TextSketchDefaults.CaptionCoder);
            double start = stream.Bits;
            coder.Encode(document.Caption, stream);
            captionBits = stream.Bits - start;
        }

        double colorBits = 0;
        stream.Encode(document.Color is null ? 0 : 1, Usual);
        if (document.Color is not null)
        {
            double start = stream.Bits;
            document.Color.Encode(stream);
            colorBits = stream.Bits - start;
        }

        double sketchBits = 0;
        Func<byte[]> sketchBytes = NoSketch;
        if (document.Sketch is { } sketch)
        {
            ISketchCoder coder = SketchCoders.Find(sketch.CoderId)
                ?? throw new ArgumentException($"Unknown sketch coder {sketch.CoderId}.", nameof(document));
            EncodeUsual(stream, (uint)sketch.CoderId, TextSketchDefaults.SketchCoder);
            EncodeUsual(stream, (uint)sketch.Divisor, DefaultDivisor(document.Width, document.Height));
            double start = stream.Bits;
            coder.Encode(sketch.Bitmap, stream);
            sketchBits = stream.Bits - start;
            sketchBytes = () => CodeAlone(coder, sketch.Bitmap);
        }

        if (document.SketchSource != SketchSource.BuiltIn)
        {
            // The extended trailer (format.md, item 5): records of the built-in detector never carry it, so their
            // bytes are what they were before sketch models were named.
            EncodeUsual(stream, ExtendedTrailer, 0);
            EncodeGamma(stream, (uint)document.SketchSource);
        }

        EncodeUsual(stream, (uint)(document.Candidate?.Bits ?? 0), 0);
        if (document.Candidate is { } candidate)
        {
            stream.EncodeDirect((uint)candidate.Index, candidate.Bits);
        }

        byte[] streamBytes = stream.Finish();
        int shift = DimensionShift(document.Width, document.Height);
        var output = new List<byte>(16 + streamBytes.Length)
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

        output.AddRange(streamBytes);
        uint crc = Crc32.Compute(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(output));
        var crcBytes = new byte[ChecksumBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(crcBytes, crc);
        output.AddRange(crcBytes);

        byte[] bytes = output.ToArray();
        return new TskRecord(document, bytes, sketchBytes, Rate(bytes.Length, captionBits, colorBits, sketchBits), Seed(document, crc));
    }

    /// <summary>Reads a record; <paramref name="name"/> (usually the file path) labels errors. A token-coded caption
    /// needs <paramref name="captionCoders"/> with CLIP's vocabulary (the built-in text coders when null).</summary>
    public static TskRecord Read(byte[] data, string name, CaptionCoders? captionCoders = null)
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

        int position = 2;
        uint seedValue = 0;
        // '&' on purpose: both sizes are read (and assigned) whatever the first gives.
        bool headerComplete = VarInt.TryRead(data, ref position, bodyEnd, out uint scaledWidth)
            & VarInt.TryRead(data, ref position, bodyEnd, out uint scaledHeight)
            && (!hasSeed || VarInt.TryRead(data, ref position, bodyEnd, out seedValue));
        if (!headerComplete)
        {
            // Without a matching checksum, a header that runs past the end is a cut-off file; with one, it is a bad writer.
            throw checksumMatches
                ? new TskFormatException(TskFormatError.Malformed, name, "the header's fields run past the end of the record.")
                : new TskFormatException(TskFormatError.Truncated, name, $"truncated: the header runs past the end of the file's {data.Length} bytes.");
        }

        if (!checksumMatches)
        {
            throw new TskFormatException(TskFormatError.ChecksumMismatch, name,
                $"checksum mismatch (stored CRC-32 0x{storedCrc:X8}, computed 0x{crc:X8}): the file is corrupt or truncated.");
        }

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

        try
        {
            return Decode(data, mode, (int)width, (int)height, hasSeed ? (int)seedValue : null, position, bodyEnd, crc, captionCoders ?? CaptionCoders.Builtin);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or OverflowException)
        {
            throw new TskFormatException(TskFormatError.Malformed, name, $"the content is malformed ({e.Message}).", e);
        }
    }

    private static TskRecord Decode(byte[] data, TextSketchMode mode, int width, int height, int? seed, int streamStart, int bodyEnd, uint crc, CaptionCoders captionCoders)
    {
        var stream = new RangeDecoder(data, streamStart, bodyEnd - streamStart);
        var source = (CaptionSource)stream.DecodeDirect(2);
        string? caption = null;
        int captionCoder = TextSketchDefaults.CaptionCoder;
        double captionBits = 0;
        if (source != CaptionSource.None)
        {
            captionCoder = (int)DecodeUsual(stream, TextSketchDefaults.CaptionCoder, 255);
            ICaptionCoder coder = captionCoders.Find(captionCoder);
            double start = stream.Bits;
            caption = coder.Decode(stream);
            captionBits = stream.Bits - start;
        }

        ColorHint? color = null;
        double colorBits = 0;
        if (stream.Decode(Usual) == 1)
        {
            double start = stream.Bits;
            color = ColorHint.Decode(stream, width, height);
            colorBits = stream.Bits - start;
        }

        SketchLayer? sketch = null;
        double sketchBits = 0;
        Func<byte[]> sketchBytes = NoSketch;
        if (mode == TextSketchMode.TextSketch)
        {
            int coderId = (int)DecodeUsual(stream, TextSketchDefaults.SketchCoder, 255);
            int divisor = (int)DecodeUsual(stream, DefaultDivisor(width, height), SketchGeometry.MaxDivisor);
            ISketchCoder coder = SketchCoders.Find(coderId)
                ?? throw new InvalidDataException($"unknown sketch coder {coderId}");
            if (divisor < 1)
            {
                throw new InvalidDataException("the sketch divisor is 0");
            }

            (int sketchWidth, int sketchHeight) = SketchGeometry.Size(width, height, divisor);
            if ((long)sketchWidth * sketchHeight > MaxSketchPixels)
            {
                throw new InvalidDataException($"a {sketchWidth}x{sketchHeight} sketch exceeds {MaxSketchPixels} pixels");
            }

            double start = stream.Bits;
            BitPlane bitmap = coder.Decode(stream, sketchWidth, sketchHeight);
            sketchBits = stream.Bits - start;
            sketch = new SketchLayer(bitmap, divisor, coderId);
            sketchBytes = () => CodeAlone(coder, bitmap);
        }

        CandidateChoice? candidate = null;
        SketchSource sketchSource = SketchSource.BuiltIn;
        int candidateBits = (int)DecodeUsual(stream, 0, ExtendedTrailer);
        if (candidateBits == ExtendedTrailer)
        {
            if (mode != TextSketchMode.TextSketch)
            {
                throw new InvalidDataException("a Text-mode record names a sketch model");
            }

            ulong id = DecodeGamma(stream);
            sketchSource = id <= MaxSketchSource ? (SketchSource)id : throw new InvalidDataException($"the sketch model id {id} exceeds {MaxSketchSource}");
            candidateBits = (int)DecodeUsual(stream, 0, CandidateChoice.MaxBits);
        }

        if (candidateBits > 0)
        {
            candidate = new CandidateChoice(candidateBits, (int)stream.DecodeDirect(candidateBits));
        }

        var document = new TskDocument
        {
            Width = width,
            Height = height,
            Mode = mode,
            Caption = caption,
            CaptionSource = source,
            CaptionCoder = captionCoder,
            Color = color,
            Sketch = sketch,
            SketchSource = sketchSource,
            ExplicitSeed = seed,
            Candidate = candidate,
        };
        return new TskRecord(document, data, sketchBytes, Rate(data.Length, captionBits, colorBits, sketchBits), Seed(document, crc));
    }

    /// <summary>The divisor a record of this size uses unless it says otherwise.</summary>
    public static int DefaultDivisor(int width, int height) => SketchGeometry.ChooseDivisor(width, height, TextSketchDefaults.SketchPixels);

    private static ICaptionCoder CaptionCoderFor(TskDocument document, CaptionCoders coders)
    {
        ICaptionCoder coder;
        try
        {
            coder = coders.Find(document.CaptionCoder);
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException($"The record's caption coder {document.CaptionCoder} is not available: {e.Message}.", nameof(document), e);
        }

        return coder.CanEncode(document.Caption!)
            ? coder
            : throw new ArgumentException($"The caption coder '{coder.Name}' cannot represent this caption exactly; choose another (CaptionCoders.Cheapest).", nameof(document));
    }

    private static byte[] NoSketch() => [];

    /// <summary>The sketch coded on its own stream (what <see cref="TskRecord.SketchBytes"/> holds).</summary>
    private static byte[] CodeAlone(ISketchCoder coder, BitPlane bitmap)
    {
        var alone = new RangeEncoder();
        coder.Encode(bitmap, alone);
        return alone.Finish();
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

        if (d.Candidate is { } choice && (choice.Bits < 1 || choice.Bits > CandidateChoice.MaxBits || choice.Index < 0 || choice.Index >= 1 << choice.Bits))
        {
            throw new ArgumentException($"A candidate index of {choice.Index} does not fit {choice.Bits} bits (1 to {CandidateChoice.MaxBits}).");
        }

        if (d.SketchSource != SketchSource.BuiltIn && (d.Mode != TextSketchMode.TextSketch || (uint)d.SketchSource > MaxSketchSource))
        {
            throw new ArgumentException($"A sketch model id of {(int)d.SketchSource} needs a TextSketch-mode record and 1 to {MaxSketchSource}.");
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

    private static RateBreakdown Rate(int totalBytes, double captionBits, double colorBits, double sketchBits)
    {
        int caption = (int)Math.Round(captionBits);
        int color = (int)Math.Round(colorBits);
        int sketch = (int)Math.Round(sketchBits);
        return new RateBreakdown(totalBytes, totalBytes * 8 - caption - color - sketch, caption, sketch, color);
    }

    /// <summary>The decoder seed, from the record's own bytes: the explicit one, else the CRC-32 with its top bit
    /// cleared. A candidate choice is part of those bytes, so each candidate the encoder tried has its own seed.</summary>
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

    /// <summary>A field with a usual value: one flag at 15/16 when it has it, else the flag and the value in Elias-gamma.</summary>
    private static void EncodeUsual(RangeEncoder encoder, uint value, int usual)
    {
        encoder.Encode(value == (uint)usual ? 1 : 0, Usual);
        if (value != (uint)usual)
        {
            EncodeGamma(encoder, (ulong)value + 1);
        }
    }

    /// <summary>Elias-gamma of <paramref name="v"/> ≥ 1 at p = 1/2: n zero bits, then the n + 1 bits of v.</summary>
    private static void EncodeGamma(RangeEncoder encoder, ulong v)
    {
        int length = 63 - System.Numerics.BitOperations.LeadingZeroCount(v);
        encoder.EncodeDirect(0, length);
        encoder.EncodeDirect((uint)v, length + 1);
    }

    private static uint DecodeUsual(RangeDecoder decoder, int usual, uint maxValue)
    {
        if (decoder.Decode(Usual) == 1)
        {
            return (uint)usual;
        }

        ulong value = DecodeGamma(decoder) - 1;
        return value <= maxValue ? (uint)value : throw new InvalidDataException($"a field value ({value}) exceeds its limit ({maxValue})");
    }

    /// <summary>An Elias-gamma value (1 to 2^32 - 1).</summary>
    private static ulong DecodeGamma(RangeDecoder decoder)
    {
        int length = 0;
        while (decoder.DecodeDirect(1) == 0)
        {
            if (++length > 31)
            {
                throw new InvalidDataException("a field is too long");
            }
        }

        ulong v = 1;
        for (int i = 0; i < length; i++)
        {
            v = (v << 1) | decoder.DecodeDirect(1);
        }

        return v;
    }
}
