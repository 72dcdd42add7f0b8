namespace TextSketch.Core.Coding.ColorLayer;

/// <summary>
/// Where the colour layer's samples sit on a W x H image. A setting has a luma grid and a chroma grid; sample i of a
/// grid of n columns covers image columns [floor(i W / n), floor((i + 1) W / n)) (rows alike), so any grid of at most
/// W x H cells tiles the image exactly, whatever the sizes.
/// <para>Size index 0 is the old colour hint's grid (<see cref="HintGridFor"/>, capped at the image). Index
/// s ≥ 1 is the grid ceil(W / d) x ceil(H / d) for the divisors d = ... 192, 128, 96, 64, 48, 32, 24, 16, 12, 8, 6, 4,
/// 3, 2 (2^k and 3·2^k), from the largest divisor whose grid has more cells than index 0 down to 2, keeping a divisor
/// only when its grid has more cells than the previous setting's and at most <see cref="MaxCells"/>.</para>
/// <para>Chroma is either at the luma grid (<see cref="HalfChroma"/> false) or at ceil(Lw / 2) x ceil(Lh / 2): the
/// size of the luma plane's first wavelet low band, which lets chroma coefficients use the luma ones as context.
/// Size 0 (the hint's dozen cells) always has full chroma.</para>
/// </summary>
public sealed class LayerGeometry : IEquatable<LayerGeometry>
{
    /// <summary>The smallest divisor: the finest layer is half the image per side.</summary>
    public const int MinDivisor = 2;

    /// <summary>The most luma cells a layer may have (which also bounds what a corrupt stream can make a decoder allocate).</summary>
    public const int MaxCells = 1 << 20;

    /// <summary>Cells of the old colour hint (size index 0).</summary>
    public const int HintMaxCells = 12;

    private LayerGeometry(int imageWidth, int imageHeight, int sizeIndex, int divisor, int lumaWidth, int lumaHeight, bool halfChroma)
    {
        ImageWidth = imageWidth;
        ImageHeight = imageHeight;
        SizeIndex = sizeIndex;
        Divisor = divisor;
        LumaWidth = lumaWidth;
        LumaHeight = lumaHeight;
        HalfChroma = halfChroma;
        ChromaWidth = halfChroma ? (lumaWidth + 1) / 2 : lumaWidth;
        ChromaHeight = halfChroma ? (lumaHeight + 1) / 2 : lumaHeight;
    }

    public int ImageWidth { get; }

    public int ImageHeight { get; }

    /// <summary>Position in <see cref="SizesFor"/>: 0 = the hint grid.</summary>
    public int SizeIndex { get; }

    /// <summary>The divisor d of the grid ceil(W / d) x ceil(H / d); 0 for the hint grid (index 0).</summary>
    public int Divisor { get; }

    public int LumaWidth { get; }

    public int LumaHeight { get; }

    public bool HalfChroma { get; }

    public int ChromaWidth { get; }

    public int ChromaHeight { get; }

    public int LumaCount => LumaWidth * LumaHeight;

    public int ChromaCount => ChromaWidth * ChromaHeight;

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
        return new LayerGeometry(imageWidth, imageHeight, sizeIndex, d, w, h, halfChroma && sizeIndex > 0);
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

    /// <summary>Cell boundaries of an n-cell grid over <paramref name="length"/> pixels: n + 1 values, floor(i length / n).</summary>
    public static int[] Bounds(int length, int cells)
    {
        var bounds = new int[cells + 1];
        for (int i = 0; i <= cells; i++)
        {
            bounds[i] = (int)((long)i * length / cells);
        }

        return bounds;
    }

    public bool Equals(LayerGeometry? other) =>
        other is not null && other.ImageWidth == ImageWidth && other.ImageHeight == ImageHeight
        && other.SizeIndex == SizeIndex && other.HalfChroma == HalfChroma;

    public override bool Equals(object? obj) => Equals(obj as LayerGeometry);

    public override int GetHashCode() => HashCode.Combine(ImageWidth, ImageHeight, SizeIndex, HalfChroma);

    public override string ToString() =>
        $"{LumaWidth}x{LumaHeight} luma, {ChromaWidth}x{ChromaHeight} chroma (size {SizeIndex} of a {ImageWidth}x{ImageHeight} image)";

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
