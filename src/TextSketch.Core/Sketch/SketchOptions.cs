namespace TextSketch.Core.Sketch;

/// <summary>Settings of the built-in edge detector.</summary>
public sealed record SketchOptions
{
    public static SketchOptions Default { get; } = new();

    /// <summary>Sketch area budget in pixels; the sketch keeps the image's aspect (768x512 gives 192x128).</summary>
    public int TargetPixels { get; init; } = TextSketchDefaults.SketchPixels;

    /// <summary>Edges are found at up to this many times the sketch resolution (the image's own when smaller), then
    /// reduced onto the sketch grid.</summary>
    public int DetectionScale { get; init; } = 4;

    /// <summary>3x3 binomial smoothing passes at the detection resolution (4 passes: sigma about 1.4 pixels).</summary>
    public int SmoothingPasses { get; init; } = 4;

    /// <summary>Per-mille of pixels seeded as strong edges, stated at the sketch resolution (hysteresis then follows
    /// weaker ones). At a finer detection resolution it is divided by the linear scale, since edges are lines.</summary>
    public int StrongEdgePermille { get; init; } = 30;

    /// <summary>Weak threshold as a percentage of the strong one.</summary>
    public int WeakThresholdPercent { get; init; } = 60;

    /// <summary>Smallest luma step (0-255) that can seed an edge, so flat or noisy-flat images stay empty.</summary>
    public int MinContrast { get; init; } = 10;

    /// <summary>Connected edge pieces with fewer sketch pixels are dropped: speckle, and contours too short to be
    /// worth their bits at these rates (16 sketch pixels is a 64-pixel contour in a 768x512 image).</summary>
    public int MinComponentPixels { get; init; } = 16;
}
