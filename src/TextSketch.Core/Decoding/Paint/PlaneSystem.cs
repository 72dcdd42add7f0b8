using TextSketch.Core.Coding.ColorLayer;
namespace TextSketch.Core.Decoding.Paint;

/// <summary>
/// The normal equations of one plane, (L + λ DᵀD) u = λ Dᵀ c, on every multigrid level, and their solver. L is the
/// links' weighted Laplacian, D the box average onto the plane's <see cref="LayerGrid"/> (row k of D holds 1/|cell k|
/// on the cell's pixels), c the layer's values; with the anchor μ > 0, + μ(u − H c) (H: bilinear interpolation). On a coarse level D is D·P (P sums each
/// aggregate): exact, so every level sees the same cells.
/// Solving: full multigrid (coarsest level directly, each finer level started from the coarser solution and given
/// V-cycles), then preconditioned conjugate gradients with one symmetric V-cycle (forward Gauss–Seidel before the
/// coarse correction, backward after) as preconditioner, for a fixed number of iterations. All arithmetic is
/// sequential in a fixed order, so the result depends only on the inputs. Thread-safe: every solve brings its own
/// <see cref="Workspace"/>.
/// </summary>
internal sealed class PlaneSystem
{
    private readonly LinkHierarchy _links;
    private readonly DataLevel?[] _data;

    /// <summary>1 / diagonal on level 0, made on the first sweep there (a chroma schedule starting on level 1 never
    /// sweeps it).</summary>
    private float[]? _fineInverse;
    private readonly double[] _coarsest;

    /// <summary>Level 0's cells: each pixel in exactly one, walked as row runs per cell.</summary>
    private readonly BoxCells _box;

    /// <summary>H, for the anchor term μ|u − H c|² (null when μ = 0).</summary>
    private readonly BilinearCells? _anchor;

    public PlaneSystem(LinkHierarchy links, LayerGrid grid, double dataWeight)
    {
        ArgumentNullException.ThrowIfNull(links);
        ArgumentNullException.ThrowIfNull(grid);
        LinkLevel fine = links.Fine;
        if (grid.ImageWidth != fine.Width || grid.ImageHeight != fine.Height)
        {
            throw new ArgumentException("The grid and the links cover different images.", nameof(grid));
        }

        if (!(dataWeight > 0) || double.IsInfinity(dataWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(dataWeight), "The data weight must be positive and finite.");
        }

        _links = links;
        Grid = grid;
        Lambda = (float)dataWeight;
        _data = new DataLevel[links.LevelCount];
        _box = new BoxCells(grid);
        _anchor = links.Anchor > 0 ? new BilinearCells(grid) : null;
        // Level 0's data term is the box cells themselves; as a node list only when it is also the coarsest level.
        _data[0] = _data.Length == 1 ? DataLevel.Fine(_box, fine.Width, fine.Degree, Lambda) : null;
        for (int l = 1; l < _data.Length; l++)
        {
            GraphLevel coarse = links.Coarse[l - 1];
            _data[l] = l == 1
                ? DataLevel.FromBox(_box, fine.Width, links.AggregateOf[0], coarse.Count, coarse.Degree, Lambda)
                : _data[l - 1]!.Coarsen(links.AggregateOf[l - 1], coarse.Count, grid.CellCount, coarse.Degree, Lambda);
        }

        _coarsest = Factor(_data.Length - 1);
    }

    public LayerGrid Grid { get; }

    public float Lambda { get; }

    public int Width => _links.Fine.Width;

    public int Height => _links.Fine.Height;

    public int LevelCount => _data.Length;

    /// <summary>result = Bᵀ r for the right-hand-side map b = B c (B = λDᵀ + μH): the fitter's adjoint.</summary>
    public double[] RightHandSideTransposed(float[] r)
    {
        float[] means = Grid.BoxAverage(r);
        var result = new double[means.Length];
        for (int k = 0; k < means.Length; k++)
        {
            result[k] = Lambda * (double)means[k];
        }

        _anchor?.AddTransposed(r, _links.Anchor, result);
        return result;
    }

    public Workspace CreateWorkspace() => new(_links, Grid.CellCount);

    /// <summary>The decoded plane for the layer values <paramref name="cells"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public float[] Solve(ReadOnlySpan<float> cells, SolveSchedule schedule, Workspace work)
    {
        if (cells.Length != Grid.CellCount)
        {
            throw new ArgumentException($"Expected {Grid.CellCount} layer values, got {cells.Length}.", nameof(cells));
        }

        float[] b = work.Rhs[0];
        Array.Clear(b);
        _box.AddTransposed(cells, Lambda, b, work.Pad(0));
        _anchor?.AddInterpolated(cells, _links.Anchor, b, work.Pad(0));
        return SolveRhs(schedule, work);
    }

    /// <summary>Solves with the right-hand side already in <c>work.Rhs[0]</c> (padded layout); returns the unpadded solution.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public float[] SolveRhs(SolveSchedule schedule, Workspace work)
    {
        // A reused workspace starts as a new one: no cell sums carried over from its last solve.
        work.SumsOf = null;
        int levels = _data.Length;
        for (int l = 1; l < levels; l++)
        {
            Restrict(l - 1, work.Rhs[l - 1], work.Rhs[l], work);
        }

        // Full multigrid: the coarsest level exactly, then each level from the one below, down to the finest level
        // the schedule solves on; below that, each node takes its aggregate's value.
        int finest = Math.Clamp(schedule.FinestLevel, 0, levels - 1);
        SolveCoarsest(work.Rhs[levels - 1], work.X[levels - 1], work);
        for (int l = levels - 2; l >= 0; l--)
        {
            Array.Clear(work.X[l]);
            work.Invalidate(work.X[l]);
            ProlongAdd(l, work.X[l + 1], work.X[l], work);
            for (int v = 0; l >= finest && v < schedule.FullMultigridCycles; v++)
            {
                Cycle(l, work.Rhs[l], work.X[l], work, schedule);
            }
        }

        if (finest == 0 && schedule.ConjugateGradientIterations > 0)
        {
            ConjugateGradients(schedule, work);
        }

        var result = new float[Width * Height];
        Array.Copy(work.X[0], work.Pad(0), result, 0, result.Length);
        return result;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void ConjugateGradients(SolveSchedule schedule, Workspace work)
    {
        float[] x = work.X[0];
        float[] b = work.Rhs[0];
        float[][] vectors = work.GradientVectors;
        float[] r = vectors[0];
        float[] z = vectors[1];
        float[] p = vectors[2];
        float[] q = vectors[3];
        int pad = work.Pad(0);
        int n = Width * Height;
        Apply(0, x, q, work);
        for (int i = pad; i < pad + n; i++)
        {
            r[i] = b[i] - q[i];
        }

        Precondition(r, z, work, schedule);
        Array.Copy(z, p, z.Length);
        work.Invalidate(p);
        double rz = Dot(r, z, pad, n);
        for (int iteration = 0; iteration < schedule.ConjugateGradientIterations && rz > 0; iteration++)
        {
            Apply(0, p, q, work);
            double pq = Dot(p, q, pad, n);
            if (!(pq > 0))
            {
                break;
            }

            float alpha = (float)(rz / pq);
            for (int i = pad; i < pad + n; i++)
            {
                x[i] += alpha * p[i];
                r[i] -= alpha * q[i];
            }

            work.Invalidate(x);

            if (iteration + 1 == schedule.ConjugateGradientIterations)
            {
                break;
            }

            Precondition(r, z, work, schedule);
            double next = Dot(r, z, pad, n);
            float beta = (float)(next / rz);
            rz = next;
            for (int i = pad; i < pad + n; i++)
            {
                p[i] = z[i] + (beta * p[i]);
            }

            work.Invalidate(p);
        }
    }

    /// <summary>z = one symmetric cycle on A z = r from z = 0.</summary>
    private void Precondition(float[] r, float[] z, Workspace work, SolveSchedule schedule)
    {
        Array.Clear(z);
        work.Invalidate(z);
        Cycle(0, r, z, work, schedule);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Cycle(int level, float[] b, float[] x, Workspace work, SolveSchedule schedule)
    {
        if (level == _data.Length - 1)
        {
            SolveCoarsest(b, x, work);
            return;
        }

        for (int s = 0; s < schedule.Smoothing; s++)
        {
            Sweep(level, b, x, work, forward: true);
        }

        float[] r = work.Scratch[level];
        Apply(level, x, r, work);
        int pad = work.Pad(level);
        int n = _links.Count(level);
        for (int i = pad; i < pad + n; i++)
        {
            r[i] = b[i] - r[i];
        }

        float[] coarseRhs = work.CycleRhs[level + 1];
        float[] coarseX = work.CycleX[level + 1];
        Restrict(level, r, coarseRhs, work);
        Array.Clear(coarseX);
        work.Invalidate(coarseX);
        for (int visit = 0; visit < Math.Max(1, schedule.CoarseVisits); visit++)
        {
            Cycle(level + 1, coarseRhs, coarseX, work, schedule);
        }

        ProlongAdd(level, coarseX, x, work);
        for (int s = 0; s < schedule.Smoothing; s++)
        {
            Sweep(level, b, x, work, forward: false);
        }
    }

    /// <summary>Makes work.CellSums the cell sums of <paramref name="x"/> on <paramref name="level"/>, unless they
    /// already are: a sweep keeps them current as it changes x, so the residual after it needs no pass of its own.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void EnsureSums(int level, float[] x, Workspace work)
    {
        if (ReferenceEquals(work.SumsOf, x))
        {
            return;
        }

        if (level == 0)
        {
            _box.Scatter(x, work.Pad(0), work.CellSums);
        }
        else
        {
            _data[level]!.Scatter(x, 0, work.CellSums);
        }

        work.SumsOf = x;
    }

    /// <summary>One Gauss–Seidel sweep (node order forward, reverse backward) with the cell sums kept current.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Sweep(int level, float[] b, float[] x, Workspace work, bool forward)
    {
        if (level == 0)
        {
            BoxSweep(b, x, work, forward);
            return;
        }

        DataLevel data = _data[level]!;
        GraphLevel graph = _links.Coarse[level - 1];
        double[] sums = work.CellSums;
        int pad = work.Pad(level);
        EnsureSums(level, x, work);
        float[] inverse = data.InverseDiagonal;
        double lambda = Lambda;
        int n = _links.Count(level);
        for (int count = 0, i = forward ? 0 : n - 1; count < n; count++, i += forward ? 1 : -1)
        {
            float residual = b[i + pad] - LaplacianAt(graph, x, i, pad) - (float)(lambda * data.TermAt(i, sums));
            float delta = residual * inverse[i];
            x[i + pad] += delta;
            data.AddAt(i, delta, sums);
        }
    }

    /// <summary>((L + μM) x)_i on a coarse level (spans over node i's links: no bounds checks in the loop).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static float LaplacianAt(GraphLevel graph, float[] x, int i, int pad)
    {
        int first = graph.Start[i];
        ReadOnlySpan<int> neighbour = graph.Neighbour.AsSpan(first, graph.Start[i + 1] - first);
        ReadOnlySpan<float> weight = graph.Weight.AsSpan(first, neighbour.Length);
        float sum = 0;
        for (int e = 0; e < neighbour.Length; e++)
        {
            sum += weight[e] * x[neighbour[e] + pad];
        }

        return (graph.Degree[i] * x[i + pad]) - sum;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Apply(int level, float[] x, float[] y, Workspace work)
    {
        if (level == 0)
        {
            BoxApply(x, y, work);
            return;
        }

        DataLevel data = _data[level]!;
        GraphLevel graph = _links.Coarse[level - 1];
        double[] sums = work.CellSums;
        int pad = work.Pad(level);
        EnsureSums(level, x, work);
        double lambda = Lambda;
        int n = _links.Count(level);
        for (int i = 0; i < n; i++)
        {
            y[i + pad] = LaplacianAt(graph, x, i, pad) + (float)(lambda * data.TermAt(i, sums));
        }
    }

    /// <summary><see cref="Sweep"/> on level 0, in raster order (reversed backward), each cell's sum held in a local
    /// while its run of a row is swept (the fine level is most of the work).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void BoxSweep(float[] b, float[] x, Workspace work, bool forward)
    {
        LinkLevel links = _links.Fine;
        BoxCells box = _box;
        double[] sums = work.CellSums;
        int pad = work.Pad(0);
        EnsureSums(0, x, work);
        int w = links.Width;
        float[] left = links.Left;
        float[] up = links.Up;
        float[] degree = links.Degree;
        // Two threads that both make it make equal arrays (deterministic), so the race is harmless.
        float[] inverse = _fineInverse ??= _box.InverseDiagonal(links.Width, links.Degree, Lambda);
        double lambda = Lambda;
        int columns = box.Columns;
        int[] columnStart = box.ColumnStart;
        int step = forward ? 1 : -1;
        for (int row = 0; row < links.Height; row++)
        {
            int y = forward ? row : links.Height - 1 - row;
            int cellRow = box.RowOf[y] * columns;
            for (int column = 0; column < columns; column++)
            {
                int cx = forward ? column : columns - 1 - column;
                int k = cellRow + cx;
                // The cell's data term λ·mean and how one pixel's change moves it, held in floats along the run.
                float a = (float)box.Weight[k];
                float data = (float)(lambda * sums[k]);
                float coupling = (float)lambda * a;
                int x0 = columnStart[cx];
                int x1 = columnStart[cx + 1];
                int i = (y * w) + (forward ? x0 : x1 - 1);
                for (int count = x1 - x0; count > 0; count--, i += step)
                {
                    int p = i + pad;
                    float neighbours = (left[i] * x[p - 1]) + (left[i + 1] * x[p + 1]) + (up[i] * x[p - w]) + (up[i + w] * x[p + w]);
                    float residual = b[p] - ((degree[i] * x[p]) - neighbours) - (a * data);
                    float delta = residual * inverse[i];
                    x[p] += delta;
                    data += coupling * delta;
                }

                sums[k] = data / lambda;
            }
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void BoxApply(float[] x, float[] y, Workspace work)
    {
        LinkLevel links = _links.Fine;
        BoxCells box = _box;
        double[] sums = work.CellSums;
        int pad = work.Pad(0);
        EnsureSums(0, x, work);
        int w = links.Width;
        float[] left = links.Left;
        float[] up = links.Up;
        float[] degree = links.Degree;
        double lambda = Lambda;
        int columns = box.Columns;
        int[] columnStart = box.ColumnStart;
        for (int row = 0; row < links.Height; row++)
        {
            int cellRow = box.RowOf[row] * columns;
            for (int cx = 0; cx < columns; cx++)
            {
                int k = cellRow + cx;
                float data = (float)(lambda * (box.Weight[k] * sums[k]));
                for (int i = (row * w) + columnStart[cx], end = (row * w) + columnStart[cx + 1]; i < end; i++)
                {
                    int p = i + pad;
                    float neighbours = (left[i] * x[p - 1]) + (left[i + 1] * x[p + 1]) + (up[i] * x[p - w]) + (up[i + w] * x[p + w]);
                    y[p] = (degree[i] * x[p]) - neighbours + data;
                }
            }
        }
    }

    /// <summary>Coarse right-hand side: the sum over each aggregate.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Restrict(int level, float[] fine, float[] coarse, Workspace work)
    {
        int[] aggregate = _links.AggregateOf[level];
        int fp = work.Pad(level);
        int cp = work.Pad(level + 1);
        Array.Clear(coarse);
        for (int i = 0; i < aggregate.Length; i++)
        {
            coarse[aggregate[i] + cp] += fine[i + fp];
        }
    }

    /// <summary>fine += P coarse: each node takes its aggregate's value.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void ProlongAdd(int level, float[] coarse, float[] fine, Workspace work)
    {
        int[] aggregate = _links.AggregateOf[level];
        int fp = work.Pad(level);
        int cp = work.Pad(level + 1);
        for (int i = 0; i < aggregate.Length; i++)
        {
            fine[i + fp] += coarse[aggregate[i] + cp];
        }

        work.Invalidate(fine);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void SolveCoarsest(float[] b, float[] x, Workspace work)
    {
        int level = _data.Length - 1;
        int n = _links.Count(level);
        int pad = work.Pad(level);
        double[] v = work.Dense;
        for (int i = 0; i < n; i++)
        {
            v[i] = b[i + pad];
        }

        // Forward then backward substitution with the Cholesky factor (lower triangle, row-major).
        for (int i = 0; i < n; i++)
        {
            double s = v[i];
            for (int j = 0; j < i; j++)
            {
                s -= _coarsest[(i * n) + j] * v[j];
            }

            v[i] = s / _coarsest[(i * n) + i];
        }

        for (int i = n - 1; i >= 0; i--)
        {
            double s = v[i];
            for (int j = i + 1; j < n; j++)
            {
                s -= _coarsest[(j * n) + i] * v[j];
            }

            v[i] = s / _coarsest[(i * n) + i];
        }

        for (int i = 0; i < n; i++)
        {
            x[i + pad] = (float)v[i];
        }

        work.Invalidate(x);
    }

    /// <summary>The coarsest level's matrix, assembled densely and Cholesky-factored (SPD: links leak, λ > 0).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private double[] Factor(int level)
    {
        int n = _links.Count(level);
        var a = new double[n * n];
        if (level == 0)
        {
            LinkLevel links = _links.Fine;
            int w = links.Width;
            for (int i = 0; i < n; i++)
            {
                a[(i * n) + i] += links.Degree[i];
                if (i % w > 0)
                {
                    a[(i * n) + i - 1] -= links.Left[i];
                    a[((i - 1) * n) + i] -= links.Left[i];
                }

                if (i >= w)
                {
                    a[(i * n) + i - w] -= links.Up[i];
                    a[((i - w) * n) + i] -= links.Up[i];
                }
            }
        }
        else
        {
            GraphLevel graph = _links.Coarse[level - 1];
            for (int i = 0; i < n; i++)
            {
                a[(i * n) + i] += graph.Degree[i];
                for (int e = graph.Start[i]; e < graph.Start[i + 1]; e++)
                {
                    a[(i * n) + graph.Neighbour[e]] -= graph.Weight[e];
                }
            }
        }

        // λ DᵀD: nodes sharing a cell are coupled by the product of their weights (cells ascending, each cell's
        // entries in node order).
        DataLevel data = _data[level]!;
        var nodeOf = new int[data.Cell.Length];
        for (int i = 0; i < n; i++)
        {
            Array.Fill(nodeOf, i, data.Start[i], data.Start[i + 1] - data.Start[i]);
        }

        (int[] cellStart, int[] entries) = CountingSort.Group(data.Cell, Grid.CellCount);
        for (int k = 0; k < Grid.CellCount; k++)
        {
            for (int u = cellStart[k]; u < cellStart[k + 1]; u++)
            {
                int p = nodeOf[entries[u]];
                float wp = data.Weight[entries[u]];
                for (int v = cellStart[k]; v < cellStart[k + 1]; v++)
                {
                    a[(p * n) + nodeOf[entries[v]]] += Lambda * (double)wp * data.Weight[entries[v]];
                }
            }
        }

        for (int j = 0; j < n; j++)
        {
            double d = a[(j * n) + j];
            for (int k = 0; k < j; k++)
            {
                d -= a[(j * n) + k] * a[(j * n) + k];
            }

            if (!(d > 0))
            {
                throw new InvalidOperationException("The coarsest Paint system is not positive definite.");
            }

            d = Math.Sqrt(d);
            a[(j * n) + j] = d;
            for (int i = j + 1; i < n; i++)
            {
                double s = a[(i * n) + j];
                for (int k = 0; k < j; k++)
                {
                    s -= a[(i * n) + k] * a[(j * n) + k];
                }

                a[(i * n) + j] = s / d;
            }
        }

        return a;
    }

    private static double Dot(float[] a, float[] b, int offset, int count)
    {
        double sum = 0;
        for (int i = offset; i < offset + count; i++)
        {
            sum += a[i] * (double)b[i];
        }

        return sum;
    }

    /// <summary>Scratch arrays for one solve at a time. Level 0's are padded by a row and a pixel at each end (see
    /// <see cref="LinkLevel"/>); coarse levels' are not. The conjugate-gradient vectors come on first use. The arrays
    /// are rented from the shared array pools, zeroed, and go back on <see cref="Dispose"/>: a decode's workspaces are
    /// a fifth of what it allocates, and memory fresh from the system costs a page fault per 4 KiB (measured: up to
    /// 40 ms of system time in one 768x512 decode). A rented array may be longer than its level: every loop runs to
    /// the level's own count, and the tail stays zero like the padding.</summary>
    public sealed class Workspace : IDisposable
    {
        private readonly List<float[]> _rented = [];
        private double[]? _rentedSums;

        private readonly int[] _pads;
        private float[][]? _gradientVectors;

        internal Workspace(LinkHierarchy links, int cells)
        {
            int levels = links.LevelCount;
            _pads = new int[levels];
            Rhs = new float[levels][];
            X = new float[levels][];
            Scratch = new float[levels][];
            CycleRhs = new float[levels][];
            CycleX = new float[levels][];
            for (int l = 0; l < levels; l++)
            {
                _pads[l] = l == 0 ? links.Fine.Width + 1 : 0;
                int length = links.Count(l) + (2 * _pads[l]);
                Rhs[l] = Rent(length);
                X[l] = Rent(length);
                Scratch[l] = l + 1 < levels ? Rent(length) : [];
                // Level 0 is never the coarse level of a cycle.
                CycleRhs[l] = l > 0 ? Rent(length) : [];
                CycleX[l] = l > 0 ? Rent(length) : [];
            }

            _rentedSums = System.Buffers.ArrayPool<double>.Shared.Rent(cells);
            Array.Clear(_rentedSums);
            CellSums = _rentedSums;
            Dense = new double[links.Count(levels - 1)];
        }

        public int Pad(int level) => _pads[level];

        public float[][] Rhs { get; }

        public float[][] X { get; }

        internal float[][] Scratch { get; }

        internal float[][] CycleRhs { get; }

        internal float[][] CycleX { get; }

        /// <summary>Residual, preconditioned residual, direction and product of the conjugate gradients (level 0).</summary>
        internal float[][] GradientVectors => _gradientVectors ??=
            [Rent(X[0].Length), Rent(X[0].Length), Rent(X[0].Length), Rent(X[0].Length)];

        internal double[] CellSums { get; }

        /// <summary>The vector whose cell sums <see cref="CellSums"/> holds (null: none).</summary>
        internal float[]? SumsOf { get; set; }

        /// <summary>Forgets the cell sums of <paramref name="x"/>, which is about to change.</summary>
        internal void Invalidate(float[] x)
        {
            if (ReferenceEquals(SumsOf, x))
            {
                SumsOf = null;
            }
        }

        internal double[] Dense { get; }

        /// <summary>Returns the arrays to the pools; the workspace must not be used after.</summary>
        public void Dispose()
        {
            foreach (float[] array in _rented)
            {
                System.Buffers.ArrayPool<float>.Shared.Return(array);
            }

            _rented.Clear();
            if (_rentedSums is not null)
            {
                System.Buffers.ArrayPool<double>.Shared.Return(_rentedSums);
                _rentedSums = null;
            }
        }

        private float[] Rent(int length)
        {
            float[] array = System.Buffers.ArrayPool<float>.Shared.Rent(length);
            Array.Clear(array);
            _rented.Add(array);
            return array;
        }
    }
}
