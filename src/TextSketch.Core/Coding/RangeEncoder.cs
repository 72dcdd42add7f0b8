namespace TextSketch.Core.Coding;

/// <summary>
/// Binary arithmetic coder (range coder): 32-bit range, carry propagation through a cached byte, probabilities
/// in 1/65536. Two things keep tiny streams tiny: the leading byte of a carry-style range coder is always zero and
/// is not written, and <see cref="Finish"/> writes the shortest tail that still pins the final interval, then drops
/// trailing zero bytes, because <see cref="RangeDecoder"/> reads zeros past the end of its input.
/// </summary>
public sealed class RangeEncoder
{
    private const uint Top = 1u << 24;

    private readonly List<byte> _output = new(256);
    private ulong _low;
    private uint _range = 0xFFFFFFFFu;
    private byte _cache;
    private long _cacheSize = 1;
    private bool _leadingByteDropped;
    private bool _finished;

    /// <summary>Ideal code length so far, in bits (sum of -log2 p over coded decisions).</summary>
    public double Bits { get; private set; }

    /// <summary>Codes <paramref name="bit"/> where <paramref name="probabilityOfOne"/> is P(bit = 1) in 1/65536.</summary>
    public void Encode(int bit, int probabilityOfOne)
    {
        ThrowIfFinished();
        uint p = Probability.Clamp(probabilityOfOne);
        uint bound = (_range >> 16) * p;
        if (bit != 0)
        {
            _range = bound;
            Bits += Probability.Cost(p);
        }
        else
        {
            _low += bound;
            _range -= bound;
            Bits += Probability.Cost(Probability.One - p);
        }

        while (_range < Top)
        {
            _range <<= 8;
            ShiftLow();
        }
    }

    /// <summary>Codes the low <paramref name="count"/> bits of <paramref name="value"/>, most significant first, at p = 1/2.</summary>
    public void EncodeDirect(uint value, int count)
    {
        for (int i = count - 1; i >= 0; i--)
        {
            Encode((int)((value >> i) & 1), Probability.Half);
        }
    }

    /// <summary>Ends the stream and returns its bytes. The encoder cannot be used afterwards.</summary>
    public byte[] Finish()
    {
        ThrowIfFinished();
        _finished = true;

        // Pick the value in [low, low + range) with the most trailing zero bytes: those bytes need not be stored.
        ulong end = _low + _range; // exclusive
        for (int significant = 0; significant <= 4; significant++)
        {
            ulong mask = (1UL << (32 - 8 * significant)) - 1;
            ulong candidate = (_low + mask) & ~mask;
            if (candidate < end)
            {
                _low = candidate;
                break;
            }
        }

        for (int i = 0; i < 5; i++)
        {
            ShiftLow();
        }

        int length = _output.Count;
        while (length > 0 && _output[length - 1] == 0)
        {
            length--;
        }

        return _output.GetRange(0, length).ToArray();
    }

    private void ShiftLow()
    {
        if ((uint)_low < 0xFF000000u || (_low >> 32) != 0)
        {
            byte carry = (byte)(_low >> 32);
            byte pending = _cache;
            do
            {
                Emit((byte)(pending + carry));
                pending = 0xFF;
            }
            while (--_cacheSize != 0);

            _cache = (byte)(_low >> 24);
        }

        _cacheSize++;
        _low = (_low & 0x00FFFFFFUL) << 8;
    }

    private void Emit(byte value)
    {
        if (!_leadingByteDropped)
        {
            // The coded value is a fraction in [0, 1): its integer byte is always zero.
            _leadingByteDropped = true;
            return;
        }

        _output.Add(value);
    }

    private void ThrowIfFinished()
    {
        if (_finished)
        {
            throw new InvalidOperationException("The range encoder has already been finished.");
        }
    }
}
