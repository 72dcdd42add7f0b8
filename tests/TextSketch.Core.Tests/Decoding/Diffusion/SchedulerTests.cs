using TextSketch.Core.Decoding.Diffusion;
using TextSketch.Core.Decoding.Diffusion.Schedulers;

namespace TextSketch.Core.Tests.Decoding.Diffusion;

public class SchedulerTests
{
    private static readonly NoiseSchedule Sd = new(new NoiseScheduleOptions());

    [Fact]
    public void ScaledLinearBetasMatchStableDiffusion()
    {
        Assert.Equal(1000, Sd.Betas.Length);
        Assert.Equal(0.00085, Sd.Betas[0], 12);
        Assert.Equal(0.012, Sd.Betas[999], 12);
        // Linear in sqrt(beta): the middle of the sqrt range.
        double mid = (Math.Sqrt(0.00085) + (Math.Sqrt(0.012) - Math.Sqrt(0.00085)) * 500.0 / 999);
        Assert.Equal(mid * mid, Sd.Betas[500], 14);
        Assert.Equal(0.99915, Sd.AlphasCumprod[0], 12);
        // SD 1.5's final alpha-bar and the Karras sigma range every SD sampler shows (sigma_max 14.6146, sigma_min 0.0292).
        Assert.Equal(0.0046601, Sd.AlphasCumprod[999], 7);
        Assert.Equal(14.6146, Sd.Sigma(999), 3);
        Assert.Equal(0.0292, Sd.Sigma(0), 4);
    }

    [Fact]
    public void DdimLeadingSpacingWithOffsetGives961Down()
    {
        var ddim = new DdimScheduler(Sd, 25);
        double[] expected = Enumerable.Range(0, 25).Select(i => 961.0 - 40 * i).ToArray();
        Assert.Equal(expected, ddim.Timesteps);
        Assert.Equal(1, ddim.Timesteps[^1]);
    }

    [Theory]
    [InlineData(SchedulerKind.Ddim)]
    [InlineData(SchedulerKind.UniPC)]
    [InlineData(SchedulerKind.Euler)]
    public void EveryStepCountUpToTheTrainingLengthStaysInRange(SchedulerKind kind)
    {
        foreach (int steps in new[] { 1, 2, 999, 1000 })
        {
            IDiffusionScheduler scheduler = Schedulers.Create(kind, Sd, steps);
            Assert.All(scheduler.Timesteps, t => Assert.InRange(t, 0, 999));
            var noise = new GaussianNoise(steps);
            float[] x = noise.NextGaussians(4);
            for (int step = 0; step < steps; step++)
            {
                x = scheduler.Step(new float[4], step, scheduler.ScaleModelInput(x, step), noise);
            }

            Assert.All(x, v => Assert.True(float.IsFinite(v)));
        }
    }

    [Fact]
    public void UniPCLinspaceTimestepsMatchDiffusers()
    {
        var unipc = new UniPCScheduler(Sd, 25);
        double[] expected = [999, 959, 919, 879, 839, 799, 759, 719, 679, 639, 599, 559, 519, 480, 440, 400, 360, 320, 280, 240, 200, 160, 120, 80, 40];
        Assert.Equal(expected, unipc.Timesteps);
    }

    [Fact]
    public void EulerStartsAtSigmaMaxWithFractionalTimesteps()
    {
        var euler = new EulerScheduler(Sd, 25);
        Assert.Equal(999, euler.Timesteps[0]);
        Assert.Equal(0, euler.Timesteps[^1]);
        Assert.Equal(999.0 * 23 / 24, euler.Timesteps[1], 12);
        Assert.Equal(14.6146, euler.InitNoiseSigma, 3);
        Assert.Equal(0, euler.Sigmas[^1]);
        // Interpolated sigma halfway between two integer timesteps.
        Assert.Equal((Sd.Sigma(957) + Sd.Sigma(958)) / 2, Sd.SigmaAt(957.5), 12);
    }

    [Fact]
    public void LcmTimestepsSubsampleTheDistillationSchedule()
    {
        Assert.Equal([999.0, 759, 499, 259], new LcmScheduler(Sd, 4).Timesteps);
        Assert.Equal([999.0], new LcmScheduler(Sd, 1).Timesteps);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LcmScheduler(Sd, 51));
    }

    [Fact]
    public void DdimStepWithTheTrueNoiseRecoversX0Exactly()
    {
        var ddim = new DdimScheduler(Sd, 25);
        var random = new GaussianNoise(7);
        float[] x0 = random.NextGaussians(64);
        float[] eps = random.NextGaussians(64);
        for (int step = 0; step < 25; step++)
        {
            int t = (int)ddim.Timesteps[step];
            float[] xt = Diffuse(Sd.AlphasCumprod[t], x0, eps);
            float[] previous = ddim.Step(eps, step, xt, random);
            double alphaBarPrevious = t - 40 >= 0 ? Sd.AlphasCumprod[t - 40] : Sd.AlphasCumprod[0];
            float[] expected = Diffuse(alphaBarPrevious, x0, eps);
            for (int i = 0; i < x0.Length; i++)
            {
                Assert.Equal(expected[i], previous[i], 1e-4f);
            }
        }
    }

    [Theory]
    [InlineData(SchedulerKind.UniPC)]
    [InlineData(SchedulerKind.Euler)]
    [InlineData(SchedulerKind.Ddim)]
    [InlineData(SchedulerKind.Lcm)]
    public void AnOracleDenoiserLandsOnX0(SchedulerKind kind)
    {
        // A model that always knows x0 (it outputs the noise implied by the current sample) must end on x0.
        int steps = kind == SchedulerKind.Lcm ? 4 : 25;
        IDiffusionScheduler scheduler = Schedulers.Create(kind, Sd, steps);
        var noise = new GaussianNoise(11);
        float[] x0 = noise.NextGaussians(32);
        float[] x = noise.NextGaussians(32, scheduler.InitNoiseSigma);
        for (int step = 0; step < steps; step++)
        {
            float[] input = scheduler.ScaleModelInput(x, step);
            double alphaBar = AlphaBarSeenByModel(scheduler, step);
            double a = Math.Sqrt(alphaBar), s = Math.Sqrt(1 - alphaBar);
            float[] eps = input.Select((v, i) => (float)((v - a * x0[i]) / s)).ToArray();
            x = scheduler.Step(eps, step, x, noise);
        }

        // DDIM's last step goes to alpha-bar(0) = 0.99915, so it keeps a trace of noise; the others reach sigma 0.
        float tolerance = kind == SchedulerKind.Ddim ? 0.15f : 2e-3f;
        for (int i = 0; i < x0.Length; i++)
        {
            Assert.Equal(x0[i], x[i], tolerance);
        }
    }

    [Fact]
    public void UniPCFirstStepIsTheFirstOrderDdimStep()
    {
        // With no history UniPC's predictor is first order: exactly DDIM's update in x0 form between its timesteps.
        var unipc = new UniPCScheduler(Sd, 25);
        var noise = new GaussianNoise(3);
        float[] sample = noise.NextGaussians(16);
        float[] output = noise.NextGaussians(16);
        float[] next = unipc.Step(output, 0, sample, noise);
        double abT = Sd.AlphasCumprod[999], abNext = Sd.AlphasCumprod[959];
        for (int i = 0; i < sample.Length; i++)
        {
            double x0 = (sample[i] - Math.Sqrt(1 - abT) * output[i]) / Math.Sqrt(abT);
            double expected = Math.Sqrt(abNext) * x0 + Math.Sqrt(1 - abNext) * output[i];
            Assert.Equal(expected, next[i], 1e-3);
        }
    }

    [Fact]
    public void UniPCEndsOnTheLastX0EstimateAfterSecondOrderSteps()
    {
        // Through warm-up, second-order predictor/corrector steps and the first-order final step to sigma 0, the
        // result must be exactly the model's last x0 estimate (the final step's closed form).
        const int steps = 10;
        float[] Run(IDiffusionScheduler scheduler)
        {
            var noise = new GaussianNoise(5);
            float[] x = [1.0f];
            for (int step = 0; step < steps; step++)
            {
                double t = scheduler.Timesteps[step];
                double alphaBar = Sd.AlphasCumprod[(int)t];
                // x0 estimate that drifts with the noise level: x0(t) = 0.5 + 0.3 * sqrt(1 - abar).
                double x0 = 0.5 + 0.3 * Math.Sqrt(1 - alphaBar);
                float eps = (float)((x[0] - Math.Sqrt(alphaBar) * x0) / Math.Sqrt(1 - alphaBar));
                x = scheduler.Step([eps], step, x, noise);
            }

            return x;
        }

        var unipc = new UniPCScheduler(Sd, steps);
        float result = Run(unipc)[0];
        double lastAlphaBar = Sd.AlphasCumprod[(int)unipc.Timesteps[^1]];
        Assert.Equal(0.5 + 0.3 * Math.Sqrt(1 - lastAlphaBar), result, 1e-5);
    }

    [Fact]
    public void UniPCAcceptsAStartPartWay()
    {
        var unipc = new UniPCScheduler(Sd, 25);
        var noise = new GaussianNoise(1);
        float[] x = unipc.AddNoise(noise.NextGaussians(8), noise.NextGaussians(8), 10);
        for (int step = 10; step < 25; step++)
        {
            x = unipc.Step(noise.NextGaussians(8), step, x, noise);
        }

        Assert.All(x, v => Assert.True(float.IsFinite(v)));
        Assert.Throws<InvalidOperationException>(() => unipc.Step(new float[8], 3, x, noise));
    }

    [Fact]
    public void VPredictionIsReadAsVelocity()
    {
        var schedule = new NoiseSchedule(new NoiseScheduleOptions { Prediction = PredictionType.VPrediction });
        var ddim = new DdimScheduler(schedule, 25);
        var random = new GaussianNoise(9);
        float[] x0 = random.NextGaussians(16);
        float[] eps = random.NextGaussians(16);
        int t = (int)ddim.Timesteps[3];
        double a = Math.Sqrt(schedule.AlphasCumprod[t]), s = Math.Sqrt(1 - schedule.AlphasCumprod[t]);
        float[] xt = Diffuse(schedule.AlphasCumprod[t], x0, eps);
        float[] v = x0.Select((x, i) => (float)(a * eps[i] - s * x)).ToArray();
        float[] previous = ddim.Step(v, 3, xt, random);
        float[] expected = Diffuse(schedule.AlphasCumprod[t - 40], x0, eps);
        for (int i = 0; i < x0.Length; i++)
        {
            Assert.Equal(expected[i], previous[i], 1e-4f);
        }
    }

    [Fact]
    public void GaussianNoiseIsSeededAndStandardNormal()
    {
        float[] a = new GaussianNoise(42).NextGaussians(200_000);
        float[] b = new GaussianNoise(42).NextGaussians(200_000);
        Assert.Equal(a, b);
        Assert.NotEqual(a[..16], new GaussianNoise(43).NextGaussians(16));
        double mean = a.Average(v => (double)v);
        double variance = a.Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(variance, 0.98, 1.02);
        Assert.InRange(a.Count(v => Math.Abs(v) < 1) / (double)a.Length, 0.678, 0.687); // 68.27 %
        // Pinned first values: the stream must never change, or old records would decode differently.
        var first = new GaussianNoise(0);
        Assert.Equal(0x99EC5F36CB75F2B4UL, first.NextUInt64());
    }

    private static double AlphaBarSeenByModel(IDiffusionScheduler scheduler, int step)
    {
        if (scheduler is EulerScheduler euler)
        {
            // In Euler's scaled input, the model sees alpha-bar = 1 / (sigma^2 + 1).
            double sigma = euler.Sigmas[step];
            return 1 / (sigma * sigma + 1);
        }

        return Sd.AlphasCumprod[(int)Math.Round(scheduler.Timesteps[step])];
    }

    private static float[] Diffuse(double alphaBar, float[] x0, float[] eps) =>
        x0.Select((x, i) => (float)(Math.Sqrt(alphaBar) * x + Math.Sqrt(1 - alphaBar) * eps[i])).ToArray();
}
