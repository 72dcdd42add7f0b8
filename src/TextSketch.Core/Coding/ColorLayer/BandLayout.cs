namespace TextSketch.Core.Coding.ColorLayer;

/// <summary>
/// The wavelet decomposition of one w x h plane (Mallat layout, in place): level 1 transforms the whole plane, each
/// further level the previous low band. A level splits the columns direction when its width is at least 2 and the
/// rows direction when its height is at least 2; levels continue while the low band's longer side exceeds
/// <see cref="DefaultMaxLowSide"/>, at most <see cref="MaxLevels"/>. The low band of a level of width w is ceil(w / 2)
/// wide (the even samples).
/// </summary>
internal sealed class BandLayout
{
    public const int DefaultMaxLowSide = 4;
    public const int MaxLevels = 8;

    public BandLayout(int width, int height, int maxLowSide = DefaultMaxLowSide)
    {
        Width = width;
        Height = height;
        var levels = new List<Level>();
        int w = width, h = height;
        while (Math.Max(w, h) > maxLowSide && levels.Count < MaxLevels)
        {
            bool splitX = w >= 2, splitY = h >= 2;
            int lw = splitX ? (w + 1) / 2 : w;
            int lh = splitY ? (h + 1) / 2 : h;
            levels.Add(new Level(w, h, splitX, splitY, lw, lh));
            w = lw;
            h = lh;
        }

        Levels = levels;
        int xStages = levels.Count(l => l.SplitX);
        int yStages = levels.Count(l => l.SplitY);
        Low = new Band(0, 0, w, h, levels.Count + 1, Orientation.Low, xStages, false, yStages, false);

        // Coding order: coarsest level first; within a level HL, LH, HH. Stages count the splits up to this level.
        var bands = new List<Band>();
        for (int l = levels.Count - 1; l >= 0; l--)
        {
            Level level = levels[l];
            int xs = levels.Take(l + 1).Count(v => v.SplitX);
            int ys = levels.Take(l + 1).Count(v => v.SplitY);
            if (level.SplitX)
            {
                bands.Add(new Band(level.LowWidth, 0, level.Width - level.LowWidth, level.LowHeight, l + 1, Orientation.HighLow, xs, true, ys, false));
            }

            if (level.SplitY)
            {
                bands.Add(new Band(0, level.LowHeight, level.LowWidth, level.Height - level.LowHeight, l + 1, Orientation.LowHigh, xs, false, ys, true));
            }

            if (level.SplitX && level.SplitY)
            {
                bands.Add(new Band(level.LowWidth, level.LowHeight, level.Width - level.LowWidth, level.Height - level.LowHeight, l + 1, Orientation.HighHigh, xs, true, ys, true));
            }
        }

        // The parent of a band: the same orientation one level coarser, where there is one.
        foreach (Band band in bands)
        {
            band.Parent = bands.FirstOrDefault(b => b.Level == band.Level + 1 && b.Orientation == band.Orientation && b.Width > 0 && b.Height > 0);
        }

        HighBands = bands.Where(b => b.Width > 0 && b.Height > 0).ToList();
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Levels finest first (level 1 = index 0).</summary>
    public IReadOnlyList<Level> Levels { get; }

    /// <summary>The final low band at (0, 0).</summary>
    public Band Low { get; }

    /// <summary>The non-empty high bands in coding order (coarsest level first, HL, LH, HH within a level).</summary>
    public IReadOnlyList<Band> HighBands { get; }

    /// <summary>The band of <paramref name="orientation"/> at <paramref name="level"/>, or null.</summary>
    public Band? Find(int level, Orientation orientation) =>
        orientation == Orientation.Low
            ? (level == Low.Level ? Low : null)
            : HighBands.FirstOrDefault(b => b.Level == level && b.Orientation == orientation);

    public sealed record Level(int Width, int Height, bool SplitX, bool SplitY, int LowWidth, int LowHeight);

    public enum Orientation
    {
        Low = 0,
        HighLow = 1,
        LowHigh = 2,
        HighHigh = 3,
    }

    /// <summary>A rectangle of coefficients; <see cref="XStages"/>/<see cref="YStages"/> count the 1-D analysis
    /// stages behind it in each direction, the last of them high-pass where <see cref="XHigh"/>/<see cref="YHigh"/>.</summary>
    public sealed class Band(int x0, int y0, int width, int height, int level, Orientation orientation, int xStages, bool xHigh, int yStages, bool yHigh)
    {
        public int X0 { get; } = x0;

        public int Y0 { get; } = y0;

        public int Width { get; } = width;

        public int Height { get; } = height;

        /// <summary>1 = finest; the low band has the number of levels + 1.</summary>
        public int Level { get; } = level;

        public Orientation Orientation { get; } = orientation;

        public int XStages { get; } = xStages;

        public bool XHigh { get; } = xHigh;

        public int YStages { get; } = yStages;

        public bool YHigh { get; } = yHigh;

        public Band? Parent { get; set; }
    }
}
