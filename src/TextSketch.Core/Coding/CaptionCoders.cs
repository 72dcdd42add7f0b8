namespace TextSketch.Core.Coding;

/// <summary>The caption coders a record may name, by id.</summary>
public static class CaptionCoders
{
    private static readonly ICaptionCoder[] All = [new Utf8CaptionCoder()];

    public static ICaptionCoder Fallback => All[0];

    public static ICaptionCoder? Find(int id) => Array.Find(All, c => c.Id == id);

    /// <summary>The first coder able to represent <paramref name="caption"/> exactly, best first.</summary>
    public static ICaptionCoder Choose(string caption) =>
        Array.Find(All, c => c.CanEncode(caption))
        ?? throw new ArgumentException($"No caption coder can represent a caption of {caption.Length} characters.", nameof(caption));
}
