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

    public static uint Clamp(int probability) =>
        (uint)(probability < Min ? Min : probability > Max ? Max : probability);

    /// <summary>-log2(p / 65536): statistics only, never affects coded bytes.</summary>
    public static double Cost(uint probability) => -Math.Log2(Math.Max(1u, probability) / (double)One);
}
