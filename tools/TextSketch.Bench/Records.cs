namespace TextSketch.Bench;

/// <summary>A byte budget to meet: Label says where it comes from (a TextSketch mode, or a multiple of one).</summary>
public sealed record Budget(string Label, int Bytes);

/// <summary>One benchmark photo and the byte budgets the classical codecs must meet for it.</summary>
public sealed record PhotoPlan(string Name, string Photo, List<Budget> Budgets);

/// <summary>The best setting of one classical codec within one budget.</summary>
public sealed record AnchorResult(
    string Name,
    string Codec,
    string BudgetLabel,
    int Budget,
    bool Fits,
    int Bytes,
    int ThumbWidth,
    int ThumbHeight,
    string Setting,
    double EncodeMs,
    int Trials,
    double Psnr,
    string? Path)
{
    /// <summary>The thumbnail the winner was encoded from (for the timing pass).</summary>
    public string? Thumbnail { get; init; }

    /// <summary>The codec's own setting value of the winner.</summary>
    public string? SettingValue { get; init; }
}

/// <summary>One row of the benchmark: a reconstruction, its size and every metric (written by 30-quality.ps1).</summary>
public sealed record ResultRow(
    string Name,
    string Codec,
    string BudgetLabel,
    bool Fits,
    int Bytes,
    double Bpp,
    string? Setting,
    double? EncodeMs,
    double? Psnr,
    double? Ssim,
    double? MsSsim,
    double? EdgeF1,
    double? FeatureDistance,
    string Photo,
    string? Path,
    string? SketchPath,
    int Width,
    int Height);
