namespace TextSketch.Core.Decoding.Diffusion.Schedulers;

/// <summary>
/// DDIM with eta 0 (deterministic): x_prev = sqrt(abar_prev) x0 + sqrt(1 - abar_prev) eps. Default spacing
/// "leading" with the schedule's steps offset (SD: 25 steps give 961, 921, ..., 1); the step after the last
/// uses abar(0) (SD's set_alpha_to_one = false).
/// </summary>
public sealed class DdimScheduler : IDiffusionScheduler
{
    private readonly NoiseSchedule _schedule;
    private readonly double[] _timesteps;
    private readonly int _stride;

    public DdimScheduler(NoiseSchedule schedule, int steps)
    {
        _schedule = schedule;
        _timesteps = schedule.Timesteps(steps, schedule.Options.Spacing ?? TimestepSpacing.Leading);
        _stride = schedule.TrainTimesteps / steps;
    }

    public SchedulerKind Kind => SchedulerKind.Ddim;

    public IReadOnlyList<double> Timesteps => _timesteps;

    public double InitNoiseSigma => 1.0;

    public float[] ScaleModelInput(float[] sample, int stepIndex) => sample;

    public float[] Step(float[] modelOutput, int stepIndex, float[] sample, GaussianNoise noise)
    {
        int t = (int)_timesteps[stepIndex];
        int previous = t - _stride;
        double alphaBar = _schedule.AlphasCumprod[t];
        double alphaBarPrevious = previous >= 0 ? _schedule.AlphasCumprod[previous] : _schedule.AlphasCumprod[0];
        double alpha = Math.Sqrt(alphaBar), sigma = Math.Sqrt(1 - alphaBar);
        double alphaPrevious = Math.Sqrt(alphaBarPrevious), sigmaPrevious = Math.Sqrt(1 - alphaBarPrevious);
        var result = new float[sample.Length];
        for (int i = 0; i < sample.Length; i++)
        {
            (double x0, double eps) = NoiseSchedule.Split(_schedule.Options.Prediction, modelOutput[i], sample[i], alpha, sigma);
            result[i] = (float)(alphaPrevious * x0 + sigmaPrevious * eps);
        }

        return result;
    }

    public float[] AddNoise(float[] clean, float[] noise, int stepIndex) =>
        Diffuse(_schedule.AlphasCumprod[(int)_timesteps[stepIndex]], clean, noise);

    internal static float[] Diffuse(double alphaBar, float[] clean, float[] noise)
    {
        double a = Math.Sqrt(alphaBar), s = Math.Sqrt(1 - alphaBar);
        var result = new float[clean.Length];
        for (int i = 0; i < clean.Length; i++)
        {
            result[i] = (float)(a * clean[i] + s * noise[i]);
        }

        return result;
    }
}
