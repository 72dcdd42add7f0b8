namespace TextSketch.Core.Coding;

/// <summary>
/// Decoder for <see cref="RangeEncoder"/> streams. Reads zeros past the end of its input (the encoder trims
/// them), so it never fails on short input: corrupt input decodes to garbage, which the format's checksum and
/// the structural limits of each section catch.
/// </summary>
public sealed class RangeDecoder
{
    private const uint Top = 1u << 24;

    private readonly byte[] _data;
    private readonly int _end;
    private int _position;
    private uint _range = 0xFFFFFFFFu;
    private uint _code;

    public RangeDecoder(byte[] data)
        : this(data, 0, data.Length)
    {
    }

    public RangeDecoder(byte[] data, int offset, int count)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (offset < 0 || count < 0 || offset + count > data.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _data = data;
        _position = offset;
        _end = offset + count;
        for (int i = 0; i < 4; i++)
        {
            _code = (_code << 8) | NextByte();
        }
    }

    /// <summary>Ideal code length of the decisions decoded so far, in bits (mirrors <see cref="RangeEncoder.Bits"/>).</summary>
    public double Bits { get; private set; }

    /// <summary>Bytes read beyond the end of the input (implicit zeros).</summary>
    public int OverreadBytes { get; private set; }

    public int Decode(int probabilityOfOne)
    {
        uint p = Probability.Clamp(probabilityOfOne);
        uint bound = (_range >> 16) * p;
        int bit;
        if (_code < bound)
        {
            _range = bound;
            bit = 1;
            Bits += Probability.Cost(p);
        }
        else
        {
            _code -= bound;
            _range -= bound;
            bit = 0;
            Bits += Probability.Cost(Probability.One - p);
        }

        while (_range < Top)
        {
            _range <<= 8;
            _code = (_code << 8) | NextByte();
        }

        return bit;
    }

    public uint DecodeDirect(int count)
    {
        uint value = 0;
        for (int i = 0; i < count; i++)
        {
            value = (value << 1) | (uint)Decode(Probability.Half);
        }

        return value;
    }

    private uint NextByte()
    {
        if (_position < _end)
        {
            return _data[_position++];
        }

        OverreadBytes++;
        return 0;
    }
}
