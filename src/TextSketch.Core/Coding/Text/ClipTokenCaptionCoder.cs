using TextSketch.Core.Text;

namespace TextSketch.Core.Coding.Text;

/// <summary>
/// Captions that are CLIP token sequences (the prompts prompt inversion finds), coded as token ids rather than as
/// text: the count, then each id as its bit length (an adaptive tree, conditioned on the previous id's length) and
/// the bits below its leading one (the top three adaptive). CLIP's ids follow its merge order, roughly frequency,
/// so this costs about 13 bits a token. On ordinary captions the English coder is as good; on inverted prompts —
/// rare tokens, word fragments — this is much cheaper than their text.
/// A caption qualifies only when it is exactly the decoding of its own tokens, so it round-trips as text.
/// Decoding needs the same vocabulary: the standard CLIP one (49,408 tokens), from an installed pack.
/// </summary>
public sealed class ClipTokenCaptionCoder : ICaptionCoder
{
    public const int CoderId = 2;

    /// <summary>Longest token sequence a CLIP text encoder reads (77 with the start and end tokens).</summary>
    public const int MaxTokens = 75;

    private const int LengthBits = 17;

    private readonly ClipTokenizer _tokenizer;

    public ClipTokenCaptionCoder(ClipTokenizer tokenizer)
    {
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
    }

    public int Id => CoderId;

    public string Name => "clip-tokens";

    public bool CanEncode(string caption)
    {
        if (string.IsNullOrEmpty(caption))
        {
            return false;
        }

        IReadOnlyList<int> tokens = _tokenizer.EncodeTokens(caption);
        return tokens.Count <= MaxTokens && string.Equals(_tokenizer.Decode(tokens), caption, StringComparison.Ordinal);
    }

    public void Encode(string caption, RangeEncoder encoder)
    {
        if (!CanEncode(caption))
        {
            throw new ArgumentException("The caption is not a canonical CLIP token sequence.", nameof(caption));
        }

        IReadOnlyList<int> tokens = _tokenizer.EncodeTokens(caption);
        var model = new TokenModel();
        new AdaptiveIntegerModel().Encode(encoder, (uint)tokens.Count);
        int previousLength = 0;
        foreach (int id in tokens)
        {
            previousLength = model.Encode(encoder, id, previousLength);
        }
    }

    public string Decode(RangeDecoder decoder)
    {
        int count = (int)new AdaptiveIntegerModel().Decode(decoder, MaxTokens);
        var model = new TokenModel();
        var tokens = new int[count];
        int previousLength = 0;
        for (int i = 0; i < count; i++)
        {
            (tokens[i], previousLength) = model.Decode(decoder, previousLength);
            if (!_tokenizer.Contains(tokens[i]))
            {
                throw new InvalidDataException($"token id {tokens[i]} is outside the CLIP vocabulary");
            }
        }

        return _tokenizer.Decode(tokens);
    }

    /// <summary>Ids as (bit length of id + 1, bits under the leading one).</summary>
    private sealed class TokenModel
    {
        private readonly AdaptiveBitModel _length = new((LengthBits + 1) * 32, rateLimit: 4);
        private readonly AdaptiveBitModel _mantissa = new(LengthBits * 8, rateLimit: 4);

        public int Encode(RangeEncoder encoder, int id, int previousLength)
        {
            uint v = (uint)id + 1;
            int length = 31 - System.Numerics.BitOperations.LeadingZeroCount(v);
            int node = 1;
            for (int i = 4; i >= 0; i--)
            {
                int bit = (length >> i) & 1;
                _length.Encode(encoder, previousLength * 32 + node, bit);
                node = (node << 1) | bit;
            }

            int prefix = 1;
            for (int i = length - 1; i >= 0; i--)
            {
                int bit = (int)((v >> i) & 1);
                if (length - 1 - i < 3)
                {
                    _mantissa.Encode(encoder, length * 8 + prefix, bit);
                    prefix = (prefix << 1) | bit;
                }
                else
                {
                    encoder.Encode(bit, Probability.Half);
                }
            }

            return length;
        }

        public (int Id, int Length) Decode(RangeDecoder decoder, int previousLength)
        {
            int node = 1;
            for (int i = 0; i < 5; i++)
            {
                node = (node << 1) | _length.Decode(decoder, previousLength * 32 + node);
            }

            int length = node & 31;
            if (length >= LengthBits)
            {
                throw new InvalidDataException("a token id is too long");
            }

            uint v = 1;
            int prefix = 1;
            for (int i = length - 1; i >= 0; i--)
            {
                int bit;
                if (length - 1 - i < 3)
                {
                    bit = _mantissa.Decode(decoder, length * 8 + prefix);
                    prefix = (prefix << 1) | bit;
                }
                else
                {
                    bit = decoder.Decode(Probability.Half);
                }

                v = (v << 1) | (uint)bit;
            }

            return ((int)v - 1, length);
        }
    }
}
