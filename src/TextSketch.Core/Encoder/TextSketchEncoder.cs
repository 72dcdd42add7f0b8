using TextSketch.Core.Caption;
using TextSketch.Core.Color;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Sketch;
using TextSketch.Core.Text;

namespace TextSketch.Core.Encoder;

/// <summary>
/// The encoder: image file to record, in the order of the flow — read, analyse (caption, colour, sketch: <see
/// cref="Analyse(RgbImage, string?, CaptionSource, EncoderOptions, CancellationToken)"/>), rate control (<see
/// cref="RateControl"/>: what of the analysis fits the budget), write (<see cref="ImageAnalysis.Write"/>), then the
/// optional candidate choice. Stateless and thread-safe; the bytes depend only on the file and the options, never on
/// which thread or how many run, nor on what is installed.
/// </summary>
public static class TextSketchEncoder
{
    public static TskRecord Encode(string sourcePath, string? explicitCaption, EncoderOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= EncoderOptions.Default;
        (ImageAnalysis analysis, RgbImage image) = Read(sourcePath, explicitCaption, options, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        if (options.CandidateSelector is not { } selector)
        {
            return RateControl.Code(analysis, options.Mode, options.MaxBytes, options.Sketch.MinComponentPixels);
        }

        // The choice adds a few bits: keep them free of a hard budget.
        TskRecord record = RateControl.Code(analysis, options.Mode, options.MaxBytes - selector.ReservedBytes, options.Sketch.MinComponentPixels);
        return selector.Choose(analysis, record, image, cancellationToken);
    }

    public static ImageAnalysis Analyse(string sourcePath, string? explicitCaption, EncoderOptions options, CancellationToken cancellationToken = default) =>
        Read(sourcePath, explicitCaption, options, cancellationToken).Analysis;

    private static (ImageAnalysis Analysis, RgbImage Image) Read(string sourcePath, string? explicitCaption, EncoderOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sourcePath);
        ArgumentNullException.ThrowIfNull(options);
        (string? caption, CaptionSource source) = ResolveExplicit(explicitCaption);

        using FileStream stream = OpenSource(sourcePath);
        RgbImage image = ImageReader.Read(stream, sourcePath, options.Image);
        cancellationToken.ThrowIfCancellationRequested();

        if (source == CaptionSource.None && explicitCaption is null && options.UseMetadataCaption)
        {
            stream.Position = 0;
            caption = MetadataCaptionReader.Read(stream);
            source = caption is null ? CaptionSource.None : CaptionSource.Metadata;
        }

        ClipTokenizer? vocabulary = null;
        if (source == CaptionSource.None && explicitCaption is null && options.Captioner is not null)
        {
            caption = options.Captioner.Caption(image, cancellationToken);
            source = caption is null ? CaptionSource.None : CaptionSource.Model;
            // An inverted prompt may be stored as token ids, but only over CLIP's own vocabulary: ids of another
            // vocabulary would read back as different words wherever the record is decoded.
            vocabulary = caption is not null && options.Captioner.TokenVocabulary is { } tokens && ClipVocabulary.IsStandard(tokens) ? tokens : null;
        }

        return (Analyse(image, caption, source, options, cancellationToken) with { CaptionVocabulary = vocabulary }, image);
    }

    /// <summary>Analysis of pixels already in memory (the caption already decided).</summary>
    public static ImageAnalysis Analyse(RgbImage image, string? caption, CaptionSource source, EncoderOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Width > TskFile.MaxDimension || image.Height > TskFile.MaxDimension)
        {
            throw new TextSketchException("ImageTooLarge",
                $"A {image.Width}x{image.Height} image exceeds the record's limit of {TskFile.MaxDimension} pixels per side.");
        }

        ColorHint? color = null;
        EdgeMap? sketch = null;
        SketchSource sketchSource = SketchSource.BuiltIn;
        int divisor = 1;
        if (options.Mode == TextSketchMode.TextSketch)
        {
            color = ColorHint.Extract(image);
            divisor = SketchGeometry.ChooseDivisor(image.Width, image.Height, options.Sketch.TargetPixels);
            (int w, int h) = SketchGeometry.Size(image.Width, image.Height, divisor);
            sketch = options.SketchDetector is { } model
                ? model.Detect(image, w, h, options.Sketch, cancellationToken)
                : EdgeDetector.DetectSketch(image, w, h, options.Sketch).Sketch;
            sketchSource = options.SketchDetector?.Source ?? SketchSource.BuiltIn;
        }

        return new ImageAnalysis(image.Width, image.Height, caption, source, color, sketch, divisor, SketchSource: sketchSource);
    }

    private static (string? Caption, CaptionSource Source) ResolveExplicit(string? explicitCaption)
    {
        if (explicitCaption is null)
        {
            return (null, CaptionSource.None);
        }

        if (explicitCaption.Length == 0)
        {
            // -Caption '' asks for no caption, not for the metadata one.
            return (null, CaptionSource.None);
        }

        if (!Coding.CaptionCoders.Fallback.CanEncode(explicitCaption))
        {
            throw explicitCaption.Any(char.IsSurrogate) && System.Text.Encoding.UTF8.GetByteCount(explicitCaption) <= Coding.Utf8CaptionCoder.MaxBytes
                ? new TextSketchException("CaptionInvalid", "The caption contains an unpaired UTF-16 surrogate, which no text encoding can store.")
                : new TextSketchException("CaptionTooLong",
                    $"The caption has {System.Text.Encoding.UTF8.GetByteCount(explicitCaption)} UTF-8 bytes; a record holds at most {Coding.Utf8CaptionCoder.MaxBytes}.");
        }

        return (explicitCaption, CaptionSource.Explicit);
    }

    private static FileStream OpenSource(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ImageReadException(ImageReadException.NotFound, path, "the file does not exist.", e);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new ImageReadException(ImageReadException.Unreadable, path, e.Message, e);
        }
    }
}
