using TextSketch.Core.Imaging;

namespace TextSketch.Core.Metrics;

/// <summary>Every quality score of one reconstruction against its reference.</summary>
/// <param name="Width">The reference's size: the size everything was compared at.</param>
/// <param name="Resampled">Whether the test image had another size and was resampled to the reference's.</param>
/// <param name="Psnr">dB on 8-bit RGB; +∞ for identical images.</param>
/// <param name="Ssim">Single-scale SSIM, mean of R, G, B.</param>
/// <param name="MsSsim">MS-SSIM, mean of R, G, B; null below <see cref="Ssim.MultiScaleMinimumSide"/> pixels a side.</param>
/// <param name="EdgeF1">See <see cref="Metrics.EdgeF1"/>.</param>
/// <param name="FeatureDistance">Cosine distance of ResNet-18 features; null without the model.</param>
/// <param name="ClipDistance">Cosine distance of CLIP image embeddings; null without a CLIP embedder.</param>
/// <param name="TestFeatures">The test image's ResNet-18 features (for set statistics); null without the model.</param>
/// <param name="ReferenceFeatures">The reference's ResNet-18 features; null without the model.</param>
public sealed record QualityScores(
    int Width,
    int Height,
    bool Resampled,
    double Psnr,
    double Ssim,
    double? MsSsim,
    double EdgeF1,
    double? FeatureDistance,
    double? ClipDistance,
    float[]? ReferenceFeatures,
    float[]? TestFeatures);

/// <summary>
/// Compares reconstructions with their references. Images of another size are first resampled to the reference's
/// size (<see cref="MetricImages.Resize"/>). Feature-based distances are computed only when their embedders are
/// given: <c>features</c> (ResNet-18, <see cref="ResNetFeatureExtractor"/>) and <c>clipEmbedder</c> — the seam for the
/// CLIP image encoder of the clip-vit-b32 pack, which gives ClipDistance. Thread-safe: pairs may be scored in
/// parallel.
/// </summary>
public sealed class QualityMeter
{
    private readonly IImageEmbedder? _features;
    private readonly IImageEmbedder? _clip;
    private readonly EdgeF1Options _edges;

    public QualityMeter(IImageEmbedder? features = null, IImageEmbedder? clipEmbedder = null, EdgeF1Options? edgeOptions = null)
    {
        _features = features;
        _clip = clipEmbedder;
        _edges = edgeOptions ?? EdgeF1Options.Default;
    }

    public bool HasFeatures => _features is not null;

    public bool HasClip => _clip is not null;

    public QualityScores Compare(RgbImage reference, RgbImage test, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(test);
        if (reference.Width < Ssim.WindowSize || reference.Height < Ssim.WindowSize)
        {
            throw new TextSketchException("ImageTooSmallToMeasure",
                $"The reference is {reference.Width}x{reference.Height}; quality is measured on images of at least {Ssim.WindowSize}x{Ssim.WindowSize} pixels.");
        }

        bool resampled = test.Width != reference.Width || test.Height != reference.Height;
        RgbImage aligned = MetricImages.Resize(test, reference.Width, reference.Height);
        double psnr = Metrics.Psnr.Compute(reference, aligned);
        double ssim = Metrics.Ssim.Compute(reference, aligned);
        cancellationToken.ThrowIfCancellationRequested();
        double? msSsim = Metrics.Ssim.MultiScale(reference, aligned);
        double edgeF1 = Metrics.EdgeF1.Compute(reference, aligned, _edges);
        cancellationToken.ThrowIfCancellationRequested();
        float[]? referenceFeatures = null, testFeatures = null;
        double? featureDistance = null;
        if (_features is not null)
        {
            referenceFeatures = _features.EmbedImage(reference);
            testFeatures = _features.EmbedImage(aligned);
            featureDistance = FeatureStatistics.CosineDistance(referenceFeatures, testFeatures);
        }

        double? clipDistance = null;
        if (_clip is not null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            clipDistance = FeatureStatistics.CosineDistance(_clip.EmbedImage(reference), _clip.EmbedImage(aligned));
        }

        return new QualityScores(reference.Width, reference.Height, resampled, psnr, ssim, msSsim, edgeF1, featureDistance, clipDistance, referenceFeatures, testFeatures);
    }
}
