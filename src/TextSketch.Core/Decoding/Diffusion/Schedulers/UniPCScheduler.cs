namespace TextSketch.Core.Decoding.Diffusion.Schedulers;

/// <summary>
/// UniPC multistep (Zhao et al. 2023) as the paper ran it through diffusers' UniPCMultistepScheduler: data
/// prediction (x0), B(h) = e^h - 1 ("bh2"), solver order 2 with a first-order warm-up and a first-order last step,
/// and the UniC corrector on every step after the first. Default spacing: linspace over steps + 1 points with the
/// last dropped (25 steps: 999, 959, ..., 40); the step after the last goes to sigma 0.
/// </summary>
public sealed class UniPCScheduler : IDiffusionScheduler
{
    private const int SolverOrder = 2;

    private readonly NoiseSchedule _schedule;
    private readonly double[] _timesteps;
    private readonly double[] _sigmas;

    // History: converted model outputs (x0 predictions) of the last two steps, newest last.
    private readonly double[]?[] _outputs = new double[SolverOrder][];
    private readonly int[] _outputSteps = new int[SolverOrder];
    private int _lowerOrderCount;
    private int _lastOrder;
    private float[]? _lastSample;
    private int _lastStepIndex = -1;

    public UniPCScheduler(NoiseSchedule schedule, int steps)
    {
        _schedule = schedule;
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        int n = schedule.TrainTimesteps;
        _timesteps = new double[steps];
        switch (schedule.Options.Spacing ?? TimestepSpacing.Linspace)
        {
            case TimestepSpacing.Linspace:
                for (int i = 0; i < steps; i++)
                {
                    _timesteps[i] = Math.Round((n - 1) * (double)(steps - i) / steps, MidpointRounding.ToEven);
                }

                break;
            case TimestepSpacing.Leading:
                int ratio = n / (steps + 1);
                for (int i = 0; i < steps; i++)
                {
                    _timesteps[i] = Math.Min((double)(steps - i) * ratio + schedule.Options.StepsOffset, n - 1);
                }

                break;
            case TimestepSpacing.Trailing:
                _timesteps = schedule.Timesteps(steps, TimestepSpacing.Trailing);
                break;
        }

        _sigmas = new double[steps + 1];
        for (int i = 0; i < steps; i++)
        {
            _sigmas[i] = schedule.Sigma((int)_timesteps[i]);
        }

        _sigmas[steps] = 0;
    }

    public SchedulerKind Kind => SchedulerKind.UniPC;

    public IReadOnlyList<double> Timesteps => _timesteps;

    public double InitNoiseSigma => 1.0;

    public float[] ScaleModelInput(float[] sample, int stepIndex) => sample;

    public float[] Step(float[] modelOutput, int stepIndex, float[] sample, GaussianNoise noise)
    {
        if (_lastStepIndex >= 0 && stepIndex != _lastStepIndex + 1)
        {
            throw new InvalidOperationException($"UniPC steps run in order; step {stepIndex} follows step {_lastStepIndex}.");
        }

        (double alphaT, double sigmaT) = AlphaSigma(_sigmas[stepIndex]);
        var x0 = new double[sample.Length];
        for (int i = 0; i < sample.Length; i++)
        {
            x0[i] = NoiseSchedule.Split(_schedule.Options.Prediction, modelOutput[i], sample[i], alphaT, sigmaT).X0;
        }

        float[] current = sample;
        if (_lastSample is not null)
        {
            current = Correct(x0, stepIndex, _lastSample, sample, _lastOrder);
        }

        // Shift the history and remember this step's x0 prediction.
        for (int i = 0; i < SolverOrder - 1; i++)
        {
            _outputs[i] = _outputs[i + 1];
            _outputSteps[i] = _outputSteps[i + 1];
        }

        _outputs[SolverOrder - 1] = x0;
        _outputSteps[SolverOrder - 1] = stepIndex;

        // Lower order for the final step(s) and during warm-up.
        int order = Math.Min(SolverOrder, _timesteps.Length - stepIndex);
        order = Math.Min(order, _lowerOrderCount + 1);
        _lastOrder = order;
        _lastSample = current;
        float[] next = Predict(stepIndex, current, order);
        if (_lowerOrderCount < SolverOrder)
        {
            _lowerOrderCount++;
        }

        _lastStepIndex = stepIndex;
        return next;
    }

    public float[] AddNoise(float[] clean, float[] noise, int stepIndex)
    {
        (double alpha, double sigma) = AlphaSigma(_sigmas[stepIndex]);
        var result = new float[clean.Length];
        for (int i = 0; i < clean.Length; i++)
        {
            result[i] = (float)(alpha * clean[i] + sigma * noise[i]);
        }

        return result;
    }

    /// <summary>UniP-bh2 predictor from step <paramref name="s"/> to s + 1 (sigma 0 after the last step).</summary>
    private float[] Predict(int s, float[] x, int order)
    {
        (double alphaT, double sigmaT) = AlphaSigma(_sigmas[s + 1]);
        (double alphaS0, double sigmaS0) = AlphaSigma(_sigmas[s]);
        double lambdaT = Math.Log(alphaT) - Math.Log(sigmaT);
        double lambdaS0 = Math.Log(alphaS0) - Math.Log(sigmaS0);
        double h = lambdaT - lambdaS0;
        if (h == 0)
        {
            // Two equal timesteps (rounding at very high step counts): nothing to integrate.
            return (float[])x.Clone();
        }

        double hh = -h;
        double hPhi1 = Math.Exp(hh) - 1;
        double bh = hPhi1;
        double[] m0 = _outputs[SolverOrder - 1]!;

        double rho = 0;
        double[]? d1 = null;
        double rk = 0;
        if (order == 2)
        {
            double[] m1 = _outputs[SolverOrder - 2]!;
            (double alphaS1, double sigmaS1) = AlphaSigma(_sigmas[s - 1]);
            double lambdaS1 = Math.Log(alphaS1) - Math.Log(sigmaS1);
            rk = (lambdaS1 - lambdaS0) / h;
            if (rk != 0 && double.IsFinite(rk))
            {
                d1 = new double[m0.Length];
                for (int i = 0; i < m0.Length; i++)
                {
                    d1[i] = (m1[i] - m0[i]) / rk;
                }

                rho = 0.5; // diffusers' simplification for a second-order predictor
            }
        }

        double ratio = sigmaS0 > 0 ? sigmaT / sigmaS0 : 0;
        var result = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double value = ratio * x[i] - alphaT * hPhi1 * m0[i];
            if (d1 is not null)
            {
                value -= alphaT * bh * rho * d1[i];
            }

            result[i] = (float)value;
        }

        return result;
    }

    /// <summary>UniC-bh2 corrector: refines the sample at step <paramref name="t"/> with the model output there.</summary>
    private float[] Correct(double[] modelT, int t, float[] lastSample, float[] thisSample, int order)
    {
        (double alphaT, double sigmaT) = AlphaSigma(_sigmas[t]);
        (double alphaS0, double sigmaS0) = AlphaSigma(_sigmas[t - 1]);
        double lambdaT = Math.Log(alphaT) - Math.Log(sigmaT);
        double lambdaS0 = Math.Log(alphaS0) - Math.Log(sigmaS0);
        double h = lambdaT - lambdaS0;
        if (h == 0)
        {
            return thisSample;
        }

        double hh = -h;
        double hPhi1 = Math.Exp(hh) - 1;
        double bh = hPhi1;
        double[] m0 = _outputs[SolverOrder - 1]!;

        double rhoLast;
        double rhoPrevious = 0;
        double[]? d1 = null;
        if (order == 1)
        {
            rhoLast = 0.5;
        }
        else
        {
            double[] m1 = _outputs[SolverOrder - 2]!;
            (double alphaS1, double sigmaS1) = AlphaSigma(_sigmas[t - 2]);
            double lambdaS1 = Math.Log(alphaS1) - Math.Log(sigmaS1);
            double rk = (lambdaS1 - lambdaS0) / h;
            if (rk == 0 || !double.IsFinite(rk) || Math.Abs(1 - rk) < 1e-12)
            {
                // Degenerate spacing (repeated timesteps): first-order correction.
                return Correct(modelT, t, lastSample, thisSample, 1);
            }

            d1 = new double[m0.Length];
            for (int i = 0; i < m0.Length; i++)
            {
                d1[i] = (m1[i] - m0[i]) / rk;
            }

            // Solve [[1, 1], [rk, 1]] rho = b with b_k = h phi_k(h) k! / B(h), k = 1, 2.
            double hPhiK = hPhi1 / hh - 1;
            double b1 = hPhiK / bh;
            hPhiK = hPhiK / hh - 0.5;
            double b2 = hPhiK * 2 / bh;
            double determinant = 1 - rk;
            rhoPrevious = (b1 - b2) / determinant;
            rhoLast = (b2 - rk * b1) / determinant;
        }

        double ratio = sigmaT / sigmaS0;
        var result = new float[thisSample.Length];
        for (int i = 0; i < thisSample.Length; i++)
        {
            double value = ratio * lastSample[i] - alphaT * hPhi1 * m0[i];
            double correction = rhoLast * (modelT[i] - m0[i]);
            if (d1 is not null)
            {
                correction += rhoPrevious * d1[i];
            }

            result[i] = (float)(value - alphaT * bh * correction);
        }

        return result;
    }

    private static (double Alpha, double Sigma) AlphaSigma(double sigma)
    {
        double alpha = 1 / Math.Sqrt(sigma * sigma + 1);
        return (alpha, sigma * alpha);
    }
}
