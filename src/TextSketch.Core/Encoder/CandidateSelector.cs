using TextSketch.Core.Clip;
using TextSketch.Core.Decoding;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;

namespace TextSketch.Core.Encoder;

/// <summary>
/// The paper's candidate selection: write the record with each of N candidate indices (0 … N−1, stored in ⌈log2 N⌉
/// bits), decode each with its own seed (the checksum of that record, as every decoder derives it), embed each
/// reconstruction and the original with CLIP's image encoder, and keep the record whose reconstruction is most
/// similar (cosine; ties to the lower index). Each candidate is decoded by the diffusion decoder exactly as a default
/// Expand-TextSketch decodes it (the same img2img start from the record's colour layer), so expanding the chosen
/// record with its own seed gives that reconstruction. The choice runs the decoder, so with -Candidates the record's bytes depend on the execution
/// provider (CPU and CUDA may round differently); without it they never do. Decodes run one at a time.
/// </summary>
public sealed class CandidateSelector : ICandidateSelector
{
    public const int MaxCandidates = 1 << CandidateChoice.MaxBits;

    private readonly ITskDecoder _decoder;
    private readonly ClipEncoder _clip;
    private readonly object _gate = new();

    /// <param name="decoder">The diffusion decoder, prepared.</param>
    public CandidateSelector(ITskDecoder decoder, ClipEncoder clip, int count)
    {
        if (count < 2 || count > MaxCandidates)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"Candidates are 2 to {MaxCandidates}.");
        }

        _decoder = decoder ?? throw new ArgumentNullException(nameof(decoder));
        _clip = clip ?? throw new ArgumentNullException(nameof(clip));
        Count = count;
        Bits = (int)Math.Ceiling(Math.Log2(count));
    }

    public int Count { get; }

    /// <summary>A default Expand-TextSketch's options: the record's seed, the pack's steps, scheduler, guidance and strength.</summary>
    private static DecodeOptions Defaults { get; } = new();

    /// <summary>⌈log2 N⌉: what the index costs in the record.</summary>
    public int Bits { get; }

    /// <summary>The flag announcing a choice (about 4 bits at 1/16), the bit count in Elias-gamma and the index itself.</summary>
    public int ReservedBytes => 3;

    /// <summary>Cosine similarity of each candidate to the original, from the last <see cref="Choose"/> (for reports and tests).</summary>
    public IReadOnlyList<double> LastScores { get; private set; } = [];

    public TskRecord Choose(ImageAnalysis analysis, TskRecord record, RgbImage original, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(original);
        lock (_gate)
        {
            float[] target = _clip.EmbedImage(original);
            var scores = new double[Count];
            var candidates = new TskRecord[Count];
            int best = 0;
            for (int k = 0; k < Count; k++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                candidates[k] = analysis.Write(record.Document with { Candidate = new CandidateChoice(Bits, k) });
                RgbImage candidate = _decoder.Decode(candidates[k], Defaults, null, cancellationToken).Image;
                scores[k] = Dot(target, _clip.EmbedImage(candidate));
                if (scores[k] > scores[best])
                {
                    best = k;
                }
            }

            LastScores = scores;
            return candidates[best];
        }
    }

    private static double Dot(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }
}
