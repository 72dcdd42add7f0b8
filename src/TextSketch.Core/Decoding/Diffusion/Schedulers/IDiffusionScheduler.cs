namespace TextSketch.Core.Decoding.Diffusion.Schedulers;

/// <summary>
/// One denoising strategy. A scheduler instance is made for one image: it fixes its timesteps when created and
/// keeps whatever history a multistep method needs. Steps are addressed by index into <see cref="Timesteps"/>;
/// an img2img run starts at a later index (the first call may be at any index).
/// </summary>
public interface IDiffusionScheduler
{
    SchedulerKind Kind { get; }

    /// <summary>The timestep the model is given at each step, high to low (fractional for Euler with linspace spacing).</summary>
    IReadOnlyList<double> Timesteps { get; }

    /// <summary>Standard deviation of the initial noise.</summary>
    double InitNoiseSigma { get; }

    /// <summary>The model input for step <paramref name="stepIndex"/> (a copy when the scheduler scales it).</summary>
    float[] ScaleModelInput(float[] sample, int stepIndex);

    /// <summary>The sample after step <paramref name="stepIndex"/>, from the model's output there.</summary>
    float[] Step(float[] modelOutput, int stepIndex, float[] sample, GaussianNoise noise);

    /// <summary>Clean latents noised to the level of step <paramref name="stepIndex"/> (the start of an img2img run).</summary>
    float[] AddNoise(float[] clean, float[] noise, int stepIndex);
}

/// <summary>Makes schedulers by kind.</summary>
public static class Schedulers
{
    public static IDiffusionScheduler Create(SchedulerKind kind, NoiseSchedule schedule, int steps) => kind switch
    {
        SchedulerKind.UniPC => new UniPCScheduler(schedule, steps),
        SchedulerKind.Ddim => new DdimScheduler(schedule, steps),
        SchedulerKind.Euler => new EulerScheduler(schedule, steps),
        SchedulerKind.Lcm => new LcmScheduler(schedule, steps),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
