namespace TextSketch.Core.Sketch.PiDiNet;

/// <summary>The convolution types of PiDiNet's layers (Su et al., ICCV 2021, section 3).</summary>
public enum PixelDifference
{
    /// <summary>A plain convolution ("cv").</summary>
    Vanilla,

    /// <summary>Central differences x_i - x_c ("cd", CPDC).</summary>
    Central,

    /// <summary>Angular differences between clockwise neighbours on the 3x3 ring ("ad", APDC).</summary>
    Angular,

    /// <summary>Radial differences between the 5x5 ring and the 3x3 ring ("rd", RPDC).</summary>
    Radial,
}

/// <summary>
/// Folds a pixel-difference convolution into the plain convolution kernel that gives the same output, as the
/// paper shows (its equations 2-4 and figure 4): the difference is linear in the weights, so sum_i w_i (x_i - x_j)
/// regroups into sum_i w'_i x_i. Input kernels are PyTorch's [out, in/groups, 3, 3]; the folded kernel is 3x3
/// (cd, ad) or 5x5 (rd, which reaches the second ring).
/// </summary>
public static class PixelDifferenceKernels
{
    // APDC weighs x_j - x_next(j), each ring position minus its clockwise neighbour (ring order 0,1,2,5,8,7,6,3 of
    // the row-major 3x3); regrouped per pixel, position i takes w_i - w_prev(i). prev(i) for i = 0..8 (the centre
    // is its own, so its folded weight is 0):
    private static readonly int[] ClockwisePredecessor = [3, 0, 1, 6, 4, 2, 7, 8, 5];

    // RPDC: the 3x3 weights 1..8 (ring positions; weight 0 is not used) weigh x(outer ring) - x(inner ring) along
    // the eight directions; in a 5x5 kernel the outer positions take +w and the inner ones -w.
    private static readonly int[] RadialOuter = [0, 2, 4, 10, 14, 20, 22, 24];
    private static readonly int[] RadialInner = [6, 7, 8, 11, 13, 16, 17, 18];

    public static int KernelSize(PixelDifference type) => type == PixelDifference.Radial ? 5 : 3;

    /// <summary>The plain kernels, [count, KernelSize, KernelSize] flattened, for <paramref name="weights"/> holding
    /// <c>weights.Length / 9</c> 3x3 kernels.</summary>
    public static float[] Fold(PixelDifference type, ReadOnlySpan<float> weights)
    {
        if (weights.Length % 9 != 0)
        {
            throw new ArgumentException($"{weights.Length} weights are not a whole number of 3x3 kernels.", nameof(weights));
        }

        int count = weights.Length / 9;
        int size = KernelSize(type);
        var folded = new float[count * size * size];
        for (int k = 0; k < count; k++)
        {
            ReadOnlySpan<float> w = weights.Slice(9 * k, 9);
            Span<float> f = folded.AsSpan(k * size * size, size * size);
            switch (type)
            {
                case PixelDifference.Vanilla:
                    w.CopyTo(f);
                    break;
                case PixelDifference.Central:
                    // sum_i w_i (x_i - x_c) = sum_i w_i x_i - (sum_i w_i) x_c: the centre weight loses the kernel's sum.
                    // The sum runs in double, in index order, so the folded weight is the same on every machine.
                    w.CopyTo(f);
                    double sum = 0;
                    for (int i = 0; i < 9; i++)
                    {
                        sum += w[i];
                    }

                    f[4] = (float)(w[4] - sum);
                    break;
                case PixelDifference.Angular:
                    for (int i = 0; i < 9; i++)
                    {
                        f[i] = w[i] - w[ClockwisePredecessor[i]];
                    }

                    break;
                case PixelDifference.Radial:
                    for (int i = 0; i < 8; i++)
                    {
                        f[RadialOuter[i]] = w[i + 1];
                        f[RadialInner[i]] = -w[i + 1];
                    }

                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(type), type, null);
            }
        }

        return folded;
    }
}
