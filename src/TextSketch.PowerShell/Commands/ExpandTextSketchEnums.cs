namespace TextSketch.Commands;

/// <summary>Which decoder makes the image (the names of Core's decoder registry, TskDecoders).</summary>
public enum TextSketchDecoder
{
    /// <summary>The best decoder installed: Diffusion when a diffusion pack is installed, else Paint (with a warning).</summary>
    Auto,

    /// <summary>No weights: the colour layer painted edge-aware, its colours kept apart at the sketch's contours.</summary>
    Paint,

    /// <summary>No weights, the first weight-free decoder's look: colour layout flattened within the sketch's regions, edges inked.</summary>
    Preview,

    /// <summary>Stable Diffusion + ControlNet guided by the sketch and the caption (the paper's decoder; needs a pack).</summary>
    Diffusion,
}

/// <summary>Denoising schedulers of the diffusion decoder.</summary>
public enum TextSketchScheduler
{
    /// <summary>UniPC multistep (the paper's).</summary>
    UniPC,

    /// <summary>DDIM (deterministic, eta 0).</summary>
    DDIM,

    /// <summary>Euler (discrete).</summary>
    Euler,

    /// <summary>Latent Consistency Model sampling (for LCM-distilled UNets).</summary>
    LCM,
}

/// <summary>What Expand-TextSketch writes.</summary>
public enum TextSketchLayer
{
    /// <summary>The reconstructed image at the original size.</summary>
    Image,

    /// <summary>The decoded sketch bitmap itself, black edges on white, at the sketch's size.</summary>
    Sketch,
}

/// <summary>Output image formats.</summary>
public enum TextSketchImageFormat
{
    Png,
    Jpeg,
    Webp,
}
