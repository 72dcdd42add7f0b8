namespace TextSketch.Core.Decoding.Diffusion.Schedulers;

/// <summary>The training noise schedule a model was trained with, and how inference steps are placed on it.</summary>
public sealed record NoiseScheduleOptions
{
    public int TrainTimesteps { get; init; } = 1000;

    public double BetaStart { get; init; } = 0.00085;

    public double BetaEnd { get; init; } = 0.012;

    /// <summary>"scaled_linear" (SD: linear in sqrt(beta)) or "linear".</summary>
    public string BetaSchedule { get; init; } = "scaled_linear";

    /// <summary>Added to "leading" timesteps (SD configs use 1).</summary>
    public int StepsOffset { get; init; } = 1;

    public PredictionType Prediction { get; init; } = PredictionType.Epsilon;

    /// <summary>Overrides each scheduler's own default spacing when set.</summary>
    public TimestepSpacing? Spacing { get; init; }

    /// <summary>LCM: the step count the consistency model was distilled with.</summary>
    public int LcmOriginalSteps { get; init; } = 50;
}

/// <summary>Betas and cumulative alphas over the training timesteps (double precision throughout).</summary>
public sealed class NoiseSchedule
{
    public NoiseSchedule(NoiseScheduleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TrainTimesteps < 2 || options.BetaStart <= 0 || options.BetaEnd >= 1 || options.BetaEnd < options.BetaStart)
        {
            throw new ArgumentException("The noise schedule needs 0 < betaStart <= betaEnd < 1 and at least 2 training timesteps.", nameof(options));
        }

        Options = options;
        int n = options.TrainTimesteps;
        Betas = new double[n];
        for (int i = 0; i < n; i++)
        {
            double f = (double)i / (n - 1);
            Betas[i] = options.BetaSchedule switch
            {
                "scaled_linear" => Square(Math.Sqrt(options.BetaStart) + f * (Math.Sqrt(options.BetaEnd) - Math.Sqrt(options.BetaStart))),
                "linear" => options.BetaStart + f * (options.BetaEnd - options.BetaStart),
                _ => throw new ArgumentException($"Unknown beta schedule '{options.BetaSchedule}' (use scaled_linear or linear).", nameof(options)),
            };
        }

        AlphasCumprod = new double[n];
        double product = 1;
        for (int i = 0; i < n; i++)
        {
            product *= 1 - Betas[i];
            AlphasCumprod[i] = product;
        }
    }

    public NoiseScheduleOptions Options { get; }

    public double[] Betas { get; }

    /// <summary>alpha-bar(t) = prod_{s&lt;=t} (1 - beta_s).</summary>
    public double[] AlphasCumprod { get; }

    public int TrainTimesteps => Options.TrainTimesteps;

    /// <summary>Karras-style sigma of a (possibly fractional) timestep: sqrt((1 - abar) / abar), linearly interpolated.</summary>
    public double SigmaAt(double timestep)
    {
        double t = Math.Clamp(timestep, 0, TrainTimesteps - 1);
        int i = (int)Math.Floor(t);
        int j = Math.Min(i + 1, TrainTimesteps - 1);
        double f = t - i;
        return (1 - f) * Sigma(i) + f * Sigma(j);
    }

    public double Sigma(int timestep) => Math.Sqrt((1 - AlphasCumprod[timestep]) / AlphasCumprod[timestep]);

    /// <summary>Inference timesteps, high to low, as diffusers places them for each spacing.</summary>
    public double[] Timesteps(int steps, TimestepSpacing spacing)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(steps, TrainTimesteps);
        int n = TrainTimesteps;
        var result = new double[steps];
        switch (spacing)
        {
            case TimestepSpacing.Linspace:
                for (int i = 0; i < steps; i++)
                {
                    result[i] = steps == 1 ? n - 1 : (n - 1) * (double)(steps - 1 - i) / (steps - 1);
                }

                break;
            case TimestepSpacing.Leading:
                int ratio = n / steps;
                for (int i = 0; i < steps; i++)
                {
                    // The offset can push the first timestep past the last trained one at high step counts.
                    result[i] = Math.Min((double)(steps - 1 - i) * ratio + Options.StepsOffset, n - 1);
                }

                break;
            case TimestepSpacing.Trailing:
                double stride = (double)n / steps;
                for (int i = 0; i < steps; i++)
                {
                    result[i] = Math.Round(n - i * stride, MidpointRounding.ToEven) - 1;
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(spacing));
        }

        return result;
    }

    /// <summary>The model's output read as (x0, eps) at a point with signal scale <paramref name="alpha"/> and noise scale <paramref name="sigma"/>.</summary>
    internal static (double X0, double Eps) Split(PredictionType prediction, double modelOutput, double sample, double alpha, double sigma) =>
        prediction switch
        {
            PredictionType.Epsilon => ((sample - sigma * modelOutput) / alpha, modelOutput),
            PredictionType.VPrediction => (alpha * sample - sigma * modelOutput, alpha * modelOutput + sigma * sample),
            _ => throw new ArgumentOutOfRangeException(nameof(prediction)),
        };

    private static double Square(double x) => x * x;
}
