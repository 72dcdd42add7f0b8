using TextSketch.Core.Metrics;

namespace TextSketch.Core.Tests.Metrics;

public class FeatureStatisticsTests
{
    [Fact]
    public void CosineDistanceClosedForms()
    {
        Assert.Equal(0, FeatureStatistics.CosineDistance([1f, 2f, 3f], [2f, 4f, 6f]), 12);
        Assert.Equal(1, FeatureStatistics.CosineDistance([1f, 0f], [0f, 1f]), 12);
        Assert.Equal(1 - Math.Sqrt(0.5), FeatureStatistics.CosineDistance([1f, 0f], [1f, 1f]), 7);
        Assert.Equal(0, FeatureStatistics.CosineDistance([0f, 0f], [0f, 0f]));
        Assert.Equal(1, FeatureStatistics.CosineDistance([0f, 0f], [0f, 1f]));
    }

    [Fact]
    public void JacobiFindsKnownEigenvalues()
    {
        // [[2,1,0],[1,2,0],[0,0,5]] has eigenvalues 1, 3, 5.
        double[] values = FeatureStatistics.SymmetricEigenvalues(new double[,] { { 2, 1, 0 }, { 1, 2, 0 }, { 0, 0, 5 } });
        Assert.Equal([1.0, 3.0, 5.0], values.Order().Select(v => Math.Round(v, 10)));
    }

    [Fact]
    public void FrechetDistanceOfASetWithItselfIsZero()
    {
        List<float[]> set = Vectors(12, 6, seed: 3);
        Assert.Equal(0, FeatureStatistics.FrechetDistance(set, set), 6);
    }

    [Fact]
    public void FrechetDistanceOfAShiftedSetIsTheSquaredShift()
    {
        // Same covariance, means apart by (1, 2, 0, …): FD = |Δμ|² = 5. Covers both the small-set path (n ≤ d) …
        List<float[]> set = Vectors(5, 8, seed: 4);
        List<float[]> shifted = set.Select(v => v.Select((x, i) => x + (i == 0 ? 1f : i == 1 ? 2f : 0f)).ToArray()).ToList();
        Assert.Equal(5, FeatureStatistics.FrechetDistance(set, shifted), 4);
        // … and the Cholesky path (n > d).
        List<float[]> many = Vectors(40, 4, seed: 5);
        List<float[]> manyShifted = many.Select(v => v.Select((x, i) => x + (i == 0 ? 1f : i == 1 ? 2f : 0f)).ToArray()).ToList();
        Assert.Equal(5, FeatureStatistics.FrechetDistance(many, manyShifted), 4);
    }

    [Fact]
    public void FrechetDistanceOfScaledGaussiansMatchesTheClosedForm()
    {
        // Σ₂ = s²Σ₁ with equal means: FD = Tr Σ₁ (1 + s² − 2s) = (1 − s)² Tr Σ₁, on both paths.
        foreach ((int n, int d) in new[] { (6, 10), (50, 5) })
        {
            List<float[]> set = Centre(Vectors(n, d, seed: 9));
            List<float[]> scaled = set.Select(v => v.Select(x => 3 * x).ToArray()).ToList();
            double trace = Trace(set);
            Assert.Equal(4 * trace, FeatureStatistics.FrechetDistance(set, scaled), 3);
        }
    }

    private static double Trace(List<float[]> set)
    {
        int d = set[0].Length;
        double total = 0;
        for (int i = 0; i < d; i++)
        {
            double mean = set.Average(v => (double)v[i]);
            total += set.Sum(v => (v[i] - mean) * (v[i] - mean)) / (set.Count - 1);
        }

        return total;
    }

    /// <summary>The vectors minus their mean, so that scaling them leaves the mean at 0.</summary>
    private static List<float[]> Centre(List<float[]> set)
    {
        int d = set[0].Length;
        float[] mean = Enumerable.Range(0, d).Select(i => set.Average(v => v[i])).ToArray();
        return set.Select(v => v.Select((x, i) => x - mean[i]).ToArray()).ToList();
    }

    private static List<float[]> Vectors(int count, int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToList();
    }
}
