namespace TextSketch.Core.Decoding.Paint;

/// <summary>
/// The smoothness term on every level of the multigrid. Level 0 is the image's grid of <see cref="PixelLinks"/>;
/// each coarser level merges the nodes of 2x2 blocks of positions (pairs, for a single row or column) — but only
/// nodes joined inside the block by strong links, so an aggregate never straddles an edge: the two sides of a cut,
/// and every region a contour encloses, stay separate unknowns down to the coarsest level, where those slow modes
/// (a whole region's level) are solved exactly. A coarse link's weight is half the sum of the strong fine links it
/// replaces (the rediscretised Laplacian: piecewise-constant aggregates would make the Galerkin one twice as stiff)
/// plus the full sum of the weak ones (a cut is an interface, which aggregates represent exactly; halving it at every
/// level would cut an enclosed region off from its surroundings).
/// Shared by every plane decoded with the same sketch.
/// </summary>
internal sealed class LinkHierarchy
{
    /// <summary>Coarsening stops at this many unknowns; that level is solved directly.</summary>
    public const int CoarsestUnknowns = 128;

    /// <summary>A link is strong when at least this share of the strongest link at either end.</summary>
    internal const float Strength = 0.25f;

    /// <summary>Coarsening that keeps more than this share of the nodes has stalled (many enclosed regions).</summary>
    private const double Stalled = 0.85;

    /// <summary>The coarsest level a dense factorisation handles cheaply; past it, weak links merge too.</summary>
    private const int DenseLimit = 400;

    /// <param name="anchor">μ: weight of each pixel's pull towards the layer's bilinear interpolation; it joins the
    /// diagonal of every level in proportion to the pixels a node stands for.</param>
    public LinkHierarchy(PixelLinks links, float anchor)
    {
        ArgumentNullException.ThrowIfNull(links);
        Anchor = anchor;
        Fine = LinkLevel.FromLinks(links, anchor);
        var coarse = new List<GraphLevel>();
        var maps = new List<int[]>();
        if (Fine.Count > CoarsestUnknowns)
        {
            (GraphLevel first, int[] map) = GraphLevel.FromGrid(Fine, Strength, anchor);
            coarse.Add(first);
            maps.Add(map);
            while (coarse[^1].Count > CoarsestUnknowns && (coarse[^1].PositionWidth > 1 || coarse[^1].PositionHeight > 1))
            {
                GraphLevel last = coarse[^1];
                (GraphLevel next, int[] nextMap) = last.Coarsen(Strength, anchor);
                if (next.Count > Stalled * last.Count && last.Count > DenseLimit)
                {
                    (next, nextMap) = last.Coarsen(0f, anchor);
                }

                coarse.Add(next);
                maps.Add(nextMap);
            }
        }

        Coarse = coarse;
        AggregateOf = maps;
    }

    public float Anchor { get; }

    public LinkLevel Fine { get; }

    /// <summary>Levels 1, 2, ...</summary>
    public IReadOnlyList<GraphLevel> Coarse { get; }

    /// <summary>AggregateOf[l][i]: the node of level l+1 that node i of level l belongs to.</summary>
    public IReadOnlyList<int[]> AggregateOf { get; }

    public int LevelCount => Coarse.Count + 1;

    public int Count(int level) => level == 0 ? Fine.Count : Coarse[level - 1].Count;
}

/// <summary>
/// Level 0's links, stored per node for branch-free stencils: <see cref="Left"/>[i] is the weight of the link from
/// node i to its left neighbour (0 in column 0), <see cref="Up"/>[i] to the node above (0 in row 0). Arrays are padded
/// with zeros (Left to n+1, Up to n+Width) so the right and lower links of any node, Left[i+1] and Up[i+Width], read 0
/// at the borders.
/// </summary>
internal sealed class LinkLevel
{
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private LinkLevel(int width, int height, float[] left, float[] up, float anchor)
    {
        Width = width;
        Height = height;
        Left = left;
        Up = up;
        Degree = new float[Count];
        for (int i = 0; i < Count; i++)
        {
            Degree[i] = left[i] + left[i + 1] + up[i] + up[i + width] + anchor;
        }
    }

    public int Width { get; }

    public int Height { get; }

    public int Count => Width * Height;

    public float[] Left { get; }

    public float[] Up { get; }

    /// <summary>Sum of a node's link weights plus the anchor μ: the diagonal of L + μI.</summary>
    public float[] Degree { get; }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static LinkLevel FromLinks(PixelLinks links, float anchor)
    {
        int w = links.Width;
        int h = links.Height;
        var left = new float[(w * h) + 1];
        var up = new float[(w * h) + w];
        for (int y = 0; y < h; y++)
        {
            for (int x = 1; x < w; x++)
            {
                left[(y * w) + x] = links.Horizontal[(y * (w - 1)) + x - 1];
            }
        }

        for (int y = 1; y < h; y++)
        {
            Array.Copy(links.Vertical, (y - 1) * w, up, y * w, w);
        }

        return new LinkLevel(w, h, left, up, anchor);
    }
}

/// <summary>
/// A coarse level: nodes with a block position (X, Y) on a PositionWidth x PositionHeight grid (several nodes may
/// share a position: the pieces of a block that an edge separates), and symmetric weighted links in CSR form
/// (node i's neighbours Neighbour[Start[i]..Start[i+1]), ascending).
/// </summary>
internal sealed class GraphLevel
{
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private GraphLevel(int positionWidth, int positionHeight, int[] x, int[] y, int[] start, int[] neighbour, float[] weight, float[] mass, float anchor)
    {
        Mass = mass;
        PositionWidth = positionWidth;
        PositionHeight = positionHeight;
        X = x;
        Y = y;
        Start = start;
        Neighbour = neighbour;
        Weight = weight;
        Degree = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            float d = 0;
            for (int e = start[i]; e < start[i + 1]; e++)
            {
                d += weight[e];
            }

            Degree[i] = d + (anchor * mass[i]);
        }
    }

    public int PositionWidth { get; }

    public int PositionHeight { get; }

    public int Count => X.Length;

    public int[] X { get; }

    public int[] Y { get; }

    public int[] Start { get; }

    public int[] Neighbour { get; }

    public float[] Weight { get; }

    /// <summary>Links' sum plus μ times <see cref="Mass"/>.</summary>
    public float[] Degree { get; }

    /// <summary>Pixels a node stands for.</summary>
    public float[] Mass { get; }

    /// <summary>
    /// Level 1 from the pixel grid: <see cref="Coarsen"/>'s rule (aggregates of strongly linked pixels within each
    /// 2x2 block, numbered in block raster order by first member, half of strong and all of weak crossing links),
    /// worked directly on the grid's stencil — the image-sized level is most of the building work.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static (GraphLevel Level, int[] AggregateOf) FromGrid(LinkLevel fine, float strength, float anchor)
    {
        int w = fine.Width;
        int h = fine.Height;
        int n = fine.Count;
        int sx = w > 1 ? 2 : 1;
        int sy = h > 1 ? 2 : 1;
        int cw = (w + sx - 1) / sx;
        int ch = (h + sy - 1) / sy;
        float[] left = fine.Left;
        float[] up = fine.Up;
        var maxLink = new float[n];
        for (int p = 0; p < n; p++)
        {
            maxLink[p] = Math.Max(Math.Max(left[p], left[p + 1]), Math.Max(up[p], up[p + w]));
        }

        // Pass 1: aggregates. Block pixels in raster order are slots 0 (top left), 1 (top right), 2, 3 (bottom row);
        // a slot joins the lower-numbered slot it is strongly linked to, and takes that slot's root.
        var aggregate = new int[n];
        var xs = new List<int>(n / 3);
        var ys = new List<int>(n / 3);
        Span<int> pixel = stackalloc int[4];
        Span<int> root = stackalloc int[4];
        for (int by = 0; by < ch; by++)
        {
            for (int bx = 0; bx < cw; bx++)
            {
                int x0 = bx * sx, y0 = by * sy;
                int columns = Math.Min(sx, w - x0);
                int rows = Math.Min(sy, h - y0);
                int count = 0;
                for (int dy = 0; dy < rows; dy++)
                {
                    for (int dx = 0; dx < columns; dx++)
                    {
                        pixel[count++] = ((y0 + dy) * w) + x0 + dx;
                    }
                }

                for (int k = 0; k < count; k++)
                {
                    root[k] = k;
                }

                for (int k = 1; k < count; k++)
                {
                    int p = pixel[k];
                    bool hasLeft = columns == 2 && (k & 1) == 1;
                    bool hasUp = k >= columns;
                    // Union with the left and upper slots of the block where the link is strong.
                    if (hasLeft && IsStrong(left[p], maxLink[p], maxLink[p - 1], strength))
                    {
                        Merge(root, k, k - 1, count);
                    }

                    if (hasUp && IsStrong(up[p], maxLink[p], maxLink[p - w], strength))
                    {
                        Merge(root, k, k - columns, count);
                    }
                }

                for (int k = 0; k < count; k++)
                {
                    if (root[k] == k)
                    {
                        aggregate[pixel[k]] = xs.Count;
                        xs.Add(bx);
                        ys.Add(by);
                    }
                    else
                    {
                        aggregate[pixel[k]] = aggregate[pixel[root[k]]];
                    }
                }
            }
        }

        // Pass 2: each aggregate's links, from its pixels' four neighbours (aggregates in order, so its pixels are
        // found block by block).
        int coarseCount = xs.Count;
        var start = new int[coarseCount + 1];
        var links = new CoarseLinks(coarseCount);
        var masses = new float[coarseCount];
        int a = 0;
        for (int by = 0; by < ch; by++)
        {
            for (int bx = 0; bx < cw; bx++)
            {
                int x0 = bx * sx, y0 = by * sy;
                int columns = Math.Min(sx, w - x0);
                int rows = Math.Min(sy, h - y0);
                int last = aggregate[((y0 + rows - 1) * w) + x0 + columns - 1];
                for (int dy = 0; dy < rows; dy++)
                {
                    for (int dx = 0; dx < columns; dx++)
                    {
                        last = Math.Max(last, aggregate[((y0 + dy) * w) + x0 + dx]);
                    }
                }

                for (; a <= last; a++)
                {
                    for (int dy = 0; dy < rows; dy++)
                    {
                        for (int dx = 0; dx < columns; dx++)
                        {
                            int x = x0 + dx;
                            int p = ((y0 + dy) * w) + x;
                            if (aggregate[p] != a)
                            {
                                continue;
                            }

                            masses[a]++;
                            float own = maxLink[p];
                            if (p >= w)
                            {
                                links.Cross(a, aggregate[p - w], up[p], own, maxLink[p - w]);
                            }

                            if (x > 0)
                            {
                                links.Cross(a, aggregate[p - 1], left[p], own, maxLink[p - 1]);
                            }

                            if (x < w - 1)
                            {
                                links.Cross(a, aggregate[p + 1], left[p + 1], own, maxLink[p + 1]);
                            }

                            if (p + w < n)
                            {
                                links.Cross(a, aggregate[p + w], up[p + w], own, maxLink[p + w]);
                            }
                        }
                    }

                    start[a + 1] = links.Close();
                }
            }
        }

        var level = new GraphLevel(cw, ch, xs.ToArray(), ys.ToArray(), start, links.Neighbours(), links.Weights(), masses, anchor);
        return (level, aggregate);
    }

    /// <summary>A coarse level's links as <see cref="FromGrid"/> and <see cref="Coarsen"/> gather them, aggregate by
    /// aggregate: the crossing fine links' weights summed per neighbouring aggregate (in the order they are met),
    /// listed in first-touched order (a dense accumulator with a touched list).</summary>
    private sealed class CoarseLinks(int coarseCount)
    {
        private readonly float[] _accumulator = new float[coarseCount];
        private int[] _touched = new int[16];
        private int _touchedCount;
        private int[] _neighbour = new int[4 * coarseCount];
        private float[] _weight = new float[4 * coarseCount];
        private int _count;

        /// <summary>A fine link of <paramref name="weight"/> from aggregate <paramref name="a"/> to <paramref name="b"/>
        /// (ends with strongest links <paramref name="maxHere"/>, <paramref name="maxThere"/>). Smooth variation across
        /// strong links: half the sum, the rediscretised Laplacian. A weak link is an edge's interface, which
        /// piecewise-constant aggregates represent exactly: its full sum.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void Cross(int a, int b, float weight, float maxHere, float maxThere)
        {
            if (b == a || !(weight > 0))
            {
                return;
            }

            float[] accumulator = _accumulator;
            if (accumulator[b] == 0)
            {
                if (_touchedCount == _touched.Length)
                {
                    Array.Resize(ref _touched, 2 * _touched.Length);
                }

                _touched[_touchedCount++] = b;
            }

            accumulator[b] += IsStrong(weight, maxHere, maxThere, LinkHierarchy.Strength) ? 0.5f * weight : weight;
        }

        /// <summary>Ends the aggregate's list (in first-touched order: fixed by the input, so the sums downstream
        /// are too); returns the entries so far.</summary>
        public int Close()
        {
            if (_count + _touchedCount > _neighbour.Length)
            {
                int length = Math.Max(2 * _neighbour.Length, _count + _touchedCount);
                Array.Resize(ref _neighbour, length);
                Array.Resize(ref _weight, length);
            }

            for (int t = 0; t < _touchedCount; t++)
            {
                int b = _touched[t];
                _neighbour[_count] = b;
                _weight[_count++] = _accumulator[b];
                _accumulator[b] = 0;
            }

            _touchedCount = 0;
            return _count;
        }

        public int[] Neighbours() => _neighbour[.._count];

        public float[] Weights() => _weight[.._count];
    }

    private static bool IsStrong(float weight, float maxAtOneEnd, float maxAtOtherEnd, float strength) =>
        weight > 0 && weight >= strength * Math.Max(maxAtOneEnd, maxAtOtherEnd);

    /// <summary>Joins slot k's component to slot j's within a block: every slot of the higher root takes the lower.</summary>
    private static void Merge(Span<int> root, int k, int j, int count)
    {
        int keep = Math.Min(root[k], root[j]);
        int drop = Math.Max(root[k], root[j]);
        for (int s = 0; s < count; s++)
        {
            if (root[s] == drop)
            {
                root[s] = keep;
            }
        }
    }

    /// <summary>
    /// Aggregates the nodes of each 2x2 block of positions that strong links join within the block (union–find),
    /// numbers the aggregates in block raster order (then by first member), and sums half the crossing links.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public (GraphLevel Level, int[] AggregateOf) Coarsen(float strength, float anchor)
    {
        int count = Count;
        int width = PositionWidth;
        int height = PositionHeight;
        int sx = width > 1 ? 2 : 1;
        int sy = height > 1 ? 2 : 1;
        int cw = (width + sx - 1) / sx;
        int ch = (height + sy - 1) / sy;
        var block = new int[count];
        var parent = new int[count];
        var maxLink = new float[count];
        for (int i = 0; i < count; i++)
        {
            block[i] = ((Y[i] / sy) * cw) + (X[i] / sx);
            parent[i] = i;
            float strongest = 0;
            for (int e = Start[i]; e < Start[i + 1]; e++)
            {
                strongest = Math.Max(strongest, Weight[e]);
            }

            maxLink[i] = strongest;
        }

        for (int i = 0; i < count; i++)
        {
            for (int e = Start[i]; e < Start[i + 1]; e++)
            {
                int j = Neighbour[e];
                if (j > i && block[j] == block[i] && Weight[e] >= strength * Math.Max(maxLink[i], maxLink[j]))
                {
                    Union(i, j);
                }
            }
        }

        // Number the aggregates: blocks in raster order, within a block by smallest member (nodes sorted by block
        // with a counting sort keep ascending index order inside a block).
        (_, int[] order) = CountingSort.Group(block, cw * ch);

        var aggregate = new int[count];
        Array.Fill(aggregate, -1);
        var xs = new List<int>();
        var ys = new List<int>();
        foreach (int i in order)
        {
            int root = Find(i);
            if (aggregate[root] < 0)
            {
                aggregate[root] = xs.Count;
                xs.Add(block[i] % cw);
                ys.Add(block[i] / cw);
            }

            aggregate[i] = aggregate[root];
        }

        int coarseCount = xs.Count;
        // Members of each aggregate (ascending), then the coarse links by a dense accumulator with a touched list.
        (int[] memberStart, int[] members) = CountingSort.Group(aggregate, coarseCount);

        var start = new int[coarseCount + 1];
        var links = new CoarseLinks(coarseCount);
        for (int a = 0; a < coarseCount; a++)
        {
            for (int m = memberStart[a]; m < memberStart[a + 1]; m++)
            {
                int i = members[m];
                for (int e = Start[i]; e < Start[i + 1]; e++)
                {
                    int j = Neighbour[e];
                    links.Cross(a, aggregate[j], Weight[e], maxLink[i], maxLink[j]);
                }
            }

            start[a + 1] = links.Close();
        }

        var masses = new float[coarseCount];
        for (int i = 0; i < count; i++)
        {
            masses[aggregate[i]] += Mass[i];
        }

        var level = new GraphLevel(cw, ch, xs.ToArray(), ys.ToArray(), start, links.Neighbours(), links.Weights(), masses, anchor);
        return (level, aggregate);

        int Find(int i)
        {
            while (parent[i] != i)
            {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }

            return i;
        }

        void Union(int i, int j)
        {
            int a = Find(i);
            int b = Find(j);
            // The smaller index becomes the root: the result does not depend on the order of the unions.
            if (a < b)
            {
                parent[b] = a;
            }
            else if (b < a)
            {
                parent[a] = b;
            }
        }
    }
}

/// <summary>Stable grouping of indices by a small integer key (a counting sort).</summary>
internal static class CountingSort
{
    /// <summary>Items[Start[k]..Start[k+1]) are the indices i with keyOf[i] = k, ascending.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static (int[] Start, int[] Items) Group(int[] keyOf, int keyCount)
    {
        var start = new int[keyCount + 1];
        foreach (int k in keyOf)
        {
            start[k + 1]++;
        }

        for (int k = 0; k < keyCount; k++)
        {
            start[k + 1] += start[k];
        }

        var items = new int[keyOf.Length];
        var fill = (int[])start.Clone();
        for (int i = 0; i < keyOf.Length; i++)
        {
            items[fill[keyOf[i]]++] = i;
        }

        return (start, items);
    }
}
