namespace TextSketch.Core.Coding.ColorLayer;

/// <summary>
/// The colour layer's shape on a W x H image: a luma grid and a chroma grid (<see cref="LayerGrid"/>: cell i of n
/// covers pixels [floor(i W / n), floor((i + 1) W / n)), so any grid of at most W x H cells tiles the image exactly).
/// The one description of the layer's geometry for its coder, the Paint decoder and the encoder's fit.
/// <para>The coder's <b>settings</b> (<see cref="Create"/>): size index 0 is the old colour hint's grid
/// (<see cref="HintGridFor"/>, capped at the image). Index s ≥ 1 is the grid ceil(W / d) x ceil(H / d) for the
/// divisors d = ... 192, 128, 96, 64, 48, 32, 24, 16, 12, 8, 6, 4, 3, 2 (2^k and 3·2^k), from the largest divisor
/// whose grid has more cells than index 0 down to 2, keeping a divisor only when its grid has more cells than the
/// previous setting's and at most <see cref="MaxCells"/>. Chroma is either at the luma grid (<see cref="HalfChroma"/>
/// false) or at ceil(Lw / 2) x ceil(Lh / 2): the size of the luma plane's first wavelet low band, which lets chroma
/// coefficients use the luma ones as context. Size 0 (the hint's dozen cells) always has full chroma.</para>
/// <para>Any other pair of grids (<see cref="OfGrids"/>) is a <b>free</b> geometry: the decoder and the fit accept
/// it, the coder does not (<see cref="SizeIndex"/> is null).</para>
/// </summary>
public sealed class LayerGeometry : IEquatable<LayerGeometry>
{
    /// <summary>The smallest divisor: the finest layer is half the image per side.</summary>
    public const int MinDivisor = 2;

    /// <summary>The most luma cells a layer may have (which also bounds what a corrupt stream can make a decoder allocate).</summary>
    public const int MaxCells = 1 << 20;

    /// <summary>Cells of the old colour hint (size index 0).</summary>
    public const int HintMaxCells = 12;

    private LayerGeometry(LayerGrid luma, LayerGrid chroma, int? sizeIndex, int divisor, bool halfChroma)
    {
        Luma = luma;
        Chroma = chroma;
        SizeIndex = sizeIndex;
        Divisor = divisor;
        HalfChroma = halfChroma;
    }

    /// <summary>A free geometry: any luma and chroma grids over the same image (not one the coder can write).</summary>
    public LayerGeometry(LayerGrid luma, LayerGrid chroma)
        : this(luma ?? throw new ArgumentNullException(nameof(luma)), chroma ?? throw new ArgumentNullException(nameof(chroma)), null, 0, false)
    {
        if (luma.ImageWidth != chroma.ImageWidth || luma.ImageHeight != chroma.ImageHeight)
        {
            throw new ArgumentException("The luma and chroma grids cover images of different sizes.", nameof(chroma));
        }
    }

    /// <summary>The luma grid.</summary>
    public LayerGrid Luma { get; }

    /// <summary>The grid of both chroma planes.</summary>
    public LayerGrid Chroma { get; }

    public int ImageWidth => Luma.ImageWidth;

    public int ImageHeight => Luma.ImageHeight;

    /// <summary>Position in <see cref="SizesFor"/> (0 = the hint grid); null for a free geometry.</summary>
    public int? SizeIndex { get; }

    /// <summary>The divisor d of the grid ceil(W / d) x ceil(H / d); 0 for the hint grid (index 0) and free geometries.</summary>
    public int Divisor { get; }

    /// <summary>The coder's half-chroma mode (chroma at ceil(Lw / 2) x ceil(Lh / 2)); false for free geometries.</summary>
    public bool HalfChroma { get; }

    public int LumaWidth => Luma.Columns;

    public int LumaHeight => Luma.Rows;

    public int ChromaWidth => Chroma.Columns;

    public int ChromaHeight => Chroma.Rows;

    public int LumaCount => Luma.CellCount;

    public int ChromaCount => Chroma.CellCount;

    /// <summary>The grid of plane <paramref name="channel"/>: 0 = Y (luma), 1 = Co, 2 = Cg (chroma).</summary>
    public LayerGrid GridOf(int channel) => channel == 0 ? Luma : Chroma;

    /// <summary>A free geometry: luma at lumaColumns x lumaRows, chroma at chromaColumns x chromaRows (each capped at
    /// the image size).</summary>
    public static LayerGeometry OfGrids(int width, int height, int lumaColumns, int lumaRows, int chromaColumns, int chromaRows) =>
        new(new LayerGrid(width, height, Math.Min(lumaColumns, width), Math.Min(lumaRows, height)),
            new LayerGrid(width, height, Math.Min(chromaColumns, width), Math.Min(chromaRows, height)));

    /// <summary>The old 12-cell colour hint's grid for an image: close to the image's aspect, at most <see cref="HintMaxCells"/> cells.</summary>
    public static (int Columns, int Rows) HintGridFor(int width, int height)
    {
        double aspect = (double)width / height;
        int columns = Math.Clamp((int)Math.Round(Math.Sqrt(HintMaxCells * aspect)), 1, HintMaxCells);
        int rows = Math.Clamp((int)Math.Round(Math.Sqrt(HintMaxCells / aspect)), 1, HintMaxCells);
        while (columns * rows > HintMaxCells)
        {
            if (columns >= rows)
            {
                columns--;
            }
            else
            {
                rows--;
            }
        }

        return (columns, rows);
    }

    /// <summary>The luma grid of every size setting of a W x H image, index 0 first (fewest cells).</summary>
    public static IReadOnlyList<(int Width, int Height, int Divisor)> SizesFor(int imageWidth, int imageHeight)
    {
        CheckImage(imageWidth, imageHeight);
        (int c, int r) = HintGridFor(imageWidth, imageHeight);
        var sizes = new List<(int, int, int)> { (Math.Min(c, imageWidth), Math.Min(r, imageHeight), 0) };
        long cells = (long)sizes[0].Item1 * sizes[0].Item2;
        foreach (int d in Divisors(Math.Max(imageWidth, imageHeight)))
        {
            int w = (imageWidth + d - 1) / d;
            int h = (imageHeight + d - 1) / d;
            if ((long)w * h > cells && (long)w * h <= MaxCells)
            {
                sizes.Add((w, h, d));
                cells = (long)w * h;
            }
        }

        return sizes;
    }

    /// <summary>The number of size settings of a W x H image (what the size index is coded against).</summary>
    public static int SizeCount(int imageWidth, int imageHeight) => SizesFor(imageWidth, imageHeight).Count;

    public static LayerGeometry Create(int imageWidth, int imageHeight, int sizeIndex, bool halfChroma)
    {
        IReadOnlyList<(int Width, int Height, int Divisor)> sizes = SizesFor(imageWidth, imageHeight);
        if ((uint)sizeIndex >= (uint)sizes.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(sizeIndex), $"A {imageWidth}x{imageHeight} image has layer sizes 0 … {sizes.Count - 1}, not {sizeIndex}.");
        }

        (int w, int h, int d) = sizes[sizeIndex];
        bool half = halfChroma && sizeIndex > 0;
        var luma = new LayerGrid(imageWidth, imageHeight, w, h);
        LayerGrid chroma = half ? new LayerGrid(imageWidth, imageHeight, (w + 1) / 2, (h + 1) / 2) : luma;
        return new LayerGeometry(luma, chroma, sizeIndex, d, half);
    }

    /// <summary>The setting whose luma grid is closest (in cells, then in shape) to <paramref name="lumaWidth"/> x <paramref name="lumaHeight"/>.</summary>
    public static LayerGeometry Nearest(int imageWidth, int imageHeight, int lumaWidth, int lumaHeight, bool halfChroma)
    {
        IReadOnlyList<(int Width, int Height, int Divisor)> sizes = SizesFor(imageWidth, imageHeight);
        int best = 0;
        long bestScore = long.MaxValue;
        for (int i = 0; i < sizes.Count; i++)
        {
            long score = Math.Abs((long)sizes[i].Width * sizes[i].Height - (long)lumaWidth * lumaHeight) * 4
                + Math.Abs(sizes[i].Width - lumaWidth) + Math.Abs(sizes[i].Height - lumaHeight);
            if (score < bestScore)
            {
                best = i;
                bestScore = score;
            }
        }

        return Create(imageWidth, imageHeight, best, halfChroma);
    }

    public bool Equals(LayerGeometry? other) =>
        other is not null && other.Luma.Equals(Luma) && other.Chroma.Equals(Chroma) && other.SizeIndex == SizeIndex && other.HalfChroma == HalfChroma;

    public override bool Equals(object? obj) => Equals(obj as LayerGeometry);

    public override int GetHashCode() => HashCode.Combine(Luma, Chroma, SizeIndex, HalfChroma);

    public override string ToString() =>
        $"{LumaWidth}x{LumaHeight} luma, {ChromaWidth}x{ChromaHeight} chroma ({(SizeIndex is int s ? $"size {s}" : "free grids")} of a {ImageWidth}x{ImageHeight} image)";

    internal static void CheckImage(int imageWidth, int imageHeight)
    {
        if (imageWidth < 1 || imageHeight < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(imageWidth), $"An image of {imageWidth}x{imageHeight} is empty.");
        }
    }

    /// <summary>2^k and 3·2^k from the largest not above <paramref name="longSide"/> (at least 2) down to 2.</summary>
    private static IEnumerable<int> Divisors(int longSide)
    {
        var list = new List<int>();
        for (long p = 1; p <= Math.Max(longSide, MinDivisor); p *= 2)
        {
            foreach (long d in new[] { p, 3 * p })
            {
                if (d >= MinDivisor && d <= Math.Max(longSide, MinDivisor))
                {
                    list.Add((int)d);
                }
            }
        }

        list.Sort();
        list.Reverse();
        return list;
    }
}
