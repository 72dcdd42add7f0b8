using TextSketch.Core.Caption;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Sketch;

namespace TextSketch.Core.Encoder;

public sealed record EncoderOptions
{
    public static EncoderOptions Default { get; } = new();

    public TextSketchMode Mode { get; init; } = TextSketchMode.TextSketch;

    public ImageReadOptions Image { get; init; } = ImageReadOptions.Default;

    public SketchOptions Sketch { get; init; } = SketchOptions.Default;

    /// <summary>Hard budget for the whole record in bytes (-MaxBytes); null: <see cref="TextSketchDefaults.RecordBudgetBytes"/>,
    /// softened so the sketch keeps at least <see cref="RateControl.MinimumSketchBytes"/>.</summary>
    public int? MaxBytes { get; init; }

    /// <summary>Look for a caption in XMP / IPTC / EXIF when none is given.</summary>
    public bool UseMetadataCaption { get; init; } = true;

    /// <summary>Writes the caption when neither -Caption nor metadata gives one (see <see cref="EncoderModels"/>).</summary>
    public ICaptioner? Captioner { get; init; }

    /// <summary>A learned sketch model; null uses the built-in <see cref="Sketch.EdgeDetector"/>.</summary>
    public ISketchDetector? SketchDetector { get; init; }

    /// <summary>Chooses the decoder seed whose reconstruction is closest to the original (-Candidates); null: no choice.</summary>
    public ICandidateSelector? CandidateSelector { get; init; }
}
