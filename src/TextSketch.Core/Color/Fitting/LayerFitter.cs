using TextSketch.Core.Decoding.Paint;
using TextSketch.Core.Imaging;
using TextSketch.Core.Sketch;

namespace TextSketch.Core.Color.Fitting;

/// <summary>Settings of the decoder-aware layer fit.</summary>
public sealed record LayerFitOptions
{
    public static LayerFitOptions Default { get; } = new();

    /// <summary>Conjugate-gradient iterations on the normal equations per plane (0: the plain box averages).</summary>
    public int Iterations { get; init; } = 4;

    /// <summary>The fit runs on the image reduced (by box averaging) until a luma cell is this many pixels a side,
    /// never below; the full image when its cells are already that small. Smaller is faster and rougher.</summary>
    public int CellPixels { get; init; } = 4;

    /// <summary>Fit the chroma planes too (else they keep their box averages).</summary>
    public bool FitChroma { get; init; } = true;

    /// <summary>Planes fitted at once (1 to 3); the result is the same for any value.</summary>
    public int MaxDegreeOfParallelism { get; init; } = 1;
}

/// <summary>
/// Chooses the colour layer's values for the decoder, not for the thumbnail. For a fixed sketch the Paint decoder is
/// linear in the layer, u = A c (A = (L + λDᵀD)⁻¹ λDᵀ), so the best layer minimises |A c − f|² over the image's
/// planes f: conjugate gradients on the normal equations, started from the box averages D f. Each iteration
/// costs one decode (A p) and one adjoint decode (Aᵀ r = λ D (L + λDᵀD)⁻¹ r: the system is symmetric). The fit runs
/// on a reduced image (<see cref="LayerFitOptions.CellPixels"/>) for speed; the layer it returns is for the full
/// image. Values are unquantised (clamped to the planes' ranges); the layer coder quantises them.
/// Deterministic: sequential arithmetic per plane, so the layer (which is coded) never depends on the machine or the
/// thread count.
/// </summary>
public static class LayerFitter
{
    public static ColorLayerPlanes Fit(RgbImage image, ColorLayerGrid grid, BitPlane? sketch, PaintOptions? paint = null, LayerFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(grid);
        paint ??= PaintOptions.Default;
        options ??= LayerFitOptions.Default;
        ColorLayerPlanes.RequireSize(image, grid);
        float[][] full = LayerColor.ToPlanes(image);
        ColorLayerPlanes box = new(grid, grid.Luma.BoxAverage(full[0]), grid.Chroma.BoxAverage(full[1]), grid.Chroma.BoxAverage(full[2]));
        if (options.Iterations <= 0)
        {
            return box;
        }

        // The working size: luma cells of about CellPixels a side (never more pixels than the image has).
        int cellWidth = Math.Max(1, image.Width / grid.Luma.Columns);
        int cellHeight = Math.Max(1, image.Height / grid.Luma.Rows);
        int reduction = Math.Max(1, Math.Min(cellWidth, cellHeight) / Math.Max(1, options.CellPixels));
        int width = Math.Max(grid.Luma.Columns, Math.Max(grid.Chroma.Columns, image.Width / reduction));
        int height = Math.Max(grid.Luma.Rows, Math.Max(grid.Chroma.Rows, image.Height / reduction));
        float[][] target = full;
        if (width != image.Width || height != image.Height)
        {
            var down = new LayerGrid(image.Width, image.Height, width, height);
            target = [down.BoxAverage(full[0]), down.BoxAverage(full[1]), down.BoxAverage(full[2])];
        }

        PaintScene scene = PaintScene.Create(width, height, sketch, paint);
        var lumaGrid = new LayerGrid(width, height, grid.Luma.Columns, grid.Luma.Rows);
        var chromaGrid = new LayerGrid(width, height, grid.Chroma.Columns, grid.Chroma.Rows);
        var fitted = new float[3][];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(options.MaxDegreeOfParallelism, 1, 3) };
        Parallel.For(0, 3, parallel, p =>
        {
            float[] start = box.Plane(p);
            fitted[p] = p > 0 && !options.FitChroma
                ? start
                : FitPlane(scene.System(p == 0 ? lumaGrid : chromaGrid), target[p], start, options.Iterations, p == 0 ? paint.Schedule : paint.ChromaSchedule, p == 0 ? 0 : -127.5f, p == 0 ? 255 : 127.5f);
        });
        return new ColorLayerPlanes(grid, fitted[0], fitted[1], fitted[2]);
    }

    /// <summary>
    /// Conjugate gradients on min |A c − f|² from c = start (Polak–Ribière directions from the gradient Aᵀ r, the
    /// step along each direction from its actual decode, so every step lowers the error even though the solves
    /// inside are approximate). Returns the cells clamped to the plane's range [low, high].
    /// </summary>
    internal static float[] FitPlane(PlaneSystem system, float[] target, float[] start, int iterations, SolveSchedule schedule, float low, float high)
    {
        PlaneSystem.Workspace work = system.CreateWorkspace();
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
