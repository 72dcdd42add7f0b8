namespace TextSketch.Core.Metrics;

/// <summary>Distances between feature vectors and between sets of them.</summary>
public static class FeatureStatistics
{
    /// <summary>1 − cos(a, b). 0 for identical directions; two all-zero vectors are identical (0), one is not (1).</summary>
    public static double CosineDistance(IReadOnlyList<float> a, IReadOnlyList<float> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"Feature vectors differ in length ({a.Count} and {b.Count}).", nameof(b));
        }

        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Count; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        if (na == 0 || nb == 0)
        {
            return na == nb ? 0 : 1;
        }

        // Clamp: rounding can push cos a hair past 1 for identical vectors.
        return Math.Max(0, 1 - dot / Math.Sqrt(na * nb));
    }

    /// <summary>
    /// Fréchet distance between Gaussians fitted to two sets of feature vectors (the construction FID uses; here on
    /// whatever features are given, e.g. ResNet-18's — it is not Inception FID):
    /// |μ₁ − μ₂|² + Tr Σ₁ + Tr Σ₂ − 2 Tr (Σ₁Σ₂)^½, covariances with 1/(n−1). Tr (Σ₁Σ₂)^½ is the sum of the square roots of
    /// the eigenvalues of a symmetric matrix with the same non-zero spectrum as Σ₁Σ₂: (ABᵀ)(ABᵀ)ᵀ from the centred data
    /// (rows A, B) when a set is smaller than the dimension, else LᵀΣ₂L with Σ₁ = LLᵀ (Cholesky). Each set needs at least two vectors;
    /// small sets give a biased, noisy value (FID practice uses thousands of images).
    /// </summary>
    public static double FrechetDistance(IReadOnlyList<float[]> first, IReadOnlyList<float[]> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Count < 2 || second.Count < 2)
        {
            throw new ArgumentException("A Fréchet distance needs at least two feature vectors in each set.");
        }

        int d = first[0].Length;
        if (first.Concat(second).Any(v => v.Length != d))
        {
            throw new ArgumentException("All feature vectors must have the same length.");
        }

        double[] mean1 = Mean(first, d);
        double[] mean2 = Mean(second, d);
        double[,] a = Centred(first, mean1);
        double[,] b = Centred(second, mean2);
        double meanTerm = 0;
        for (int i = 0; i < d; i++)
        {
            meanTerm += (mean1[i] - mean2[i]) * (mean1[i] - mean2[i]);
        }

        double trace1 = SumOfSquares(a);
        double trace2 = SumOfSquares(b);
        double[,] symmetric = Math.Min(first.Count, second.Count) <= d
            ? GramOfCross(a, b)
            : CholeskySandwich(Covariance(a), Covariance(b));
        double rootTrace = SymmetricEigenvalues(symmetric).Sum(l => Math.Sqrt(Math.Max(l, 0)));
        return Math.Max(0, meanTerm + trace1 + trace2 - 2 * rootTrace);
    }

    private static double[] Mean(IReadOnlyList<float[]> set, int d)
    {
        var mean = new double[d];
        foreach (float[] v in set)
        {
            for (int i = 0; i < d; i++)
            {
                mean[i] += v[i];
            }
        }

        for (int i = 0; i < d; i++)
        {
            mean[i] /= set.Count;
        }

        return mean;
    }

    /// <summary>Rows = vectors minus the mean, scaled by 1/√(n−1), so that Σ = XᵀX.</summary>
    private static double[,] Centred(IReadOnlyList<float[]> set, double[] mean)
    {
        int n = set.Count;
        int d = mean.Length;
        double scale = 1 / Math.Sqrt(n - 1);
        var x = new double[n, d];
        for (int r = 0; r < n; r++)
        {
            for (int i = 0; i < d; i++)
            {
                x[r, i] = (set[r][i] - mean[i]) * scale;
            }
        }

        return x;
    }

    private static double SumOfSquares(double[,] x)
    {
        double sum = 0;
        foreach (double v in x)
        {
            sum += v * v;
        }

        return sum;
    }

    /// <summary>C·Cᵀ (or Cᵀ·C, whichever is smaller) for C = A·Bᵀ: its eigenvalues are those of Σ₁Σ₂ (non-zero part).</summary>
    private static double[,] GramOfCross(double[,] a, double[,] b)
    {
        int n1 = a.GetLength(0), n2 = b.GetLength(0), d = a.GetLength(1);
        var c = new double[n1, n2];
        for (int i = 0; i < n1; i++)
        {
            for (int j = 0; j < n2; j++)
            {
                double s = 0;
                for (int k = 0; k < d; k++)
                {
                    s += a[i, k] * b[j, k];
                }

                c[i, j] = s;
            }
        }

        bool rows = n1 <= n2;
        int m = rows ? n1 : n2;
        int inner = rows ? n2 : n1;
        var g = new double[m, m];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double s = 0;
                for (int k = 0; k < inner; k++)
                {
                    s += rows ? c[i, k] * c[j, k] : c[k, i] * c[k, j];
                }

                g[i, j] = s;
                g[j, i] = s;
            }
        }

        return g;
    }

    private static double[,] Covariance(double[,] x)
    {
        int n = x.GetLength(0), d = x.GetLength(1);
        var s = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = 0;
                for (int r = 0; r < n; r++)
                {
                    sum += x[r, i] * x[r, j];
                }

                s[i, j] = sum;
                s[j, i] = sum;
            }
        }

        return s;
    }

    /// <summary>Lᵀ·S₂·L with S₁ = L·Lᵀ; a tiny ridge keeps the Cholesky factor defined when S₁ is near singular.</summary>
    private static double[,] CholeskySandwich(double[,] s1, double[,] s2)
    {
        int d = s1.GetLength(0);
        double ridge = 1e-10 * Math.Max(1e-300, Enumerable.Range(0, d).Average(i => s1[i, i]));
        var l = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = s1[i, j] + (i == j ? ridge : 0);
                for (int k = 0; k < j; k++)
                {
                    sum -= l[i, k] * l[j, k];
                }

                l[i, j] = i == j ? Math.Sqrt(Math.Max(sum, ridge)) : sum / l[j, j];
            }
        }

        var t = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double sum = 0;
                for (int k = j; k < d; k++)
                {
                    sum += s2[i, k] * l[k, j];
                }

                t[i, j] = sum;
            }
        }

        var result = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = 0;
                for (int k = i; k < d; k++)
                {
                    sum += l[k, i] * t[k, j];
                }

                result[i, j] = sum;
                result[j, i] = sum;
            }
        }

        return result;
    }

    /// <summary>Eigenvalues of a symmetric matrix by cyclic Jacobi rotations (robust, and fast enough for 512x512).</summary>
    internal static double[] SymmetricEigenvalues(double[,] matrix)
    {
        int n = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0, diagonal = 0;
            for (int i = 0; i < n; i++)
            {
                diagonal += a[i, i] * a[i, i];
                for (int j = i + 1; j < n; j++)
                {
                    off += a[i, j] * a[i, j];
                }
            }

            if (off <= 1e-30 * Math.Max(diagonal, 1e-300))
            {
                break;
            }

            for (int p = 0; p < n - 1; p++)
            {
                for (int q = p + 1; q < n; q++)
                {
                    double apq = a[p, q];
                    if (Math.Abs(apq) < 1e-300)
                    {
                        continue;
                    }

                    double theta = (a[q, q] - a[p, p]) / (2 * apq);
                    double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0)
                    {
                        t = 1;
                    }

                    double c = 1 / Math.Sqrt(t * t + 1);
                    double s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k, p];
                        double akq = a[k, q];
                        a[k, p] = c * akp - s * akq;
                        a[k, q] = s * akp + c * akq;
                    }

                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p, k];
                        double aqk = a[q, k];
                        a[p, k] = c * apk - s * aqk;
                        a[q, k] = s * apk + c * aqk;
                    }
                }
            }
        }

        var values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = a[i, i];
        }

        return values;
    }
}
