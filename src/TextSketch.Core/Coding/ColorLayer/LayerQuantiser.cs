namespace TextSketch.Core.Coding.ColorLayer;

/// <summary>
/// Step sizes. The quantiser index q (0 … 127, 0 finest) gives the base step Δ = 2^((q − 12) / 12) pixel levels,
/// in integers: Δ·256 = (M[q mod 12] &lt;&lt; (q / 12)) &gt;&gt; 1 with M = round(256 · 2^(i/12)) = 256, 271, 287, 304, 323,
/// 342, 362, 384, 406, 431, 456, 483. A band's step
/// divides Δ by the square root of the band's synthesis gain (the energy its unit coefficient puts into the plane),
/// so that a step costs the same squared error in every band, and multiplies it by the plane's factor (Co is coded
/// 1/sqrt(2/3) coarser: its error weighs 2/3 of Y's in RGB). Samples are in 1/64 pixel levels; steps in 1/16 of
/// a sample unit.
/// </summary>
internal static class LayerQuantiser
{
    public const int Levels = 128;
    public const int QuantiserBits = 7;

    /// <summary>Samples per pixel level.</summary>
    public const int SampleScale = 64;

    /// <summary>Steps are integers in 1/16 of a sample.</summary>
    public const int StepFraction = 16;

    /// <summary>The sample range of a plane: Y 0 … 255, Co and Cg −127.5 … 127.5 pixel levels.</summary>
    public static int MinSample(int channel) => channel == 0 ? 0 : -255 * SampleScale / 2;

    public static int MaxSample(int channel) => channel == 0 ? 255 * SampleScale : 255 * SampleScale / 2;

    private static readonly int[] Mantissa = [256, 271, 287, 304, 323, 342, 362, 384, 406, 431, 456, 483];

    /// <summary>Per-plane step factors in 1/4096: Y, Co, Cg.</summary>
    internal static readonly int[] PlaneFactor = [4096, 5017, 4096];

    /// <summary>Δ in 1/256 pixel levels.</summary>
    public static long BaseStep(int quantiser)
    {
        if ((uint)quantiser >= Levels)
        {
            throw new ArgumentOutOfRangeException(nameof(quantiser), $"The quantiser index is 0 … {Levels - 1}, not {quantiser}.");
        }

        return ((long)Mantissa[quantiser % 12] << (quantiser / 12)) >> 1;
    }

    /// <summary>A band's step in 1/16 sample units (at least 1).</summary>
    public static int BandStep(int quantiser, int plane, BandLayout.Band band, LiftingWavelet wavelet)
    {
        long wx = wavelet.Weight(band.XStages, band.XHigh);
        long wy = wavelet.Weight(band.YStages, band.YHigh);
        long step = (BaseStep(quantiser) * (SampleScale / 16) * PlaneFactor[plane] >> 12) * wx * wy;
        return (int)Math.Clamp((step + (1L << 23)) >> 24, 1, int.MaxValue);
    }

    /// <summary>The coefficient (in samples) of index <paramref name="index"/>: index × step, rounded to the nearest
    /// sample, halves away from zero. (A reconstruction offset towards zero was measured and does not help: the
    /// rate-distortion decisions already push small values to zero.)</summary>
    public static int Dequantise(int index, int step)
    {
        long value = (Math.Abs((long)index) * step + StepFraction / 2) / StepFraction;
        value = Math.Min(value, 1 << 24); // only corrupt input gets here
        return index < 0 ? -(int)value : (int)value;
    }

    internal static int[] Weights(LiftingWavelet wavelet, bool high)
    {
        var weights = new int[BandLayout.MaxLevels + 1];
        for (int k = 0; k <= BandLayout.MaxLevels; k++)
        {
            weights[k] = (int)Math.Round(4096 / Math.Sqrt(Gain(wavelet, k, high)));
        }

        return weights;
    }

    internal static double Gain(LiftingWavelet wavelet, int stages, bool high)
    {
        if (stages == 0)
        {
            return 1;
        }

        const int n = 4096;
        const int amplitude = 1 << 20;
        var signal = new int[n];
        int bandStart = high ? n >> stages : 0;
        int bandLength = n >> stages;
        signal[bandStart + bandLength / 2] = amplitude;
        var scratch = new int[n];
        for (int s = stages; s >= 1; s--)
        {
            wavelet.Inverse(signal, 0, 1, n >> (s - 1), scratch);
        }

        double energy = 0;
        foreach (int v in signal)
        {
            energy += (double)v * v;
        }

        return energy / ((double)amplitude * amplitude);
    }
}
