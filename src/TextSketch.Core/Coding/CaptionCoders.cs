using TextSketch.Core.Coding.Text;

namespace TextSketch.Core.Coding;

/// <summary>The caption coders a record may name, by id.</summary>
public static class CaptionCoders
{
    private static readonly ICaptionCoder[] All = [new EnglishCaptionCoder(), new Utf8CaptionCoder()];

    /// <summary>The universal coder: any caption within the size limit.</summary>
    public static ICaptionCoder Fallback => All[^1];

    public static ICaptionCoder? Find(int id) => Array.Find(All, c => c.Id == id);

    /// <summary>The coder that represents <paramref name="caption"/> exactly in the fewest bits.</summary>
    public static ICaptionCoder Choose(string caption)
    {
        ICaptionCoder? best = null;
        double bestBits = double.MaxValue;
        foreach (ICaptionCoder coder in All)
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
