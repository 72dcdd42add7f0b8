namespace TextSketch.Core.Decoding.Diffusion.Schedulers;

/// <summary>The denoising schedulers the diffusion decoder offers.</summary>
public enum SchedulerKind
{
    /// <summary>UniPC multistep (bh2, order 2, predictor-corrector): the paper's scheduler, good in 20-25 steps.</summary>
    UniPC,

    /// <summary>DDIM, deterministic (eta 0).</summary>
    Ddim,

    /// <summary>Euler (EulerDiscrete, no churn).</summary>
    Euler,

    /// <summary>Latent Consistency Model sampling: for LCM-distilled UNets, 2-8 steps.</summary>
    Lcm,
}

/// <summary>What the UNet predicts.</summary>
public enum PredictionType
{
    /// <summary>The added noise (SD 1.x, SD 2.x base).</summary>
    Epsilon,

    /// <summary>v = alpha * noise - sigma * x0 (SD 2.x 768).</summary>
    VPrediction,
}

/// <summary>How inference timesteps are spread over the training timesteps (diffusers' timestep_spacing).</summary>
public enum TimestepSpacing
{
    Linspace,
    Leading,
    Trailing,
}
