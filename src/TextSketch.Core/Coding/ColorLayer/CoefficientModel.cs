namespace TextSketch.Core.Coding.ColorLayer;

/// <summary>Where a coefficient's decisions take their probabilities from (indices into <see cref="CoefficientModel"/>'s tables).</summary>
internal readonly record struct CoefficientContext(int Zero, int Sign, int Magnitude, int Remainder);

/// <summary>
/// The adaptive probabilities of the layer's coefficients and the syntax of one coefficient v:
/// <code>
///   nonzero            v != 0                      (context: Zero)
///   sign               v &lt; 0                       (context: Sign)
///   above one          |v| &gt; 1                      (context: Magnitude)
///   above two          |v| &gt; 2                      (context: Magnitude)
///   remainder          |v| − 3, adaptive Elias-gamma (context set: Remainder)
/// </code>
/// Each later decision is present only when the earlier ones leave the value open.
/// </summary>
internal sealed class CoefficientModel
{
    public const int RemainderSets = 8;

    /// <summary>Longest remainder (bits under the leading one) a stream may hold; longer only in corrupt input.</summary>
    private const int MaxLength = 24;

    /// <summary>Remainder mantissa bits below the leading one that are modelled (the rest at p = 1/2).</summary>
    private const int ModelledMantissa = 2;

    private readonly AdaptiveBitModel _zero;
    private readonly AdaptiveBitModel _sign;
    private readonly AdaptiveBitModel _aboveOne;
    private readonly AdaptiveBitModel _aboveTwo;
    private readonly AdaptiveBitModel _length;
    private readonly AdaptiveBitModel _mantissa;

    public CoefficientModel(int zeroContexts, int signContexts, int magnitudeContexts, int rateLimit)
    {
        _zero = new AdaptiveBitModel(zeroContexts, rateLimit);
        _sign = new AdaptiveBitModel(signContexts, rateLimit);
        _aboveOne = new AdaptiveBitModel(magnitudeContexts, rateLimit);
        _aboveTwo = new AdaptiveBitModel(magnitudeContexts, rateLimit);
        _length = new AdaptiveBitModel(RemainderSets * (MaxLength + 1), rateLimit);
        _mantissa = new AdaptiveBitModel(RemainderSets * (MaxLength + 1) << ModelledMantissa, rateLimit);
    }

    /// <summary>Codes (or decodes) one coefficient; returns it.</summary>
    public int Code(IBinaryCoder coder, in CoefficientContext context, int value)
    {
        if (Bit(coder, _zero, context.Zero, value != 0 ? 1 : 0) == 0)
        {
            return 0;
        }

        int negative = Bit(coder, _sign, context.Sign, value < 0 ? 1 : 0);
        int magnitude = Math.Abs(value);
        if (Bit(coder, _aboveOne, context.Magnitude, magnitude > 1 ? 1 : 0) == 0)
        {
            magnitude = 1;
        }
        else if (Bit(coder, _aboveTwo, context.Magnitude, magnitude > 2 ? 1 : 0) == 0)
        {
            magnitude = 2;
        }
        else
        {
            magnitude = 3 + CodeRemainder(coder, context.Remainder, magnitude - 3);
        }

        return negative != 0 ? -magnitude : magnitude;
    }

    /// <summary>Codes (or decodes) a flag with the zero table's probabilities.</summary>
    public int CodeFlag(IBinaryCoder coder, int context, int bit) => Bit(coder, _zero, context, bit);

    public double FlagCost(int context, int bit) => BitCost.Of(bit, _zero[context]);

    /// <summary>The bits <see cref="Code"/> would spend on <paramref name="value"/> now (the model unchanged).</summary>
    public double Cost(in CoefficientContext context, int value)
    {
        double bits = BitCost.Of(value != 0 ? 1 : 0, _zero[context.Zero]);
        if (value == 0)
        {
            return bits;
        }

        int magnitude = Math.Abs(value);
        bits += BitCost.Of(value < 0 ? 1 : 0, _sign[context.Sign]);
        bits += BitCost.Of(magnitude > 1 ? 1 : 0, _aboveOne[context.Magnitude]);
        if (magnitude == 1)
        {
            return bits;
        }

        bits += BitCost.Of(magnitude > 2 ? 1 : 0, _aboveTwo[context.Magnitude]);
        if (magnitude == 2)
        {
            return bits;
        }

        uint v = (uint)(magnitude - 3) + 1;
        int length = 31 - System.Numerics.BitOperations.LeadingZeroCount(v);
        int set = context.Remainder * (MaxLength + 1);
        for (int i = 0; i <= length && i < MaxLength; i++)
        {
            bits += BitCost.Of(i < length ? 1 : 0, _length[set + i]);
        }

        return bits + length; // mantissa bits: about one each
    }

    /// <summary>value + 1 as its bit length in unary (adaptive per position) and the bits under its leading one.</summary>
    private int CodeRemainder(IBinaryCoder coder, int set, int value)
    {
        uint v = (uint)value + 1;
        int length = 31 - System.Numerics.BitOperations.LeadingZeroCount(v);
        int lengths = set * (MaxLength + 1);
        int codedLength = 0;
        while (Bit(coder, _length, lengths + codedLength, codedLength < length ? 1 : 0) == 1)
        {
            codedLength++;
            if (codedLength > MaxLength)
            {
                throw new InvalidDataException("A colour-layer coefficient is out of range.");
            }
        }

        uint decoded = 1;
        for (int i = codedLength - 1; i >= 0; i--)
        {
            int bit = (int)((v >> i) & 1);
            int position = codedLength - 1 - i;
            if (position < ModelledMantissa)
            {
                int context = ((set * (MaxLength + 1) + codedLength) << ModelledMantissa) + (int)(decoded & ((1 << ModelledMantissa) - 1));
                bit = Bit(coder, _mantissa, context, bit);
            }
            else
            {
                bit = coder.Code(bit, Probability.Half);
                if (Spent is not null)
                {
                    Spent[Plane * 8 + 7] += 1;
                }
            }

            decoded = (decoded << 1) | (uint)bit;
        }

        return (int)(decoded - 1);
    }

    /// <summary>Measurement only (LayerLab): when set, the ideal bits of each decision are added to
    /// Spent[<see cref="Plane"/> * 8 + kind] (kinds: zero, block, sign, above one, above two, length, mantissa, direct).</summary>
    internal double[]? Spent { get; set; }

    internal int Plane { get; set; }

    private int Bit(IBinaryCoder coder, AdaptiveBitModel model, int context, int bit)
    {
        bit = coder.Code(bit, model[context]);
        if (Spent is not null)
        {
            int kind = model == _zero ? (context >= LayerPlaneCoder.BlockContextBase ? 1 : 0) : model == _sign ? 2 : model == _aboveOne ? 3 : model == _aboveTwo ? 4 : model == _length ? 5 : 6;
            Spent[Plane * 8 + kind] += BitCost.Of(bit, model[context]);
        }

        model.Update(context, bit);
        return bit;
    }
}
