namespace TextSketch.Core.Decoding.Diffusion;

/// <summary>
/// The decoder's own seeded Gaussian source: xoshiro256** seeded through SplitMix64, Box-Muller for the normal
/// deviates (both of each pair used). Identical sequences for the same seed in every process, independent of the
/// runtime's System.Random, so a record decodes to the same latents wherever it is decoded.
/// </summary>
public sealed class GaussianNoise
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spare;

    public GaussianNoise(long seed)
    {
        ulong state = unchecked((ulong)seed);
        _s0 = SplitMix(ref state);
        _s1 = SplitMix(ref state);
        _s2 = SplitMix(ref state);
        _s3 = SplitMix(ref state);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in (0, 1]: 53 random bits, never 0 (Box-Muller takes its logarithm).</summary>
    public double NextUniform() => ((NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));

    /// <summary>A standard normal deviate.</summary>
    public double NextGaussian()
    {
        if (_spare is double spare)
        {
            _spare = null;
            return spare;
        }

        double radius = Math.Sqrt(-2 * Math.Log(NextUniform()));
        double angle = 2 * Math.PI * NextUniform();
        _spare = radius * Math.Sin(angle);
        return radius * Math.Cos(angle);
    }

    public float[] NextGaussians(int count, double scale = 1.0)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(NextGaussian() * scale);
        }

        return values;
    }

    private static ulong SplitMix(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
