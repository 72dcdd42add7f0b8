using TextSketch.Core.Format;
using TextSketch.Core.Imaging;

namespace TextSketch.Core.Decoding;

/// <summary>
/// Record to image. Every decoder — weight-free or model-based — takes a decoded record and the decode options and
/// returns an image of the record's Width x Height; the decode job does everything around it (choosing the
/// decoder, the pixel limit, writing files, logs). Decoders are made by <see cref="TskDecoders"/>.
/// </summary>
public interface ITskDecoder : IDisposable
{
    /// <summary>The registry name it was opened under (e.g. "Preview", "Diffusion").</summary>
    string Name { get; }

    /// <summary>True when <see cref="Decode"/> may run on several threads at once (weight-free decoders); false for
    /// decoders that run one record at a time on the calling thread (device memory, per-step progress).</summary>
    bool RunsInParallel { get; }

    /// <summary>Loads what the decoder needs (model sessions, signature checks) once, before the first record, on the
    /// calling thread; reports what the user should know. Throws when the decoder cannot run at all.</summary>
    void Prepare(IMessageSink messages);

    /// <summary>About how many bytes of memory one <see cref="Decode"/> of <paramref name="document"/> holds at its
    /// peak (0: small enough not to matter). The decode job runs parallel decodes only while their sum fits its
    /// memory budget, and refuses a record whose decode alone needs more memory than the process may use.</summary>
    long WorkingBytes(TskDocument document) => 0;

    /// <summary>The image of <paramref name="record"/> at its Width x Height. <paramref name="progress"/> hears of
    /// steps when the decoder has any. Deterministic: the same record and options give the same pixels.</summary>
    DecodedImage Decode(TskRecord record, DecodeOptions options, IProgress<DecodeProgress>? progress, CancellationToken cancellationToken);
}

/// <summary>A decoded image, and what the decoder can say about how it was made (seed, timings; for -Verbose).</summary>
public sealed record DecodedImage(RgbImage Image, string? Details = null);

/// <summary>Progress of one decode (decoders with steps, e.g. denoising).</summary>
public sealed record DecodeProgress(int Step, int TotalSteps, TimeSpan Elapsed)
{
    /// <summary>Time left for this image, from the mean step time so far.</summary>
    public TimeSpan Remaining => Step == 0 ? TimeSpan.Zero : Elapsed / Step * (TotalSteps - Step);
}
