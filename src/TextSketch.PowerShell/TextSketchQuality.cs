namespace TextSketch;

/// <summary>
/// Quality of one reconstruction against its reference (Measure-TextSketch). Everything is compared at the
/// reference's size; a reconstruction of another size is resampled first (<see cref="Resampled"/>).
/// </summary>
public sealed class TextSketchQuality
{
    internal TextSketchQuality(string referencePath, string path, Core.Metrics.QualityScores scores)
    {
        ReferencePath = referencePath;
        Path = path;
        Width = scores.Width;
        Height = scores.Height;
        Resampled = scores.Resampled;
        Psnr = scores.Psnr;
        Ssim = scores.Ssim;
        MsSsim = scores.MsSsim;
        EdgeF1 = scores.EdgeF1;
        FeatureDistance = scores.FeatureDistance;
        ClipDistance = scores.ClipDistance;
    }

    public string ReferencePath { get; }

    public string Path { get; }

    /// <summary>The table's Name: the reconstruction's file name.</summary>
    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>Width of the reference: the size the images were compared at.</summary>
    public int Width { get; }

    public int Height { get; }

    /// <summary>True when the reconstruction had another size and was resampled (bicubic) to the reference's.</summary>
    public bool Resampled { get; }

    /// <summary>PSNR in dB on 8-bit RGB, as ImageMagick's compare -metric PSNR; +Infinity for identical images.</summary>
    public double Psnr { get; }

    /// <summary>Single-scale SSIM (11x11 Gaussian, σ 1.5), mean of R, G and B.</summary>
    public double Ssim { get; }

    /// <summary>MS-SSIM (5 scales, Wang et al. 2003), mean of R, G and B; $null when a side is under 161 pixels.</summary>
    public double? MsSsim { get; }

    /// <summary>F1 of the edge maps, 2-pixel tolerance at an analysis size of at most 384 pixels a side.</summary>
    public double EdgeF1 { get; }

    /// <summary>Cosine distance of ResNet-18 pooled features (0 = same); $null when the model is not available.</summary>
    public double? FeatureDistance { get; }

    /// <summary>Cosine distance of CLIP image embeddings (the paper's d_CLIP); $null without a CLIP image encoder.</summary>
    public double? ClipDistance { get; }

    public override string ToString() => $"{Name}: {Psnr:0.00} dB";
}

/// <summary>Quality of a folder of reconstructions against a folder of references, paired by base name.</summary>
public sealed class TextSketchQualitySet
{
    internal TextSketchQualitySet(string referencePath, string path, IReadOnlyList<TextSketchQuality> pairs,
        double? featureFrechetDistance, IReadOnlyList<string> onlyInReference, IReadOnlyList<string> onlyInPath)
    {
        ReferencePath = referencePath;
        Path = path;
        Pairs = pairs.ToArray();
        Count = Pairs.Length;
        Psnr = Mean(Pairs.Select(p => (double?)p.Psnr));
        Ssim = Mean(Pairs.Select(p => (double?)p.Ssim));
        MsSsim = Mean(Pairs.Select(p => p.MsSsim));
        EdgeF1 = Mean(Pairs.Select(p => (double?)p.EdgeF1));
        FeatureDistance = Mean(Pairs.Select(p => p.FeatureDistance));
        ClipDistance = Mean(Pairs.Select(p => p.ClipDistance));
        FeatureFrechetDistance = featureFrechetDistance;
        OnlyInReference = onlyInReference.ToArray();
        OnlyInPath = onlyInPath.ToArray();
    }

    /// <summary>The reference folder.</summary>
    public string ReferencePath { get; }

    /// <summary>The folder of reconstructions.</summary>
    public string Path { get; }

    /// <summary>Pairs measured (pairs that failed are reported as errors and left out).</summary>
    public int Count { get; }

    /// <summary>Mean of the pairs' PSNR (+Infinity if any pair is identical).</summary>
    public double? Psnr { get; }

    public double? Ssim { get; }

    /// <summary>Mean over the pairs that have an MS-SSIM.</summary>
    public double? MsSsim { get; }

    public double? EdgeF1 { get; }

    public double? FeatureDistance { get; }

    public double? ClipDistance { get; }

    /// <summary>
    /// Fréchet distance between Gaussians fitted to the ResNet-18 features of the two folders (FID's construction on
    /// ResNet-18 features; not Inception FID, not comparable with published FID numbers). Needs at least 2 pairs and the
    /// model; noisy and biased for small sets.
    /// </summary>
    public double? FeatureFrechetDistance { get; }

    /// <summary>How many images had no partner (<see cref="OnlyInReference"/> plus <see cref="OnlyInPath"/>).</summary>
    public int Unpaired => OnlyInReference.Length + OnlyInPath.Length;

    /// <summary>Base names of reference images without a reconstruction.</summary>
    public string[] OnlyInReference { get; }

    /// <summary>Base names of reconstructions without a reference.</summary>
    public string[] OnlyInPath { get; }

    /// <summary>The per-image results.</summary>
    public TextSketchQuality[] Pairs { get; }

    private static double? Mean(IEnumerable<double?> values)
    {
        double[] present = values.Where(v => v.HasValue).Select(v => v!.Value).ToArray();
        return present.Length == 0 ? null : present.Average();
    }
}
