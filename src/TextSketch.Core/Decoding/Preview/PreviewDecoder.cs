using TextSketch.Core.Format;

namespace TextSketch.Core.Decoding.Preview;

/// <summary>The weight-free decoder (<see cref="PreviewRenderer"/>): runs everywhere, in parallel, ignores the seed.</summary>
public sealed class PreviewDecoder : ITskDecoder
{
    public static TskDecoderEntry Entry { get; } = new("Preview", "colour layout shaped by the sketch", _ => null, _ => new PreviewDecoder());

    public string Name => Entry.Name;

    public bool RunsInParallel => true;

    public void Prepare(IMessageSink messages)
    {
    }

    public DecodedImage Decode(TskRecord record, DecodeOptions options, IProgress<DecodeProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new DecodedImage(PreviewRenderer.Render(record.Document));
    }

    public void Dispose()
    {
    }
}
