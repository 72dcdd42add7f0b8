namespace TextSketch.Core.Coding;

/// <summary>
/// Unsigned integers as adaptive Elias-gamma: the bit length in unary (one adaptive context per position), then
/// the bits under the leading one (adaptive for the top <see cref="AdaptiveMantissaBits"/>, direct below).
/// Small values cost a fraction of a bit once the model has seen them.
/// </summary>
public sealed class AdaptiveIntegerModel
{
    private const int MaxLength = 32;
    private const int AdaptiveMantissaBits = 3;

    private readonly AdaptiveBitModel _length;
    private readonly AdaptiveBitModel _mantissa;
    private readonly int _sets;

    /// <param name="sets">Independent context sets (e.g. one per channel); choose one per call.</param>
    public AdaptiveIntegerModel(int sets = 1, int rateLimit = 4)
    {
        _sets = sets;
        _length = new AdaptiveBitModel(sets * MaxLength, rateLimit);
        _mantissa = new AdaptiveBitModel(sets * (MaxLength + 1) * (1 << AdaptiveMantissaBits), rateLimit);
    }

    public void Encode(RangeEncoder encoder, uint value, int set = 0)
    {
        CheckSet(set);
        ulong v = (ulong)value + 1;
        int length = 63 - System.Numerics.BitOperations.LeadingZeroCount(v); // bits below the leading one
        for (int i = 0; i < length; i++)
        {
            _length.Encode(encoder, set * MaxLength + i, 1);
        }

        if (length < MaxLength)
        {
            _length.Encode(encoder, set * MaxLength + length, 0);
        }

        int prefix = 1;
        for (int i = length - 1; i >= 0; i--)
        {
            int bit = (int)((v >> i) & 1);
            if (length - 1 - i < AdaptiveMantissaBits)
            {
                _mantissa.Encode(encoder, MantissaContext(set, length, prefix), bit);
                prefix = (prefix << 1) | bit;
            }
            else
            {
                encoder.Encode(bit, Probability.Half);
            }
        }
    }

    /// <summary>Decodes a value; values above <paramref name="maxValue"/> (only from corrupt input) throw.</summary>
    public uint Decode(RangeDecoder decoder, uint maxValue, int set = 0)
    {
        CheckSet(set);
        int length = 0;
        while (length < MaxLength && _length.Decode(decoder, set * MaxLength + length) == 1)
        {
            length++;
        }

        ulong v = 1;
        int prefix = 1;
        for (int i = length - 1; i >= 0; i--)
        {
            int bit;
            if (length - 1 - i < AdaptiveMantissaBits)
            {
                bit = _mantissa.Decode(decoder, MantissaContext(set, length, prefix));
                prefix = (prefix << 1) | bit;
            }
            else
            {
                bit = decoder.Decode(Probability.Half);
            }

            v = (v << 1) | (uint)bit;
        }

        ulong value = v - 1;
        if (value > maxValue)
        {
            throw new InvalidDataException($"A coded value ({value}) exceeds its limit ({maxValue}).");
        }

        return (uint)value;
    }

    /// <summary>Signed values through the zig-zag map 0, -1, 1, -2, 2, ...</summary>
    public void EncodeSigned(RangeEncoder encoder, int value, int set = 0) =>
        Encode(encoder, (uint)((value << 1) ^ (value >> 31)), set);

    public int DecodeSigned(RangeDecoder decoder, int maxMagnitude, int set = 0)
    {
        uint zigzag = Decode(decoder, (uint)maxMagnitude * 2, set);
        return (int)(zigzag >> 1) ^ -(int)(zigzag & 1);
    }

    private static int MantissaContext(int set, int length, int prefix) =>
        ((set * (MaxLength + 1)) + length) * (1 << AdaptiveMantissaBits) + (prefix & ((1 << AdaptiveMantissaBits) - 1));

    private void CheckSet(int set)
    {
        if ((uint)set >= (uint)_sets)
        {
            throw new ArgumentOutOfRangeException(nameof(set));
        }
    }
}
