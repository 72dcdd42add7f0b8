using TextSketch.Core.Coding.Text;
using TextSketch.Core.Text;

namespace TextSketch.Core.Coding;

/// <summary>
/// The caption coders a reader or writer has, by id: always <c>english</c> and <c>utf8</c>; <c>clip-tokens</c> only
/// when it was given CLIP's vocabulary. Nothing here looks for installed packs: whoever reads or writes a record
/// decides where a vocabulary comes from (a model root, a prompt inverter) and passes it in.
/// </summary>
public sealed class CaptionCoders
{
    private static readonly ICaptionCoder[] Text = [new EnglishCaptionCoder(), new Utf8CaptionCoder()];

    private readonly Lazy<ClipTokenizer?> _clipVocabulary;
    private readonly Lazy<ClipTokenCaptionCoder?> _tokens;

    /// <param name="clipVocabulary">CLIP's vocabulary, asked for only when a token-coded caption is met (finding one
    /// takes a moment); null or a function returning null: token-coded captions cannot be read or written.</param>
    public CaptionCoders(Func<ClipTokenizer?>? clipVocabulary)
    {
        _clipVocabulary = new Lazy<ClipTokenizer?>(clipVocabulary ?? (() => null), LazyThreadSafetyMode.ExecutionAndPublication);
        _tokens = new Lazy<ClipTokenCaptionCoder?>(() => _clipVocabulary.Value is { } v ? new ClipTokenCaptionCoder(v) : null, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The text coders only: what every reader has.</summary>
    public static CaptionCoders Builtin { get; } = new(null);

    /// <summary>The universal coder: any caption within the size limit.</summary>
    public static ICaptionCoder Fallback => Text[^1];

    /// <summary>The text coders plus the token coder over <paramref name="clipVocabulary"/>.</summary>
    public static CaptionCoders WithClipTokens(ClipTokenizer clipVocabulary)
    {
        ArgumentNullException.ThrowIfNull(clipVocabulary);
        return new CaptionCoders(() => clipVocabulary);
    }

    /// <summary>The coder with this id; an unknown id, or clip-tokens without a vocabulary, is malformed data with a
    /// message saying what is missing.</summary>
    public ICaptionCoder Find(int id)
    {
        if (id == ClipTokenCaptionCoder.CoderId)
        {
            return _tokens.Value
                ?? throw new InvalidDataException("the caption is stored as CLIP tokens, and reading it needs CLIP's vocabulary: install a pack that carries it " +
                    "(Install-TextSketchModel -Name clip-vit-b32), or give the -ModelRoot it is installed in");
        }

        return Array.Find(Text, c => c.Id == id) ?? throw new InvalidDataException($"unknown caption coder {id}");
    }

    /// <summary>Of the coders in this set, the one that represents <paramref name="caption"/> exactly in the fewest
    /// bits (ties to the lower position: english, utf8, clip-tokens).</summary>
    public ICaptionCoder Cheapest(string caption)
    {
        ArgumentNullException.ThrowIfNull(caption);
        ICaptionCoder? best = null;
        double bestBits = double.MaxValue;
        foreach (ICaptionCoder coder in _clipVocabulary.Value is null ? Text : [.. Text, _tokens.Value!])
        {
            if (!coder.CanEncode(caption))
            {
                continue;
            }

            var trial = new RangeEncoder();
            coder.Encode(caption, trial);
            if (trial.Bits < bestBits)
            {
                best = coder;
                bestBits = trial.Bits;
            }
        }

        return best ?? throw new ArgumentException($"No caption coder can represent a caption of {caption.Length} characters.", nameof(caption));
    }
}
