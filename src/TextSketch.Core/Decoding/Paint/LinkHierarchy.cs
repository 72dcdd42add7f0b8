namespace TextSketch.Core.Decoding.Paint;

/// <summary>
/// The smoothness term on every level of the multigrid. Level 0 is the image's grid of <see cref="PixelLinks"/>;
/// each coarser level merges the nodes of 2x2 blocks of positions (pairs, for a single row or column) — but only
/// nodes joined inside the block by strong links, so an aggregate never straddles an edge: the two sides of a cut,
/// and every region a contour encloses, stay separate unknowns down to the coarsest level, where those slow modes
/// (a whole region's level) are solved exactly. A coarse link's weight is half the sum of the fine links it
/// replaces (the rediscretised Laplacian: piecewise-constant aggregates would make the Galerkin one twice as stiff).
/// Shared by every plane decoded with the same sketch.
/// </summary>
internal sealed class LinkHierarchy
{
    /// <summary>Coarsening stops at this many unknowns; that level is solved directly.</summary>
    public const int CoarsestUnknowns = 128;

    /// <summary>A link is strong when at least this share of the strongest link at either end.</summary>
    private const float Strength = 0.25f;

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

    /// <summary>Level 1 from the pixel grid.</summary>
    public static (GraphLevel Level, int[] AggregateOf) FromGrid(LinkLevel fine, float strength, float anchor)
    {
        int w = fine.Width;
        int h = fine.Height;
        var graph = new FineGraph(fine);
        return Build(fine.Count, w, h, (i) => (i % w, i / w), graph.Links, strength, graph.Strongest, _ => 1f, anchor);
    }

    public (GraphLevel Level, int[] AggregateOf) Coarsen(float strength, float anchor) =>
        Build(Count, PositionWidth, PositionHeight, i => (X[i], Y[i]), Links, strength, Strongest, i => Mass[i], anchor);

    private IEnumerable<(int Neighbour, float Weight)> Links(int i)
    {
        for (int e = Start[i]; e < Start[i + 1]; e++)
        {
            yield return (Neighbour[e], Weight[e]);
        }
    }

    private float Strongest(int i)
    {
        float best = 0;
        for (int e = Start[i]; e < Start[i + 1]; e++)
        {
            best = Math.Max(best, Weight[e]);
        }

        return best;
    }

    /// <summary>
    /// Aggregates the nodes of each 2x2 block of positions that strong links join within the block (union–find),
    /// numbers the aggregates in block raster order (then by first member), and sums half the crossing links.
    /// </summary>
    private static (GraphLevel, int[]) Build(int count, int width, int height, Func<int, (int X, int Y)> position,
        Func<int, IEnumerable<(int Neighbour, float Weight)>> links, float strength, Func<int, float> strongest, Func<int, float> mass, float anchor)
    {
        int sx = width > 1 ? 2 : 1;
        int sy = height > 1 ? 2 : 1;
        int cw = (width + sx - 1) / sx;
        int ch = (height + sy - 1) / sy;
        var block = new int[count];
        var parent = new int[count];
        var maxLink = new float[count];
        for (int i = 0; i < count; i++)
        {
            (int x, int y) = position(i);
            block[i] = ((y / sy) * cw) + (x / sx);
            parent[i] = i;
            maxLink[i] = strongest(i);
        }

        for (int i = 0; i < count; i++)
        {
            foreach ((int j, float weight) in links(i))
            {
                if (j > i && block[j] == block[i] && weight >= strength * Math.Max(maxLink[i], maxLink[j]))
                {
                    Union(i, j);
                }
            }
        }

        // Number the aggregates: blocks in raster order, within a block by smallest member (nodes sorted by block
        // with a counting sort keep ascending index order inside a block).
        var blockStart = new int[(cw * ch) + 1];
        for (int i = 0; i < count; i++)
        {
            blockStart[block[i] + 1]++;
        }

        for (int b = 0; b < cw * ch; b++)
        {
            blockStart[b + 1] += blockStart[b];
        }

        var order = new int[count];
        var fill = (int[])blockStart.Clone();
        for (int i = 0; i < count; i++)
        {
            order[fill[block[i]]++] = i;
        }

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
        var memberStart = new int[coarseCount + 1];
        for (int i = 0; i < count; i++)
        {
            memberStart[aggregate[i] + 1]++;
        }

        for (int a = 0; a < coarseCount; a++)
        {
            memberStart[a + 1] += memberStart[a];
        }

        var members = new int[count];
        var memberFill = (int[])memberStart.Clone();
        for (int i = 0; i < count; i++)
        {
            members[memberFill[aggregate[i]]++] = i;
        }

        var start = new int[coarseCount + 1];
        var neighbour = new List<int>(4 * coarseCount);
        var weights = new List<float>(4 * coarseCount);
        var accumulator = new float[coarseCount];
        var touched = new List<int>();
        for (int a = 0; a < coarseCount; a++)
        {
            touched.Clear();
            for (int m = memberStart[a]; m < memberStart[a + 1]; m++)
            {
                foreach ((int j, float weight) in links(members[m]))
                {
                    int b = aggregate[j];
                    if (b == a)
                    {
                        continue;
                    }

                    if (accumulator[b] == 0)
                    {
                        touched.Add(b);
                    }

                    accumulator[b] += 0.5f * weight;
                }
            }

            touched.Sort();
            foreach (int b in touched)
            {
                neighbour.Add(b);
                weights.Add(accumulator[b]);
                accumulator[b] = 0;
            }

            start[a + 1] = neighbour.Count;
        }

        var masses = new float[coarseCount];
        for (int i = 0; i < count; i++)
        {
            masses[aggregate[i]] += mass(i);
        }

        var level = new GraphLevel(cw, ch, xs.ToArray(), ys.ToArray(), start, neighbour.ToArray(), weights.ToArray(), masses, anchor);
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

    /// <summary>Level 0's links as neighbour lists (for aggregation only).</summary>
    private sealed class FineGraph(LinkLevel fine)
    {
        public IEnumerable<(int Neighbour, float Weight)> Links(int i)
        {
            int w = fine.Width;
            int x = i % w;
            if (i >= w && fine.Up[i] > 0)
            {
                yield return (i - w, fine.Up[i]);
            }

            if (x > 0 && fine.Left[i] > 0)
            {
                yield return (i - 1, fine.Left[i]);
            }

            if (x < w - 1 && fine.Left[i + 1] > 0)
            {
                yield return (i + 1, fine.Left[i + 1]);
            }

            if (i + w < fine.Count && fine.Up[i + w] > 0)
            {
                yield return (i + w, fine.Up[i + w]);
            }
        }

        public float Strongest(int i) =>
            Math.Max(Math.Max(fine.Left[i], fine.Left[i + 1]), Math.Max(fine.Up[i], fine.Up[i + fine.Width]));
    }
}
