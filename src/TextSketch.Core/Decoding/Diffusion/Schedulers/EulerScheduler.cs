namespace TextSketch.Core.Decoding.Diffusion.Schedulers;

/// <summary>
/// Euler (diffusers' EulerDiscrete without churn) in the sigma parameterisation: x is scaled by 1/sqrt(sigma^2 + 1)
/// for the model, x0 = x - sigma eps, and x moves along (x - x0)/sigma to the next sigma (0 after the last step).
/// Default spacing "linspace", so timesteps are fractional and sigmas interpolated.
/// </summary>
public sealed class EulerScheduler : IDiffusionScheduler
{
    private readonly NoiseSchedule _schedule;
    private readonly double[] _timesteps;
    private readonly double[] _sigmas;

    public EulerScheduler(NoiseSchedule schedule, int steps)
    {
        _schedule = schedule;
        TimestepSpacing spacing = schedule.Options.Spacing ?? TimestepSpacing.Linspace;
        _timesteps = schedule.Timesteps(steps, spacing);
        _sigmas = new double[steps + 1];
        for (int i = 0; i < steps; i++)
        {
            _sigmas[i] = schedule.SigmaAt(_timesteps[i]);
        }

        double maxSigma = _sigmas.Max();
        InitNoiseSigma = spacing is TimestepSpacing.Linspace or TimestepSpacing.Trailing ? maxSigma : Math.Sqrt(maxSigma * maxSigma + 1);
    }

    public SchedulerKind Kind => SchedulerKind.Euler;

    public IReadOnlyList<double> Timesteps => _timesteps;

    public double InitNoiseSigma { get; }

    /// <summary>Sigma at each step, then 0.</summary>
    public IReadOnlyList<double> Sigmas => _sigmas;

    public float[] ScaleModelInput(float[] sample, int stepIndex)
    {
        double scale = 1 / Math.Sqrt(_sigmas[stepIndex] * _sigmas[stepIndex] + 1);
        var result = new float[sample.Length];
        for (int i = 0; i < sample.Length; i++)
        {
            result[i] = (float)(sample[i] * scale);
        }

        return result;
    }

    public float[] Step(float[] modelOutput, int stepIndex, float[] sample, GaussianNoise noise)
    {
        double sigma = _sigmas[stepIndex];
        double dt = _sigmas[stepIndex + 1] - sigma;
        double c = 1 / Math.Sqrt(sigma * sigma + 1);
        var result = new float[sample.Length];
        for (int i = 0; i < sample.Length; i++)
        {
            double x0 = _schedule.Options.Prediction == PredictionType.Epsilon
                ? sample[i] - sigma * modelOutput[i]
                : modelOutput[i] * (-sigma * c) + sample[i] * c * c;
            double derivative = (sample[i] - x0) / sigma;
            result[i] = (float)(sample[i] + derivative * dt);
        }

        return result;
    }

    public float[] AddNoise(float[] clean, float[] noise, int stepIndex)
    {
        double sigma = _sigmas[stepIndex];
        var result = new float[clean.Length];
        for (int i = 0; i < clean.Length; i++)
        {
            result[i] = (float)(clean[i] + sigma * noise[i]);
        }

        return result;
    }
}
