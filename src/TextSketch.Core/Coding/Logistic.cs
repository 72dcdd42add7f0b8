namespace TextSketch.Core.Coding;

/// <summary>
/// The logistic domain for mixing predictions, in integers so every machine computes the same bits: probabilities in
/// 12 bits (0..4095), "stretched" values ln(p/(1-p)) scaled by 256 in -2047..2047. Squash interpolates a fixed table
/// of 1/(1+e^-x) at 33 points (the table PAQ-family coders use); stretch is its exact inverse by search.
/// </summary>
public static class Logistic
{
    private static readonly int[] SquashPoints =
    [
        1, 2, 3, 6, 10, 16, 27, 45, 73, 120, 194, 310, 488, 747, 1101, 1546, 2047,
        2549, 2994, 3348, 3607, 3785, 3901, 3975, 4024, 4050, 4068, 4079, 4085, 4089, 4092, 4093, 4094,
    ];

    private static readonly short[] StretchTable = BuildStretch();

    /// <summary>4096 / (1 + e^(-x/256)), for x clamped to -2047..2047.</summary>
    public static int Squash(int x)
    {
        if (x > 2047)
        {
            return 4095;
        }

        if (x < -2047)
        {
            return 1;
        }

        int w = x & 127;
        int i = (x >> 7) + 16;
        return (SquashPoints[i] * (128 - w) + SquashPoints[i + 1] * w + 64) >> 7;
    }

    /// <summary>Inverse of <see cref="Squash"/>: p in 0..4095 to -2047..2047.</summary>
    public static int Stretch(int p) => StretchTable[p];

    private static short[] BuildStretch()
    {
        var table = new short[4096];
        int pi = 0;
        for (int x = -2047; x <= 2047; x++)
        {
            int v = Squash(x);
            for (int j = pi; j <= v; j++)
            {
                table[j] = (short)x;
            }

            pi = v + 1;
        }

        for (int j = pi; j < 4096; j++)
        {
            table[j] = 2047;
        }

        return table;
    }
}
