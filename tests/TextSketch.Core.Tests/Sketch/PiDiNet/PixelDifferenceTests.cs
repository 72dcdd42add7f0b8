using TextSketch.Core.Sketch.PiDiNet;

namespace TextSketch.Core.Tests.Sketch.PiDiNet;

/// <summary>
/// The folded kernels against the difference forms they replace, computed directly on a zero-padded random image:
/// CPDC sum_i w_i (x_i - x_c); APDC sum_j w_j (x_j - x_next(j)) around the 3x3 ring clockwise; RPDC
/// sum_k w_(k+1) (x(p + 2 d_k) - x(p + d_k)) over the eight directions d_k in row-major order.
/// </summary>
public sealed class PixelDifferenceTests
{
    private const int H = 9, W = 11;

    // 3x3 positions (row-major) in clockwise ring order, starting top-left.
    private static readonly int[] Ring = [0, 1, 2, 5, 8, 7, 6, 3];

    private static readonly (int Dy, int Dx)[] Directions = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)];

    [Theory]
    [InlineData(PixelDifference.Vanilla)]
    [InlineData(PixelDifference.Central)]
    [InlineData(PixelDifference.Angular)]
    [InlineData(PixelDifference.Radial)]
    public void A_folded_kernel_computes_the_pixel_difference_convolution(PixelDifference type)
    {
        var random = new Random(13 + (int)type);
        float[] x = Enumerable.Range(0, H * W).Select(_ => (float)random.NextDouble()).ToArray();
        float[] w = Enumerable.Range(0, 9).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] folded = PixelDifferenceKernels.Fold(type, w);
        int size = PixelDifferenceKernels.KernelSize(type);
        Assert.Equal(size * size, folded.Length);

        for (int y = 0; y < H; y++)
        {
            for (int xx = 0; xx < W; xx++)
            {
                double conv = 0;
                for (int ky = 0; ky < size; ky++)
                {
                    for (int kx = 0; kx < size; kx++)
                    {
                        conv += folded[ky * size + kx] * At(x, y + ky - size / 2, xx + kx - size / 2);
                    }
                }

                Assert.Equal(Direct(type, x, w, y, xx), conv, tolerance: 1e-5);
            }
        }
    }

    [Fact]
    public void Carv4_repeats_cd_ad_rd_cv_over_the_16_layers()
    {
        Assert.Equal("cd,ad,rd,cv,cd,ad,rd,cv,cd,ad,rd,cv,cd,ad,rd,cv", string.Join(",", PiDiNetArchitecture.Carv4.Select(PiDiNetArchitecture.Code)));
        Assert.Equal(83, PiDiNetArchitecture.Table5.Schema.Entries.Count);
    }

    private static double Direct(PixelDifference type, float[] x, float[] w, int y, int xx)
    {
        double Neighbour(int position) => At(x, y + position / 3 - 1, xx + position % 3 - 1);
        double sum = 0;
        switch (type)
        {
            case PixelDifference.Vanilla:
                for (int i = 0; i < 9; i++)
                {
                    sum += w[i] * Neighbour(i);
                }

                break;
            case PixelDifference.Central:
                for (int i = 0; i < 9; i++)
                {
                    sum += w[i] * (Neighbour(i) - Neighbour(4));
                }

                break;
            case PixelDifference.Angular:
                for (int r = 0; r < 8; r++)
                {
                    sum += w[Ring[r]] * (Neighbour(Ring[r]) - Neighbour(Ring[(r + 1) % 8]));
                }

                break;
            case PixelDifference.Radial:
                for (int k = 0; k < 8; k++)
                {
                    (int dy, int dx) = Directions[k];
                    sum += w[k + 1] * (At(x, y + 2 * dy, xx + 2 * dx) - At(x, y + dy, xx + dx));
                }

                break;
        }

        return sum;
    }

    private static double At(float[] x, int y, int xx) => y is >= 0 and < H && xx is >= 0 and < W ? x[y * W + xx] : 0;
}
