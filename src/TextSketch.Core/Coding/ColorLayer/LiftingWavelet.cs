namespace TextSketch.Core.Coding.ColorLayer;

/// <summary>
/// An integer lifting wavelet: each step adds floor((c (a + b) + 2^13) / 2^14) of two neighbours of the other
/// phase, with c a fixed-point constant in 1/2^14, so the inverse (the same steps subtracted in reverse order) is exact
/// on every machine. Signals are split into even samples s (ceil(n / 2), the low band) and odd samples d
/// (floor(n / 2), the high band) with whole-sample symmetric extension at both ends; a signal of one sample is left
/// as it is. No scaling step: the band gains go into the quantiser's step sizes instead.
/// </summary>
internal sealed class LiftingWavelet
{
    /// <summary>CDF 9/7 (JPEG 2000's irreversible filter): α, β, γ, δ in 1/16384, the first three chosen within a
    /// few units of the exact values so that the high band of a constant is zero to 1e-6 (exact rounding of each
    /// constant leaves 3e-4 of the signal's level in it, which the quantiser then has to code).</summary>
    public static readonly LiftingWavelet Cdf97 = new("cdf97", [-25986, -867, 14468, 7266]);

    /// <summary>LeGall 5/3 (JPEG 2000's reversible filter, here with 14-bit rounding): −1/2, 1/4.</summary>
    public static readonly LiftingWavelet Cdf53 = new("cdf53", [-8192, 4096]);

    private const int Shift = 14;
    private const long Round = 1 << (Shift - 1);

    private readonly int[] _steps;
    private readonly Lazy<int[]> _lowWeights;
    private readonly Lazy<int[]> _highWeights;

    private LiftingWavelet(string name, int[] steps)
    {
        Name = name;
        _steps = steps;
        _lowWeights = new Lazy<int[]>(() => LayerQuantiser.Weights(this, high: false));
        _highWeights = new Lazy<int[]>(() => LayerQuantiser.Weights(this, high: true));
    }

    public string Name { get; }

    /// <summary>4096 / sqrt(gain) of the 1-D synthesis basis after k analysis stages (k = 0 … 8), for the low band
    /// (all k stages low-pass) or a high band (k − 1 low-pass stages, then high-pass): see <see cref="LayerQuantiser.Gain"/>.</summary>
    public int Weight(int stages, bool high) => (high ? _highWeights.Value : _lowWeights.Value)[stages];

    /// <summary>Forward transform of <paramref name="n"/> samples at data[offset + i stride], in place: low band first, then high.</summary>
    public void Forward(int[] data, int offset, int stride, int n, int[] scratch)
    {
        if (n < 2)
        {
            return;
        }

        int ns = (n + 1) / 2;
        int nd = n / 2;
        Span<int> s = scratch.AsSpan(0, ns);
        Span<int> d = scratch.AsSpan(ns, nd);
        for (int i = 0; i < ns; i++)
        {
            s[i] = data[offset + 2 * i * stride];
        }

        for (int i = 0; i < nd; i++)
        {
            d[i] = data[offset + (2 * i + 1) * stride];
        }

        for (int k = 0; k < _steps.Length; k++)
        {
            Lift(s, d, k, _steps[k], 1);
        }

        for (int i = 0; i < n; i++)
        {
            data[offset + i * stride] = scratch[i];
        }
    }

    /// <summary>Inverse of <see cref="Forward"/>, bit-exact.</summary>
    public void Inverse(int[] data, int offset, int stride, int n, int[] scratch)
    {
        if (n < 2)
        {
            return;
        }

        int ns = (n + 1) / 2;
        int nd = n / 2;
        for (int i = 0; i < n; i++)
        {
            scratch[i] = data[offset + i * stride];
        }

        Span<int> s = scratch.AsSpan(0, ns);
        Span<int> d = scratch.AsSpan(ns, nd);
        for (int k = _steps.Length - 1; k >= 0; k--)
        {
            Lift(s, d, k, _steps[k], -1);
        }

        for (int i = 0; i < ns; i++)
        {
            data[offset + 2 * i * stride] = s[i];
        }

        for (int i = 0; i < nd; i++)
        {
            data[offset + (2 * i + 1) * stride] = d[i];
        }
    }

    /// <summary>Forward 2-D transform of a width x height plane (row-major) over its <paramref name="layout"/>'s levels.</summary>
    public void Forward(int[] plane, BandLayout layout)
    {
        int[] scratch = new int[Math.Max(layout.Width, layout.Height)];
        foreach (BandLayout.Level level in layout.Levels)
        {
            if (level.SplitX)
            {
                for (int y = 0; y < level.Height; y++)
                {
                    Forward(plane, y * layout.Width, 1, level.Width, scratch);
                }
            }

            if (level.SplitY)
            {
                for (int x = 0; x < level.Width; x++)
                {
                    Forward(plane, x, layout.Width, level.Height, scratch);
                }
            }
        }
    }

    /// <summary>Inverse 2-D transform: levels coarsest first, columns before rows (the forward order reversed).</summary>
    public void Inverse(int[] plane, BandLayout layout)
    {
        int[] scratch = new int[Math.Max(layout.Width, layout.Height)];
        for (int l = layout.Levels.Count - 1; l >= 0; l--)
        {
            BandLayout.Level level = layout.Levels[l];
            if (level.SplitY)
            {
                for (int x = 0; x < level.Width; x++)
                {
                    Inverse(plane, x, layout.Width, level.Height, scratch);
                }
            }

            if (level.SplitX)
            {
                for (int y = 0; y < level.Height; y++)
                {
                    Inverse(plane, y * layout.Width, 1, level.Width, scratch);
                }
            }
        }
    }

    /// <summary>Step k: even k updates d from its s neighbours (predict), odd k updates s from its d neighbours;
    /// <paramref name="sign"/> −1 subtracts exactly what +1 added.</summary>
    private static void Lift(Span<int> s, Span<int> d, int k, int c, int sign)
    {
        int ns = s.Length;
        int nd = d.Length;
        if ((k & 1) == 0)
        {
            for (int i = 0; i < nd; i++)
            {
                int right = i + 1 < ns ? s[i + 1] : s[ns - 1];
                d[i] += sign * (int)((c * (long)(s[i] + right) + Round) >> Shift);
            }
        }
        else
        {
            for (int i = 0; i < ns; i++)
            {
                int left = i > 0 ? d[i - 1] : d[0];
                int right = i < nd ? d[i] : d[nd - 1];
                s[i] += sign * (int)((c * (long)(left + right) + Round) >> Shift);
            }
        }
    }
}
