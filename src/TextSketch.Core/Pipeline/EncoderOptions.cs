using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Sketch;

namespace TextSketch.Core.Pipeline;

public sealed record EncoderOptions
{
    public static EncoderOptions Default { get; } = new();

    public TextSketchMode Mode { get; init; } = TextSketchMode.TextSketch;

    public ImageReadOptions Image { get; init; } = ImageReadOptions.Default;

    public SketchOptions Sketch { get; init; } = SketchOptions.Default;

    /// <summary>Look for a caption in XMP / IPTC / EXIF when none is given.</summary>
    public bool UseMetadataCaption { get; init; } = true;
}
