namespace TextSketch.Core.Sketch;

/// <summary>Settings of the built-in edge detector.</summary>
public sealed record SketchOptions
{
    public static SketchOptions Default { get; } = new();

    /// <summary>Sketch area budget in pixels; the sketch keeps the image's aspect (768x512 gives 192x128).</summary>
    public int TargetPixels { get; init; } = 192 * 128;

    /// <summary>Per-mille of sketch pixels seeded as strong edges (hysteresis then follows weaker ones).</summary>
    public int StrongEdgePermille { get; init; } = 45;

    /// <summary>Weak threshold as a percentage of the strong one.</summary>
    public int WeakThresholdPercent { get; init; } = 50;

    /// <summary>Smallest luma step (0-255) that can seed an edge, so flat or noisy-flat images stay empty.</summary>
    public int MinContrast { get; init; } = 10;

    /// <summary>Connected edge pieces with fewer pixels are speckle and are dropped (10 drops the 8-pixel ring
    /// a lone bright or dark pixel leaves).</summary>
    public int MinComponentPixels { get; init; } = 10;
}
