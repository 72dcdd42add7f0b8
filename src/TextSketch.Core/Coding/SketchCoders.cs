namespace TextSketch.Core.Coding;

/// <summary>The sketch coders a record may name, by id.</summary>
public static class SketchCoders
{
    private static readonly ISketchCoder[] All = [new MixingSketchCoder(), new TemplateSketchCoder()];

    /// <summary>The coder new records use (<see cref="TextSketchDefaults.SketchCoder"/>).</summary>
    public static ISketchCoder Default { get; } = Find(TextSketchDefaults.SketchCoder)!;

    public static ISketchCoder? Find(int id) => Array.Find(All, c => c.Id == id);
}
