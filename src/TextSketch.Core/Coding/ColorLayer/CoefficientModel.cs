namespace TextSketch.Core.Coding.ColorLayer;

/// <summary>Where a high-band coefficient's decisions take their probabilities from (see <see cref="BandContexts.At"/>).</summary>
/// <param name="First">Neighbourhood bucket × outer class × band class: the first model of the mixed decisions.</param>
/// <param name="Second">|W|, |N|, |parent| capped at 2 and |NW| + |NE| capped at 2, × band class.</param>
/// <param name="Third">A wide activity sum in 12 buckets × band class.</param>
/// <param name="Selector">The mixers' weight set: the band class.</param>
/// <param name="Sign">Signs of W and N × orientation × luma or chroma.</param>
/// <param name="Remainder">The remainder's context set: luma or chroma × level class.</param>
internal readonly record struct CoefficientContext(int First, int Second, int Third, int Selector, int Sign, int Remainder);

/// <summary>
/// One binary decision predicted by three adaptive context models mixed in the logistic domain (<see cref="Mixer"/>:
/// weights 1/3 each at the start, learning rate 2, one weight set per selector). The encoder's cost estimates use
/// the models' equal-weight mix, which needs no mixer state.
/// </summary>
internal sealed class MixedDecision
{
    private readonly AdaptiveBitModel _first;
    private readonly AdaptiveBitModel _second;
    private readonly AdaptiveBitModel _third;
    private readonly Mixer _mixer;

    public MixedDecision(int rateLimit)
    {
        _first = new AdaptiveBitModel(LayerPlaneCoder.FirstContexts, rateLimit);
        _second = new AdaptiveBitModel(LayerPlaneCoder.SecondContexts, rateLimit);
        _third = new AdaptiveBitModel(LayerPlaneCoder.ThirdContexts, rateLimit);
        _mixer = new Mixer(3, LayerPlaneCoder.BandClasses, learningRate: 2, initialWeight: 21845);
    }

    public int Code(IBinaryCoder coder, in CoefficientContext c, int bit)
    {
        _mixer.Add(_first[c.First] >> 4);
        _mixer.Add(_second[c.Second] >> 4);
        _mixer.Add(_third[c.Third] >> 4);
        bit = coder.Code(bit, _mixer.Mix(c.Selector) << 4);
        _mixer.Update(bit);
        _first.Update(c.First, bit);
        _second.Update(c.Second, bit);
        _third.Update(c.Third, bit);
        return bit;
    }

    /// <summary>The equal-weight mix of the three models: P(1) in 1/65536.</summary>
    public int Probability(in CoefficientContext c)
    {
        int stretched = (Logistic.Stretch(_first[c.First] >> 4) + Logistic.Stretch(_second[c.Second] >> 4) + Logistic.Stretch(_third[c.Third] >> 4)) / 3;
        return Logistic.Squash(stretched) << 4;
    }
}

/// <summary>What coding a value would cost under a coefficient's current probabilities (see <see cref="CoefficientModel.Costs"/>).</summary>
internal readonly struct CoefficientCosts(CoefficientModel model, int remainderSet, int nonzero, int negative, int aboveOne, int aboveTwo)
{
    public double Of(int value)
    {
        if (value == 0)
        {
            return BitCost.Of(0, nonzero);
        }

        int magnitude = Math.Abs(value);
        double bits = BitCost.Of(1, nonzero) + BitCost.Of(value < 0 ? 1 : 0, negative) + BitCost.Of(magnitude > 1 ? 1 : 0, aboveOne);
        if (magnitude == 1)
        {
            return bits;
        }

        bits += BitCost.Of(magnitude > 2 ? 1 : 0, aboveTwo);
        return magnitude == 2 ? bits : bits + model.RemainderBits(remainderSet, magnitude - 3);
    }
}

/// <summary>
/// The adaptive probabilities of one layer (shared by its three planes) and the syntax of its values:
/// <code>
///   high-band coefficient v:
///     nonzero      v != 0                 mixed decision
///     sign         v &lt; 0                  adaptive, Sign context
///     above one    |v| &gt; 1                 mixed decision
///     above two    |v| &gt; 2                 mixed decision
///     remainder    |v| − 3                adaptive Elias-gamma, Remainder set
///   low-band residual r: Rice code with an escape (<see cref="CodeRice"/>)
///   band and block flags: adaptive, one table
/// </code>
/// Each later decision of a coefficient is present only when the earlier ones leave the value open.
/// </summary>
internal sealed class CoefficientModel
{
    /// <summary>Remainder context sets: 6 for the high bands (luma or chroma × level class), 2 for Rice escapes.</summary>
    public const int RemainderSets = 8;

    /// <summary>Unary steps of a Rice code before its escape.</summary>
    public const int RiceEscape = 3;

    /// <summary>Rice parameters 0 … 20.</summary>
    public const int RiceParameters = 21;

    /// <summary>Longest remainder (bits under the leading one) a stream may hold; longer only in corrupt input.</summary>
    private const int MaxLength = 24;

    /// <summary>Remainder mantissa bits below the leading one that are modelled (the rest at p = 1/2).</summary>
    private const int ModelledMantissa = 2;

    private readonly AdaptiveBitModel _flags;
    private readonly MixedDecision _nonzero;
    private readonly MixedDecision _aboveOne;
    private readonly MixedDecision _aboveTwo;
    private readonly AdaptiveBitModel _sign;
    private readonly AdaptiveBitModel _rice;
    private readonly AdaptiveBitModel _length;
    private readonly AdaptiveBitModel _mantissa;

    public CoefficientModel(int rateLimit)
    {
        _flags = new AdaptiveBitModel(LayerPlaneCoder.FlagContexts, rateLimit);
        _nonzero = new MixedDecision(rateLimit);
        _aboveOne = new MixedDecision(rateLimit);
        _aboveTwo = new MixedDecision(rateLimit);
        _sign = new AdaptiveBitModel(LayerPlaneCoder.SignContexts, rateLimit);
        _rice = new AdaptiveBitModel(2 * RiceParameters * RiceEscape, 4);
        _length = new AdaptiveBitModel(RemainderSets * (MaxLength + 1), rateLimit);
        _mantissa = new AdaptiveBitModel(RemainderSets * (MaxLength + 1) << ModelledMantissa, rateLimit);
    }

    /// <summary>Codes (or decodes) one high-band coefficient; returns it.</summary>
    public int Code(IBinaryCoder coder, in CoefficientContext context, int value)
    {
        if (_nonzero.Code(coder, context, value != 0 ? 1 : 0) == 0)
        {
            return 0;
        }

        int negative = Bit(coder, _sign, context.Sign, value < 0 ? 1 : 0);
        int magnitude = Math.Abs(value);
        if (_aboveOne.Code(coder, context, magnitude > 1 ? 1 : 0) == 0)
        {
            magnitude = 1;
        }
        else if (_aboveTwo.Code(coder, context, magnitude > 2 ? 1 : 0) == 0)
        {
            magnitude = 2;
        }
        else
        {
            magnitude = 3 + CodeRemainder(coder, context.Remainder, magnitude - 3);
        }

        return negative != 0 ? -magnitude : magnitude;
    }

    /// <summary>The current probabilities of a coefficient's decisions, for estimating what values would cost (the
    /// model unchanged); without <paramref name="magnitudes"/> only the cost of a zero is valid.</summary>
    public CoefficientCosts Costs(in CoefficientContext context, bool magnitudes) => magnitudes
        ? new CoefficientCosts(this, context.Remainder, _nonzero.Probability(context), _sign[context.Sign], _aboveOne.Probability(context), _aboveTwo.Probability(context))
        : new CoefficientCosts(this, context.Remainder, _nonzero.Probability(context), Probability.Half, Probability.Half, Probability.Half);

    /// <summary>About the bits of the remainder <paramref name="value"/> in <paramref name="set"/>.</summary>
    internal double RemainderBits(int set, int value) => RemainderCost(set, value);

    /// <summary>
    /// A signed value as its zig-zag map u (0, −1, 1, −2, ...) in Rice code with parameter k and an escape:
    /// h = u &gt;&gt; k in unary up to <see cref="RiceEscape"/> (adaptive bits per set, k and position), beyond that
    /// h − <see cref="RiceEscape"/> as a remainder (set 6 + set), then the low k bits of u at p = 1/2. The escape keeps
    /// a parameter that is still far too small (the first values of a plane) from costing a long unary run.
    /// </summary>
    public int CodeRice(IBinaryCoder coder, int set, int k, int value)
    {
        uint u = (uint)((value << 1) ^ (value >> 31));
        int high = (int)(u >> k);
        int contexts = (set * RiceParameters + k) * RiceEscape;
        int decoded = 0;
        while (decoded < RiceEscape && Bit(coder, _rice, contexts + decoded, decoded < high ? 1 : 0) == 1)
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

        return (int)(result >> 1) ^ -(int)(result & 1);
    }

    /// <summary>About the bits <see cref="CodeRice"/> would spend on <paramref name="value"/> now.</summary>
    public double RiceCost(int set, int k, int value)
    {
        int high = (int)((uint)((value << 1) ^ (value >> 31)) >> k);
        int contexts = (set * RiceParameters + k) * RiceEscape;
        double bits = k;
        for (int i = 0; i <= Math.Min(high, RiceEscape - 1); i++)
        {
            bits += BitCost.Of(i < high ? 1 : 0, _rice[contexts + i]);
        }

        return high >= RiceEscape ? bits + RemainderCost(6 + set, high - RiceEscape) : bits;
    }

    /// <summary>Codes (or decodes) a band or block flag.</summary>
    public int CodeFlag(IBinaryCoder coder, int context, int bit) => Bit(coder, _flags, context, bit);

    public double FlagCost(int context, int bit) => BitCost.Of(bit, _flags[context]);

    /// <summary>value + 1 as its bit length in unary (adaptive per position) and the bits under its leading one
    /// (the top two adaptive, by length and the bits above them).</summary>
    private int CodeRemainder(IBinaryCoder coder, int set, int value)
    {
        uint v = (uint)value + 1;
        int length = 31 - System.Numerics.BitOperations.LeadingZeroCount(v);
        int lengths = set * (MaxLength + 1);
        int codedLength = 0;
        while (Bit(coder, _length, lengths + codedLength, codedLength < length ? 1 : 0) == 1)
        {
            if (++codedLength > MaxLength)
            {
                throw new InvalidDataException("A colour-layer value is out of range.");
            }
        }

        uint decoded = 1;
        for (int i = codedLength - 1; i >= 0; i--)
        {
            int bit = (int)((v >> i) & 1);
            if (codedLength - 1 - i < ModelledMantissa)
            {
                int context = ((lengths + codedLength) << ModelledMantissa) + (int)(decoded & ((1 << ModelledMantissa) - 1));
                bit = Bit(coder, _mantissa, context, bit);
            }
            else
            {
                bit = coder.Code(bit, Probability.Half);
            }

            decoded = (decoded << 1) | (uint)bit;
        }

        return (int)(decoded - 1);
    }

    /// <summary>The length bits as modelled, a bit for each mantissa bit.</summary>
    private double RemainderCost(int set, int value)
    {
        int length = 31 - System.Numerics.BitOperations.LeadingZeroCount((uint)value + 1);
        int lengths = set * (MaxLength + 1);
        double bits = length;
        for (int i = 0; i <= Math.Min(length, MaxLength - 1); i++)
        {
            bits += BitCost.Of(i < length ? 1 : 0, _length[lengths + i]);
        }

        return bits;
    }

    private static int Bit(IBinaryCoder coder, AdaptiveBitModel model, int context, int bit)
    {
        bit = coder.Code(bit, model[context]);
        model.Update(context, bit);
        return bit;
    }
}
