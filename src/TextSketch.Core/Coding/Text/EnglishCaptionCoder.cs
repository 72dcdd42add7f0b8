using System.Text;

namespace TextSketch.Core.Coding.Text;

/// <summary>
/// Captions coded with <see cref="CaptionLanguageModel"/>: the UTF-8 bytes and an end symbol, each bit with the
/// static model's probability. About 2.5 bits per character on English captions, a third of deflate. Any text the
/// UTF-8 encoding can hold round-trips exactly (non-English text just costs more); captions containing NUL go to
/// <see cref="Utf8CaptionCoder"/>.
/// </summary>
public sealed class EnglishCaptionCoder : ICaptionCoder
{
    public const int CoderId = 1;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly CaptionLanguageModel? _model;

    public EnglishCaptionCoder()
    {
    }

    /// <summary>A coder over a specific model (tests and model experiments); records always use the shared one.</summary>
    public EnglishCaptionCoder(CaptionLanguageModel model) => _model = model;

    public int Id => CoderId;

    public string Name => "english";

    private CaptionLanguageModel Model => _model ?? CaptionLanguageModel.Shared;

    public bool CanEncode(string caption)
    {
        if (caption.Contains('\0', StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            return StrictUtf8.GetByteCount(caption) <= Utf8CaptionCoder.MaxBytes;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }

    public void Encode(string caption, RangeEncoder encoder)
    {
        if (!CanEncode(caption))
        {
            throw new ArgumentException("The English caption coder cannot represent this caption.", nameof(caption));
        }

        CaptionLanguageModel model = Model;
        Span<byte> history = stackalloc byte[4];
        foreach (byte b in StrictUtf8.GetBytes(caption))
        {
            model.Encode(encoder, history, b);
            CaptionLanguageModel.Shift(history, b);
        }

        model.Encode(encoder, history, CaptionLanguageModel.EndOfText);
    }

    public string Decode(RangeDecoder decoder)
    {
        CaptionLanguageModel model = Model;
        Span<byte> history = stackalloc byte[4];
        var bytes = new List<byte>(96);
        while (true)
        {
            byte b = model.Decode(decoder, history);
            if (b == CaptionLanguageModel.EndOfText)
            {
                break;
            }

            if (bytes.Count == Utf8CaptionCoder.MaxBytes)
            {
                throw new InvalidDataException($"the caption runs past {Utf8CaptionCoder.MaxBytes} bytes");
            }

            bytes.Add(b);
            CaptionLanguageModel.Shift(history, b);
        }

        try
        {
            return StrictUtf8.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException("The caption is not valid UTF-8.", e);
        }
    }
}
