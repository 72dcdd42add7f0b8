namespace TextSketch.Core.Coding.ColorLayer;

/// <summary>Where a coefficient's decisions take their probabilities from (indices into <see cref="CoefficientModel"/>'s tables).</summary>
/// <param name="Zero">The primary context (neighbourhood bucket, outer class, band class) of the zero and magnitude decisions.</param>
/// <param name="Zero2">The second: the capped magnitudes of W, N and the parent, band class.</param>
/// <param name="Zero3">The third: a wide activity sum (more neighbours, the parent's neighbourhood), band class.</param>
/// <param name="Selector">The mixers' weight set (the band class).</param>
internal readonly record struct CoefficientContext(int Zero, int Zero2, int Zero3, int Selector, int Sign, int Magnitude, int Remainder);

/// <summary>
/// One binary decision predicted by three adaptive context models mixed in the logistic domain (<see cref="Mixer"/>,
/// one weight set per selector). Costs for the encoder's decisions are estimated from the first model alone.
/// </summary>
internal sealed class MixedDecision
{
    private readonly AdaptiveBitModel _first;
    private readonly AdaptiveBitModel _second;
    private readonly AdaptiveBitModel _third;
    private readonly Mixer _mixer;

    public MixedDecision(int first, int second, int third, int selectors, int rateLimit)
    {
        _first = new AdaptiveBitModel(first, rateLimit);
        _second = new AdaptiveBitModel(second, rateLimit);
        _third = new AdaptiveBitModel(third, rateLimit);
        _mixer = new Mixer(3, selectors, learningRate: 3, initialWeight: 21845);
    }

    public int Code(IBinaryCoder coder, int c1, int c2, int c3, int selector, int bit)
    {
        _mixer.Add(_first[c1] >> 4);
        _mixer.Add(_second[c2] >> 4);
        _mixer.Add(_third[c3] >> 4);
        int p = _mixer.Mix(selector) << 4;
        bit = coder.Code(bit, p);
        _mixer.Update(bit);
        _first.Update(c1, bit);
        _second.Update(c2, bit);
        _third.Update(c3, bit);
        return bit;
    }

    public double Cost(in CoefficientContext c, int bit)
    {
        int stretched = (Logistic.Stretch(_first[c.Zero] >> 4) + Logistic.Stretch(_second[c.Zero2] >> 4) + Logistic.Stretch(_third[c.Zero3] >> 4)) / 3;
        return BitCost.Of(bit, Logistic.Squash(stretched) << 4);
    }
}

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

    /// <summary>Unary steps of a Rice code before its escape.</summary>
    public const int RiceEscape = 3;

    /// <summary>Longest remainder (bits under the leading one) a stream may hold; longer only in corrupt input.</summary>
    private const int MaxLength = 24;

    /// <summary>Remainder mantissa bits below the leading one that are modelled (the rest at p = 1/2).</summary>
    private const int ModelledMantissa = 2;

    private readonly AdaptiveBitModel _zero;
    private readonly MixedDecision _nonzero;
    private readonly MixedDecision _one;
    private readonly MixedDecision _two;
    private readonly AdaptiveBitModel _sign;
    private readonly AdaptiveBitModel _rice = new(2 * 21 * RiceEscape, 4);
    private readonly AdaptiveBitModel _aboveOne;
    private readonly AdaptiveBitModel _aboveTwo;
    private readonly AdaptiveBitModel _length;
    private readonly AdaptiveBitModel _mantissa;

    public CoefficientModel(int zeroContexts, int signContexts, int magnitudeContexts, int rateLimit)
    {
        _zero = new AdaptiveBitModel(zeroContexts, rateLimit);
        _nonzero = new MixedDecision(zeroContexts, LayerPlaneCoder.SecondContexts, LayerPlaneCoder.ThirdContexts, LayerPlaneCoder.Selectors, rateLimit);
        _one = new MixedDecision(zeroContexts, LayerPlaneCoder.SecondContexts, LayerPlaneCoder.ThirdContexts, LayerPlaneCoder.Selectors, rateLimit);
        _two = new MixedDecision(zeroContexts, LayerPlaneCoder.SecondContexts, LayerPlaneCoder.ThirdContexts, LayerPlaneCoder.Selectors, rateLimit);
        _sign = new AdaptiveBitModel(signContexts, rateLimit);
        _aboveOne = new AdaptiveBitModel(magnitudeContexts, rateLimit);
        _aboveTwo = new AdaptiveBitModel(magnitudeContexts, rateLimit);
        _length = new AdaptiveBitModel(RemainderSets * (MaxLength + 1), rateLimit);
        _mantissa = new AdaptiveBitModel(RemainderSets * (MaxLength + 1) << ModelledMantissa, rateLimit);
    }

    /// <summary>Codes (or decodes) one coefficient; returns it.</summary>
    public int Code(IBinaryCoder coder, in CoefficientContext context, int value)
    {
        if (Mixed(coder, _nonzero, context, value != 0 ? 1 : 0, 0) == 0)
        {
            return 0;
        }

        int negative = Bit(coder, _sign, context.Sign, value < 0 ? 1 : 0);
        int magnitude = Math.Abs(value);
        if (Mixed(coder, _one, context, magnitude > 1 ? 1 : 0, 3) == 0)
        {
            magnitude = 1;
        }
        else if (Mixed(coder, _two, context, magnitude > 2 ? 1 : 0, 4) == 0)
        {
            magnitude = 2;
        }
        else
        {
            magnitude = 3 + CodeRemainder(coder, context.Remainder, magnitude - 3);
        }

        return negative != 0 ? -magnitude : magnitude;
    }

    /// <summary>A signed value as its zig-zag map u (0, −1, 1, −2, ...) in Rice code with parameter k and an
    /// escape: h = u &gt;&gt; k in unary up to <see cref="RiceEscape"/> (adaptive per set, k and position), beyond that
    /// h − <see cref="RiceEscape"/> as a remainder (set 6 + set), then the low k bits at p = 1/2. The escape keeps a
    /// parameter that is still far too small (the first values of a plane) from costing a long unary run.</summary>
    public int CodeRice(IBinaryCoder coder, int set, int k, int value)
    {
        uint u = (uint)((value << 1) ^ (value >> 31));
        int high = (int)(u >> k);
        int baseContext = (set * 21 + k) * RiceEscape;
        int decoded = 0;
        while (decoded < RiceEscape && Bit(coder, _rice, baseContext + decoded, decoded < high ? 1 : 0) == 1)
        {
            decoded++;
        }

        if (decoded == RiceEscape)
        {
            decoded += CodeRemainder(coder, 6 + set, high - RiceEscape);
        }

        uint result = (uint)decoded;
        for (int i = k - 1; i >= 0; i--)
        {
            result = (result << 1) | (uint)coder.Code((int)((u >> i) & 1), Probability.Half);
        }

        if (Spent is not null)
        {
            Spent[Plane * 8 + 7] += k;
        }

        return (int)(result >> 1) ^ -(int)(result & 1);
    }

    /// <summary>The bits <see cref="CodeRice"/> would spend on <paramref name="value"/> now.</summary>
    public double RiceCost(int set, int k, int value)
    {
        int high = (int)((uint)((value << 1) ^ (value >> 31)) >> k);
        int baseContext = (set * 21 + k) * RiceEscape;
        double bits = k;
        for (int i = 0; i <= Math.Min(high, RiceEscape - 1); i++)
        {
            bits += BitCost.Of(i < high ? 1 : 0, _rice[baseContext + i]);
        }

        if (high >= RiceEscape)
        {
            int length = 31 - System.Numerics.BitOperations.LeadingZeroCount((uint)(high - RiceEscape + 1));
            bits += 2 * length + 1;
        }

        return bits;
    }

    /// <summary>Codes (or decodes) a flag with the zero table's probabilities.</summary>
    public int CodeFlag(IBinaryCoder coder, int context, int bit) => Bit(coder, _zero, context, bit);

    public double FlagCost(int context, int bit) => BitCost.Of(bit, _zero[context]);

    /// <summary>The bits <see cref="Code"/> would spend on <paramref name="value"/> now (the model unchanged).</summary>
    public double Cost(in CoefficientContext context, int value)
    {
        double bits = _nonzero.Cost(context, value != 0 ? 1 : 0);
        if (value == 0)
        {
            return bits;
        }

        int magnitude = Math.Abs(value);
        bits += BitCost.Of(value < 0 ? 1 : 0, _sign[context.Sign]);
        bits += _one.Cost(context, magnitude > 1 ? 1 : 0);
        if (magnitude == 1)
        {
            return bits;
        }

        bits += _two.Cost(context, magnitude > 2 ? 1 : 0);
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

    private int Mixed(IBinaryCoder coder, MixedDecision decision, in CoefficientContext context, int bit, int kind)
    {
        if (Spent is null)
        {
            return decision.Code(coder, context.Zero, context.Zero2, context.Zero3, context.Selector, bit);
        }

        var probe = new ProbeCoder(coder);
        bit = decision.Code(probe, context.Zero, context.Zero2, context.Zero3, context.Selector, bit);
        Spent[Plane * 8 + kind] += probe.Bits;
        return bit;
    }

    private sealed class ProbeCoder(IBinaryCoder inner) : IBinaryCoder
    {
        public double Bits { get; private set; }

        public int Code(int bit, int probabilityOfOne)
        {
            bit = inner.Code(bit, probabilityOfOne);
            Bits += BitCost.Of(bit, probabilityOfOne);
            return bit;
        }
    }

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
