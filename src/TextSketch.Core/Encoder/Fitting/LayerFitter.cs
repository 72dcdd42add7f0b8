using TextSketch.Core.Coding.ColorLayer;
using TextSketch.Core.Decoding.Paint;
using TextSketch.Core.Imaging;
using TextSketch.Core.Sketch;

namespace TextSketch.Core.Encoder.Fitting;

/// <summary>Settings of the decoder-aware layer fit.</summary>
public sealed record LayerFitOptions
{
    public static LayerFitOptions Default { get; } = new();

    /// <summary>Conjugate-gradient iterations on the normal equations per plane (0: the plain box averages). Each
    /// costs two decodes of the plane; one takes most of the gain.</summary>
    public int Iterations { get; init; } = 1;

    /// <summary>The finest multigrid level the fit's own decodes solve on (see <see cref="SolveSchedule.FinestLevel"/>):
    /// each level up costs about a quarter of the one below and fits a slightly blurred copy of the decoder; level 2
    /// loses almost nothing against level 0.</summary>
    public int SolveLevel { get; init; } = 2;

    /// <summary>Fit the chroma planes too (else they keep their box averages: chroma gains little for its cost).</summary>
    public bool FitChroma { get; init; }

    /// <summary>Planes fitted at once (1 to 3); the result is the same for any value.</summary>
    public int MaxDegreeOfParallelism { get; init; } = 1;
}

/// <summary>
/// Chooses the colour layer's values for the decoder, not for the thumbnail. For a fixed sketch the Paint decoder is
/// linear in the layer, u = A c (A = M⁻¹B, M = L + λDᵀD + μI, B = λDᵀ + μH), so the best layer minimises |A c − f|²
/// over the image's planes f: conjugate gradients on the normal equations, started from the box averages D f. Each
/// iteration costs one decode (A p) and one adjoint decode (Aᵀ r = Bᵀ M⁻¹ r: M is symmetric). Values are unquantised
/// (clamped to the planes' ranges); the layer coder quantises them.
/// Deterministic: sequential arithmetic per plane, so the layer (which is coded) never depends on the machine or the
/// thread count.
/// </summary>
public static class LayerFitter
{
    public static LayerPlanes Fit(RgbImage image, LayerGeometry geometry, BitPlane? sketch, PaintOptions? paint = null, LayerFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Fit(image, geometry, PaintScene.Create(image.Width, image.Height, sketch, paint), options);
    }

    /// <summary>The fit with a prepared scene (the sketch and the decoder's options): an encoder trying several geometries
    /// for one image builds the scene once.</summary>
    public static LayerPlanes Fit(RgbImage image, LayerGeometry geometry, PaintScene scene, LayerFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(scene);
        options ??= LayerFitOptions.Default;
        LayerPlanes.RequireSize(image, geometry);
        if (scene.Width != image.Width || scene.Height != image.Height)
        {
            throw new ArgumentException($"The scene is for {scene.Width}x{scene.Height}, the image {image.Width}x{image.Height}.", nameof(scene));
        }

        LayerPlanes box = LayerPlanes.FromImage(image, geometry);
        if (options.Iterations <= 0)
        {
            return box;
        }

        float[][] target = YCoCg.ToPlanes(image);
        PaintOptions paint = scene.Options;
        var fitted = new float[3][];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(options.MaxDegreeOfParallelism, 1, 3) };
        Parallel.For(0, 3, parallel, p =>
        {
            float[] start = box.Plane(p);
            fitted[p] = p > 0 && !options.FitChroma
                ? start
                : FitPlane(scene.System(geometry.GridOf(p)), target[p], start, options.Iterations,
                    Coarsest(p == 0 ? paint.Schedule : paint.ChromaSchedule, options.SolveLevel), p == 0 ? 0 : -127.5f, p == 0 ? 255 : 127.5f);
        });
        return new LayerPlanes(geometry, fitted[0], fitted[1], fitted[2]);
    }

    private static SolveSchedule Coarsest(SolveSchedule schedule, int level) =>
        schedule.FinestLevel >= level ? schedule : schedule with { FinestLevel = level, ConjugateGradientIterations = 0 };

    /// <summary>
    /// Conjugate gradients on min |A c − f|² from c = start (Polak–Ribière directions from the gradient Aᵀ r, the
    /// step along each direction from its actual decode, so every step lowers the error even though the solves
    /// inside are approximate). Returns the cells clamped to the plane's range [low, high].
    /// </summary>
    internal static float[] FitPlane(PlaneSystem system, float[] target, float[] start, int iterations, SolveSchedule schedule, float low, float high)
    {
        using PlaneSystem.Workspace work = system.CreateWorkspace();
        int n = target.Length;
        int cells = start.Length;
        var c = Array.ConvertAll(start, v => (double)v);
        var residual = new double[n];
        float[] decoded = Decode(system, c, schedule, work);
        for (int i = 0; i < n; i++)
        {
            residual[i] = target[i] - decoded[i];
        }

        double[] gradient = Adjoint(system, residual, schedule, work);
        var direction = (double[])gradient.Clone();
        double gg = Dot(gradient, gradient);
        for (int iteration = 0; iteration < iterations && gg > 0; iteration++)
        {
            float[] q = Decode(system, direction, schedule, work);
            double rq = 0, qq = 0;
            for (int i = 0; i < n; i++)
            {
                rq += residual[i] * q[i];
                qq += q[i] * (double)q[i];
            }

            if (!(qq > 0))
            {
                break;
            }

            double alpha = rq / qq;
            for (int k = 0; k < cells; k++)
            {
                c[k] += alpha * direction[k];
            }

            if (iteration + 1 == iterations)
            {
                break;
            }

            for (int i = 0; i < n; i++)
            {
                residual[i] -= alpha * q[i];
            }

            double[] next = Adjoint(system, residual, schedule, work);
            double change = 0;
            for (int k = 0; k < cells; k++)
            {
                change += next[k] * (next[k] - gradient[k]);
            }

            double beta = Math.Max(0, change / gg);
            gradient = next;
            gg = Dot(gradient, gradient);
            for (int k = 0; k < cells; k++)
            {
                direction[k] = gradient[k] + (beta * direction[k]);
            }
        }

        var result = new float[cells];
        for (int k = 0; k < cells; k++)
        {
            result[k] = (float)Math.Clamp(c[k], low, high);
        }

        return result;
    }

    /// <summary>A c: the decoded plane of cell values c.</summary>
    private static float[] Decode(PlaneSystem system, double[] c, SolveSchedule schedule, PlaneSystem.Workspace work) =>
        system.Solve(Array.ConvertAll(c, v => (float)v), schedule, work);

    /// <summary>Aᵀ r = Bᵀ M⁻¹ r (M = L + λDᵀD + μI is symmetric; b = B c is the right-hand side).</summary>
    private static double[] Adjoint(PlaneSystem system, double[] r, SolveSchedule schedule, PlaneSystem.Workspace work)
    {
        float[] rhs = work.Rhs[0];
        int pad = work.Pad(0);
        for (int i = 0; i < r.Length; i++)
        {
            rhs[i + pad] = (float)r[i];
        }

        float[] z = system.SolveRhs(schedule, work);
        return system.RightHandSideTransposed(z);
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
