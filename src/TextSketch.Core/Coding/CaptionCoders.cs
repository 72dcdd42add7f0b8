using TextSketch.Core.Coding.Text;
using TextSketch.Core.Text;

namespace TextSketch.Core.Coding;

/// <summary>The caption coders a record may name, by id.</summary>
public static class CaptionCoders
{
    private static readonly ICaptionCoder[] Builtin = [new EnglishCaptionCoder(), new Utf8CaptionCoder()];

    /// <summary>The universal coder: any caption within the size limit.</summary>
    public static ICaptionCoder Fallback => Builtin[^1];

    /// <summary>The coder with this id. The CLIP token coder exists only where an installed pack carries CLIP's
    /// vocabulary; reading a token-coded caption elsewhere fails with a message saying so.</summary>
    public static ICaptionCoder? Find(int id)
    {
        if (id == ClipTokenCaptionCoder.CoderId)
        {
            ClipTokenizer tokenizer = ClipVocabulary.TryFind()
                ?? throw new InvalidDataException("the caption is stored as CLIP tokens, and reading it needs CLIP's vocabulary: install a pack that carries it (Install-TextSketchModel -Name clip-vit-b32)");
            return new ClipTokenCaptionCoder(tokenizer);
        }

        return Array.Find(Builtin, c => c.Id == id);
    }

    /// <summary>The coder that represents <paramref name="caption"/> exactly in the fewest bits. Token coding is
    /// considered only when CLIP's vocabulary is installed, since a record is only useful where it can be read.</summary>
    public static ICaptionCoder Choose(string caption)
    {
        IEnumerable<ICaptionCoder> candidates = Builtin;
        if (ClipVocabulary.TryFind() is { } tokenizer)
        {
            candidates = candidates.Append(new ClipTokenCaptionCoder(tokenizer));
        }

        ICaptionCoder? best = null;
        double bestBits = double.MaxValue;
        foreach (ICaptionCoder coder in candidates)
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
