namespace TextSketch.Core.Coding.ColorLayer;

/// <summary>
/// One binary decision of the shared stream, written or read: the encoder codes <c>bit</c> and returns it, the
/// decoder ignores it and returns what it reads. The layer's syntax is written once against this, so encoder and
/// decoder cannot drift apart.
/// </summary>
internal interface IBinaryCoder
{
    /// <param name="probabilityOfOne">P(bit = 1) in 1/65536.</param>
    int Code(int bit, int probabilityOfOne);
}

internal sealed class EncodingBinaryCoder(RangeEncoder encoder) : IBinaryCoder
{
    public int Code(int bit, int probabilityOfOne)
    {
        encoder.Encode(bit, probabilityOfOne);
        return bit;
    }
}

internal sealed class DecodingBinaryCoder(RangeDecoder decoder) : IBinaryCoder
{
    public int Code(int bit, int probabilityOfOne) => decoder.Decode(probabilityOfOne);
}

/// <summary>
/// Code lengths for the encoder's rate-distortion decisions: −log2(p) by table, p in 1/65536 looked up in steps of
/// 16. Built with multiplications and halvings only (no library logarithm), so every machine makes the same
/// decisions and writes the same bytes.
/// </summary>
internal static class BitCost
{
    private static readonly double[] Table = Build();

    /// <summary>Bits to code <paramref name="bit"/> when P(1) = <paramref name="probabilityOfOne"/> / 65536.</summary>
    public static double Of(int bit, int probabilityOfOne)
    {
        int p = (int)Probability.Clamp(probabilityOfOne);
        return Table[(bit != 0 ? p : (int)Probability.One - p) >> 4];
    }

    private static double[] Build()
    {
        var table = new double[4097];
        for (int i = 0; i <= 4096; i++)
        {
            table[i] = -Log2(Math.Min(i + 0.5, 4096) / 4096.0); // the middle of the step
        }

        return table;
    }

    /// <summary>log2 x for x &gt; 0, the same on every machine: the exponent by doubling or halving into [1, 2),
    /// the fraction bit by bit by squaring.</summary>
    internal static double Log2(double x)
    {
        if (!(x > 0) || !double.IsFinite(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x));
        }

        int exponent = 0;
        while (x < 1)
        {
            x *= 2;
            exponent--;
        }

        while (x >= 2)
        {
            x *= 0.5;
            exponent++;
        }

        double fraction = 0;
        double bit = 0.5;
        for (int i = 0; i < 40; i++)
        {
            x *= x;
            if (x >= 2)
            {
                x *= 0.5;
                fraction += bit;
            }

            bit *= 0.5;
        }

        return exponent + fraction;
    }
}
