using TextSketch.Core.Coding.ColorLayer;
namespace TextSketch.Core.Decoding.Paint;

/// <summary>One level's data term: node i touches cells Cell[Start[i]..Start[i+1]) with weights Weight[...].</summary>
internal sealed class DataLevel
{
    private DataLevel(int[] start, int[] cell, float[] weight, float[] inverseDiagonal)
    {
        Start = start;
        Cell = cell;
        Weight = weight;
        InverseDiagonal = inverseDiagonal;
    }

    public int[] Start { get; }

    public int[] Cell { get; }

    public float[] Weight { get; }

    /// <summary>1 / (degree + λ Σ weight²): the Gauss–Seidel divisor.</summary>
    public float[] InverseDiagonal { get; }

    /// <summary>Node <paramref name="i"/>'s data term: its cells' current sums, weighted (summed in edge order). The
    /// coarse levels' sweeps spend most of their time here (a coarse node touches many cells): spans over the node's
    /// entries keep bounds checks out of the loop.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public double TermAt(int i, double[] sums)
    {
        int first = Start[i];
        ReadOnlySpan<int> cell = Cell.AsSpan(first, Start[i + 1] - first);
        ReadOnlySpan<float> weight = Weight.AsSpan(first, cell.Length);
        double term = 0;
        for (int e = 0; e < cell.Length; e++)
        {
            term += weight[e] * sums[cell[e]];
        }

        return term;
    }

    /// <summary>sums += D_i · delta: node <paramref name="i"/>'s change moves each of its cells' sums.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public void AddAt(int i, float delta, double[] sums)
    {
        int first = Start[i];
        ReadOnlySpan<int> cell = Cell.AsSpan(first, Start[i + 1] - first);
        ReadOnlySpan<float> weight = Weight.AsSpan(first, cell.Length);
        for (int e = 0; e < cell.Length; e++)
        {
            sums[cell[e]] += weight[e] * (double)delta;
        }
    }

    /// <summary>Level 0's data term as a node list (used only when level 0 is also the coarsest).</summary>
    public static DataLevel Fine(BoxCells box, int width, float[] degree, float lambda)
    {
        int height = box.RowOf.Length;
        int[] columnOf = box.ColumnOfPixel(width);

        var start = new int[(width * height) + 1];
        var cell = new int[width * height];
        var weight = new float[width * height];
        for (int y = 0, i = 0; y < height; y++)
        {
            int row = box.RowOf[y] * box.Columns;
            for (int x = 0; x < width; x++, i++)
            {
                start[i + 1] = i + 1;
                cell[i] = row + columnOf[x];
                weight[i] = (float)box.Weight[cell[i]];
            }
        }

        return new DataLevel(start, cell, weight, Inverse(degree, start, weight, lambda));
    }

    /// <summary>Per pixel along one axis, the two cells whose bilinear hats cover it (cell centres at the cells'
    /// midpoints) and the hats' values there; beyond the outer centres the outer cell takes all.</summary>
    internal static (int[] Cells, float[] Weights) Hats(int size, int count, Func<int, int> start)
    {
        var cells = new int[2 * size];
        var weights = new float[2 * size];
        var centres = new double[count];
        for (int k = 0; k < count; k++)
        {
            centres[k] = (start(k) + start(k + 1)) * 0.5;
        }

        int left = 0;
        for (int p = 0; p < size; p++)
        {
            double t = p + 0.5;
            while (left + 1 < count && centres[left + 1] <= t)
            {
                left++;
            }

            if (t <= centres[0] || left + 1 >= count)
            {
                int k = t <= centres[0] ? 0 : count - 1;
                cells[2 * p] = cells[(2 * p) + 1] = k;
                weights[2 * p] = 1f;
                weights[(2 * p) + 1] = 0f;
                continue;
            }

            double f = (t - centres[left]) / (centres[left + 1] - centres[left]);
            cells[2 * p] = left;
            cells[(2 * p) + 1] = left + 1;
            weights[2 * p] = (float)(1 - f);
            weights[(2 * p) + 1] = (float)f;
        }

        return (cells, weights);
    }

    /// <summary>Level 1's data term straight from level 0's box cells (each pixel in one cell, weight 1/area). A
    /// level-1 aggregate lies within a 2x2 block, so it touches at most four cells.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static DataLevel FromBox(BoxCells box, int width, int[] aggregateOf, int coarseCount, float[] coarseDegree, float lambda)
    {
        int height = box.RowOf.Length;
        int[] columnOf = box.ColumnOfPixel(width);
        var count = new int[coarseCount];
        var cells = new int[4 * coarseCount];
        var weights = new float[4 * coarseCount];
        for (int y = 0, i = 0; y < height; y++)
        {
            int row = box.RowOf[y] * box.Columns;
            for (int x = 0; x < width; x++, i++)
            {
                int a = aggregateOf[i];
                int k = row + columnOf[x];
                float v = (float)box.Weight[k];
                int at = 4 * a;
                int end = at + count[a];
                while (at < end && cells[at] != k)
                {
                    at++;
                }

                if (at < end)
                {
                    weights[at] += v;
                    continue;
                }

                // A new cell for this aggregate: insert in ascending order.
                while (at > 4 * a && cells[at - 1] > k)
                {
                    cells[at] = cells[at - 1];
                    weights[at] = weights[at - 1];
                    at--;
                }

                cells[at] = k;
                weights[at] = v;
                count[a]++;
            }
        }

        var start = new int[coarseCount + 1];
        for (int a = 0; a < coarseCount; a++)
        {
            start[a + 1] = start[a] + count[a];
        }

        var cell = new int[start[^1]];
        var weight = new float[start[^1]];
        for (int a = 0; a < coarseCount; a++)
        {
            Array.Copy(cells, 4 * a, cell, start[a], count[a]);
            Array.Copy(weights, 4 * a, weight, start[a], count[a]);
        }

        return new DataLevel(start, cell, weight, Inverse(coarseDegree, start, weight, lambda));
    }

    /// <summary>The data term of the next level: D·P, each aggregate's weights summed per cell (cells ascending; each
    /// cell's weights summed in member order). A dense per-cell accumulator with the aggregate's cells listed, then
    /// sorted: coarse nodes touch hundreds of cells on fine layer grids, too many to insert one by one.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public DataLevel Coarsen(int[] aggregateOf, int coarseCount, int cellCount, float[] coarseDegree, float lambda)
    {
        (int[] memberStart, int[] members) = CountingSort.Group(aggregateOf, coarseCount);

        var start = new int[coarseCount + 1];
        // Merging never adds entries: the coarse level has at most as many as this one.
        var cell = new int[Cell.Length];
        var weight = new float[Cell.Length];
        var sum = new float[cellCount];
        var listed = new bool[cellCount];
        int count = 0;
        for (int a = 0; a < coarseCount; a++)
        {
            int first = count;
            for (int m = memberStart[a]; m < memberStart[a + 1]; m++)
            {
                int i = members[m];
                for (int e = Start[i]; e < Start[i + 1]; e++)
                {
                    int k = Cell[e];
                    if (listed[k])
                    {
                        sum[k] += Weight[e];
                    }
                    else
                    {
                        listed[k] = true;
                        sum[k] = Weight[e];
                        cell[count++] = k;
                    }
                }
            }

            Array.Sort(cell, first, count - first);
            for (int j = first; j < count; j++)
            {
                weight[j] = sum[cell[j]];
                listed[cell[j]] = false;
            }

            start[a + 1] = count;
        }

        Array.Resize(ref cell, count);
        Array.Resize(ref weight, count);
        return new DataLevel(start, cell, weight, Inverse(coarseDegree, start, weight, lambda));
    }

    /// <summary>sums[k] = Σ_i D_ki x_i.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Scatter(float[] x, int pad, double[] sums)
    {
        Array.Clear(sums);
        int n = Start.Length - 1;
        for (int i = 0; i < n; i++)
        {
            AddAt(i, x[i + pad], sums);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static float[] Inverse(float[] degree, int[] start, float[] weight, float lambda)
    {
        var inverse = new float[degree.Length];
        for (int i = 0; i < inverse.Length; i++)
        {
            double d = degree[i];
            for (int e = start[i]; e < start[i + 1]; e++)
            {
                d += lambda * (double)weight[e] * weight[e];
            }

            inverse[i] = (float)(1.0 / d);
        }

        return inverse;
    }
}

/// <summary>A layer grid as row runs: cell column cx spans [ColumnStart[cx], ColumnStart[cx+1]).</summary>
internal sealed class BoxCells
{
    public BoxCells(LayerGrid grid)
    {
        Columns = grid.Columns;
        ColumnStart = new int[grid.Columns + 1];
        for (int i = 0; i <= grid.Columns; i++)
        {
            ColumnStart[i] = grid.ColumnStart(i);
        }

        RowOf = new int[grid.ImageHeight];
        for (int y = 0; y < RowOf.Length; y++)
        {
            RowOf[y] = grid.RowOf(y);
        }

        Weight = new double[grid.CellCount];
        for (int j = 0; j < grid.Rows; j++)
        {
            for (int i = 0; i < grid.Columns; i++)
            {
                Weight[(j * grid.Columns) + i] = 1.0 / grid.CellArea(i, j);
            }
        }
    }

    public int Columns { get; }

    public int[] ColumnStart { get; }

    public int[] RowOf { get; }

    /// <summary>1 / cell area: the weight of each of the cell's pixels in its mean.</summary>
    public double[] Weight { get; }

    public int[] ColumnOfPixel(int width)
    {
        var columnOf = new int[width];
        for (int cx = 0; cx < Columns; cx++)
        {
            for (int x = ColumnStart[cx]; x < ColumnStart[cx + 1]; x++)
            {
                columnOf[x] = cx;
            }
        }

        return columnOf;
    }

    /// <summary>1 / (degree + λ/area²) per pixel: level 0's Gauss–Seidel divisor.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public float[] InverseDiagonal(int width, float[] degree, float lambda)
    {
        var inverse = new float[degree.Length];
        for (int y = 0, i = 0; y < RowOf.Length; y++)
        {
            int row = RowOf[y] * Columns;
            for (int cx = 0; cx < Columns; cx++)
            {
                double a = Weight[row + cx];
                for (int x = ColumnStart[cx]; x < ColumnStart[cx + 1]; x++, i++)
                {
                    inverse[i] = (float)(1.0 / (degree[i] + (lambda * a * a)));
                }
            }
        }

        return inverse;
    }

    /// <summary>b[i + pad] += λ c_k / area_k for each pixel i of cell k: λ Dᵀ c.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void AddTransposed(ReadOnlySpan<float> cells, float lambda, float[] b, int pad)
    {
        int w = ColumnStart[^1];
        for (int y = 0; y < RowOf.Length; y++)
        {
            int row = RowOf[y] * Columns;
            for (int cx = 0; cx < Columns; cx++)
            {
                float v = (float)(lambda * Weight[row + cx] * cells[row + cx]);
                for (int i = (y * w) + ColumnStart[cx] + pad, end = (y * w) + ColumnStart[cx + 1] + pad; i < end; i++)
                {
                    b[i] += v;
                }
            }
        }
    }

    /// <summary>sums[k] = mean of x over cell k.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Scatter(float[] x, int pad, double[] sums)
    {
        Array.Clear(sums);
        int w = ColumnStart[^1];
        for (int y = 0; y < RowOf.Length; y++)
        {
            int cellRow = RowOf[y] * Columns;
            for (int cx = 0; cx < Columns; cx++)
            {
                double s = 0;
                for (int i = (y * w) + ColumnStart[cx] + pad, end = (y * w) + ColumnStart[cx + 1] + pad; i < end; i++)
                {
                    s += x[i];
                }

                sums[cellRow + cx] += s * Weight[cellRow + cx];
            }
        }
    }
}

/// <summary>
/// H: the layer's bilinear interpolation between cell centres (hats that are a partition of unity over pixels). It is the anchor the decoder is weakly held to, so a region that
/// no cell pins down on its own takes the local colour instead of absorbing its cells' residuals.
/// </summary>
internal sealed class BilinearCells
{
    private readonly int _columns;
    private readonly int[] _ax;
    private readonly float[] _hx;
    private readonly int[] _ay;
    private readonly float[] _hy;

    public BilinearCells(LayerGrid grid)
    {
        _columns = grid.Columns;
        Width = grid.ImageWidth;
        Height = grid.ImageHeight;
        (_ax, _hx) = DataLevel.Hats(grid.ImageWidth, grid.Columns, grid.ColumnStart);
        (_ay, _hy) = DataLevel.Hats(grid.ImageHeight, grid.Rows, grid.RowStart);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>b[i + pad] += scale · (H c)_i.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void AddInterpolated(ReadOnlySpan<float> cells, float scale, float[] b, int pad)
    {
        for (int y = 0; y < Height; y++)
        {
            int r0 = _ay[2 * y] * _columns;
            int r1 = _ay[(2 * y) + 1] * _columns;
            float wy0 = _hy[2 * y];
            float wy1 = _hy[(2 * y) + 1];
            for (int x = 0; x < Width; x++)
            {
                int c0 = _ax[2 * x];
                int c1 = _ax[(2 * x) + 1];
                float wx0 = _hx[2 * x];
                float wx1 = _hx[(2 * x) + 1];
                float top = (wx0 * cells[r0 + c0]) + (wx1 * cells[r0 + c1]);
                float bottom = (wx0 * cells[r1 + c0]) + (wx1 * cells[r1 + c1]);
                b[(y * Width) + x + pad] += scale * ((wy0 * top) + (wy1 * bottom));
            }
        }
    }

    /// <summary>result[k] += scale · (Hᵀ r)_k.</summary>
    public void AddTransposed(ReadOnlySpan<float> r, double scale, double[] result)
    {
        for (int y = 0; y < Height; y++)
        {
            int r0 = _ay[2 * y] * _columns;
            int r1 = _ay[(2 * y) + 1] * _columns;
            double wy0 = _hy[2 * y];
            double wy1 = _hy[(2 * y) + 1];
            for (int x = 0; x < Width; x++)
            {
                double v = scale * r[(y * Width) + x];
                int c0 = _ax[2 * x];
                int c1 = _ax[(2 * x) + 1];
                result[r0 + c0] += v * wy0 * _hx[2 * x];
                result[r0 + c1] += v * wy0 * _hx[(2 * x) + 1];
                result[r1 + c0] += v * wy1 * _hx[2 * x];
                result[r1 + c1] += v * wy1 * _hx[(2 * x) + 1];
            }
        }
    }
}
