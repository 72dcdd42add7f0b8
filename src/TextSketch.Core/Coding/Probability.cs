namespace TextSketch.Core.Coding;

/// <summary>Fixed-point probabilities in 1/65536 shared by the coder and the models.</summary>
public static class Probability
{
    public const int Bits = 16;
    public const uint One = 1u << Bits;
    public const int Half = 1 << (Bits - 1);

    /// <summary>Models never reach certainty: a 1/65536 floor keeps every symbol codable.</summary>
    public const int Min = 1;
    public const int Max = (1 << Bits) - 1;

    private static readonly double[] CostTable = BuildCostTable();

    public static uint Clamp(int probability) =>
        (uint)(probability < Min ? Min : probability > Max ? Max : probability);

    /// <summary>-log2(p / 65536), looked up at 1/4096 resolution: statistics only, never affects coded bytes.</summary>
    public static double Cost(uint probability) => CostTable[Math.Max(1u, probability >> 4)];

    private static double[] BuildCostTable()
    {
        var table = new double[4097];
        for (int i = 1; i <= 4096; i++)
        {
            table[i] = -Math.Log2((i - 0.5) / 4096.0);
        }

        table[0] = table[1];
        return table;
    }
}
