namespace TextSketch.Core.Decoding.Diffusion.Schedulers;

/// <summary>
/// Latent Consistency Model multistep sampling: the consistency function's x0 estimate (boundary-condition scalings
/// c_skip/c_out with sigma_data 0.5 and timestep scaling 10), re-noised with fresh noise to the next timestep.
/// Timesteps come from the distillation schedule (50 steps: 999, 979, ..., 19), evenly sub-sampled. Meant for
/// LCM-distilled UNets; with an ordinary SD UNet it gives soft, low-detail images.
/// </summary>
public sealed class LcmScheduler : IDiffusionScheduler
{
    private const double SigmaData = 0.5;
    private const double TimestepScaling = 10.0;

    private readonly NoiseSchedule _schedule;
    private readonly double[] _timesteps;

    public LcmScheduler(NoiseSchedule schedule, int steps)
    {
        _schedule = schedule;
        int original = schedule.Options.LcmOriginalSteps;
        if (steps > original)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), $"LCM takes at most {original} steps (its distillation schedule).");
        }

        int k = schedule.TrainTimesteps / original;
        // Distillation timesteps, high to low: original*k - 1, ..., k - 1; take `steps` of them evenly.
        _timesteps = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            int index = (int)Math.Floor((double)i * original / steps);
            _timesteps[i] = (original - index) * k - 1;
        }
    }

    public SchedulerKind Kind => SchedulerKind.Lcm;

    public IReadOnlyList<double> Timesteps => _timesteps;

    public double InitNoiseSigma => 1.0;

    public float[] ScaleModelInput(float[] sample, int stepIndex) => sample;

    public float[] Step(float[] modelOutput, int stepIndex, float[] sample, GaussianNoise noise)
    {
        int t = (int)_timesteps[stepIndex];
        bool last = stepIndex == _timesteps.Length - 1;
        double alphaBar = _schedule.AlphasCumprod[t];
        double alpha = Math.Sqrt(alphaBar), sigma = Math.Sqrt(1 - alphaBar);
        double scaled = t * TimestepScaling;
        double cSkip = SigmaData * SigmaData / (scaled * scaled + SigmaData * SigmaData);
        double cOut = scaled / Math.Sqrt(scaled * scaled + SigmaData * SigmaData);
        var result = new float[sample.Length];
        for (int i = 0; i < sample.Length; i++)
        {
            (double x0, _) = NoiseSchedule.Split(_schedule.Options.Prediction, modelOutput[i], sample[i], alpha, sigma);
            result[i] = (float)(cOut * x0 + cSkip * sample[i]);
        }

        if (last)
        {
            return result;
        }

        float[] fresh = noise.NextGaussians(sample.Length);
        return DdimScheduler.Diffuse(_schedule.AlphasCumprod[(int)_timesteps[stepIndex + 1]], result, fresh);
    }

    public float[] AddNoise(float[] clean, float[] noise, int stepIndex) =>
        DdimScheduler.Diffuse(_schedule.AlphasCumprod[(int)_timesteps[stepIndex]], clean, noise);
}
