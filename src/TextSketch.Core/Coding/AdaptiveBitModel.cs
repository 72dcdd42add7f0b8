namespace TextSketch.Core.Coding;

/// <summary>
/// A table of adaptive binary probabilities. Each context starts at p = 1/2 and adapts with a rate that starts
/// fast (1/2, 1/3, ... like a counting estimator) and settles at 1/2^<c>limit</c>, so rarely seen contexts learn
/// quickly and busy ones stay stable.
/// </summary>
public sealed class AdaptiveBitModel
{
    private readonly ushort[] _probability;
    private readonly byte[] _count;
    private readonly int _limit;
    private readonly bool _countAdaptive;

    /// <param name="countAdaptive">True: fast first updates (a counting estimate) settling at the limit; false: the
    /// fixed rate 1/2^rateLimit from the start, for tables whose initial values are already meaningful.</param>
    public AdaptiveBitModel(int contexts, int rateLimit = 5, int initialProbability = Probability.Half, bool countAdaptive = true)
    {
        if (contexts <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(contexts));
        }

        if (rateLimit is < 1 or > 12)
        {
            throw new ArgumentOutOfRangeException(nameof(rateLimit));
        }

        _probability = new ushort[contexts];
        _count = new byte[contexts];
        _limit = rateLimit;
        _countAdaptive = countAdaptive;
        Array.Fill(_probability, (ushort)Probability.Clamp(initialProbability));
    }

    public int Contexts => _probability.Length;

    /// <summary>P(bit = 1) of a context, in 1/65536.</summary>
    public int this[int context] => _probability[context];

    /// <summary>Sets a context's probability (before coding starts), e.g. to give a refinement table an identity start.</summary>
    public void Set(int context, int probability) => _probability[context] = (ushort)Probability.Clamp(probability);

    public void Encode(RangeEncoder encoder, int context, int bit)
    {
        encoder.Encode(bit, _probability[context]);
        Update(context, bit);
    }

    public int Decode(RangeDecoder decoder, int context)
    {
        int bit = decoder.Decode(_probability[context]);
        Update(context, bit);
        return bit;
    }

    public void Update(int context, int bit)
    {
        int count = _count[context];
        // Rate about 1/(n+1.5) for the first observations, then a fixed 1/2^limit.
        int shift = _countAdaptive && count < RateSchedule.Length ? Math.Min(RateSchedule[count], _limit) : _limit;
        int p = _probability[context];
        if (bit != 0)
        {
            p += ((int)Probability.One - p) >> shift;
        }
        else
        {
            p -= p >> shift;
        }

        _probability[context] = (ushort)Probability.Clamp(p);
        if (count < 255)
        {
            _count[context] = (byte)(count + 1);
        }
    }

    private static readonly byte[] RateSchedule = [1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 7];
}
