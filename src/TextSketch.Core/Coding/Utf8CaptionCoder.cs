using System.Text;

namespace TextSketch.Core.Coding;

/// <summary>
/// The universal caption coder: the UTF-8 bytes, their count first, each byte through a binary tree of adaptive
/// probabilities conditioned on the class of the previous byte. Any string round-trips exactly; model-based coders
/// fall back to it for text they cannot represent.
/// </summary>
public sealed class Utf8CaptionCoder : ICaptionCoder
{
    public const int CoderId = 0;

    /// <summary>Captions are short by design; this also bounds what a corrupt record can make a decoder allocate.</summary>
    public const int MaxBytes = 4096;

    private const int Classes = 8;

    public int Id => CoderId;

    public string Name => "utf8";

    /// <summary>False for text over <see cref="MaxBytes"/> or with unpaired surrogates (not representable in UTF-8).</summary>
    public bool CanEncode(string caption)
    {
        try
        {
            return StrictUtf8.GetByteCount(caption) <= MaxBytes;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }

    public void Encode(string caption, RangeEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(caption);
        byte[] bytes = StrictUtf8.GetBytes(caption);
        if (bytes.Length > MaxBytes)
        {
            throw new ArgumentException($"A caption may hold at most {MaxBytes} UTF-8 bytes.", nameof(caption));
        }

        new AdaptiveIntegerModel().Encode(encoder, (uint)bytes.Length);
        var model = new AdaptiveBitModel(Classes * 256, rateLimit: 4);
        int previous = 0;
        foreach (byte b in bytes)
        {
            int node = 1;
            for (int i = 7; i >= 0; i--)
            {
                int bit = (b >> i) & 1;
                model.Encode(encoder, ClassOf(previous) * 256 + node, bit);
                node = (node << 1) | bit;
            }

            previous = b;
        }
    }

    public string Decode(RangeDecoder decoder)
    {
        int length = (int)new AdaptiveIntegerModel().Decode(decoder, MaxBytes);
        var bytes = new byte[length];
        var model = new AdaptiveBitModel(Classes * 256, rateLimit: 4);
        int previous = 0;
        for (int k = 0; k < length; k++)
        {
            int node = 1;
            for (int i = 0; i < 8; i++)
            {
                node = (node << 1) | model.Decode(decoder, ClassOf(previous) * 256 + node);
            }

            bytes[k] = (byte)node;
            previous = node & 0xFF;
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException("The caption is not valid UTF-8.", e);
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static int ClassOf(int b) => b switch
    {
        0 => 0,
        (byte)' ' => 1,
        >= 'a' and <= 'z' => 2,
        >= 'A' and <= 'Z' => 3,
        >= '0' and <= '9' => 4,
        < 0x80 => 5,
        < 0xC0 => 6,
        _ => 7,
    };
}
