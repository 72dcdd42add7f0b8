namespace TextSketch.Core.Coding.ColorLayer;

/// <summary>One plane's quantised wavelet coefficients as they are coded: its layout, its indices (Mallat layout,
/// row-major), and the already-coded planes its contexts read.</summary>
internal sealed class PlaneIndices(int channel, BandLayout layout, PlaneIndices? luma, PlaneIndices? orange, int lumaLevelOffset)
{
    /// <summary>0 = Y, 1 = Co, 2 = Cg.</summary>
    public int Channel { get; } = channel;

    public BandLayout Layout { get; } = layout;

    public int[] Values { get; } = new int[layout.Width * layout.Height];

    /// <summary>The high bands whose band flag said "coded" (the others are all zero).</summary>
    public HashSet<BandLayout.Band> CodedBands { get; } = [];

    /// <summary>For chroma: the luma plane, whose band at level + <see cref="LumaLevelOffset"/> has this plane's band's size.</summary>
    public PlaneIndices? Luma { get; } = luma;

    /// <summary>For Cg: the Co plane (same layout).</summary>
    public PlaneIndices? Orange { get; } = orange;

    public int LumaLevelOffset { get; } = lumaLevelOffset;
}

/// <summary>The encoder's side of a coefficient: which index to code, given the model's current costs.</summary>
internal interface IIndexChooser
{
    int Choose(PlaneIndices plane, BandLayout.Band band, int x, int y, CoefficientModel model, in CoefficientContext context);

    /// <summary>A low-band index, given its prediction and the Rice parameter it will be coded with.</summary>
    int ChooseLow(PlaneIndices plane, int x, int y, int prediction, int set, int riceParameter, CoefficientModel model);

    /// <summary>Whether a high band has any non-zero index: 0 codes it all as zeros.</summary>
    int ChooseBand(PlaneIndices plane, BandLayout.Band band);

    /// <summary>Whether the block of band coefficients whose top-left is (x, y) (band coordinates) has any non-zero
    /// index: 0 codes the whole block as zeros.</summary>
    int ChooseBlock(BandContexts band, int x, int y, CoefficientModel model, int blockContext);
}

/// <summary>
/// The traversal of a plane's indices. The low band first, in raster order, each index as its residual from the
/// median (LOCO-I) predictor of its coded neighbours (W, N, NW; the first from the mid-grey index), in Rice code
/// whose parameter k is the smallest with count · 2^k ≥ sum (sum of |residual| so far plus the expected magnitude,
/// count of them plus one; both halved when count reaches 16). Then the high bands, coarsest level first (HL, LH,
/// HH), each as a band flag (any non-zero index?), then, in raster order, a block flag at the top-left of each
/// 4 x 4 block (any non-zero index in it?) and the coefficients of coded blocks. See <see cref="BandContexts"/> for
/// the contexts.
/// </summary>
internal static class LayerPlaneCoder
{
    internal const int Buckets = 7;
    internal const int OuterClasses = 5;

    /// <summary>Luma or chroma × level 1, 2, 3+ × HH or not.</summary>
    internal const int BandClasses = 12;

    public const int FirstContexts = BandClasses * OuterClasses * Buckets;
    public const int SecondContexts = BandClasses * 3 * 3 * 4 * 3;
    public const int ThirdContexts = BandClasses * 12;
    public const int SignContexts = 2 * 3 * 9;

    /// <summary>Block flags (2 × 3 × 3 × 3 × 4), then band flags (2 × 3 × 3).</summary>
    public const int FlagContexts = BandFlagBase + 2 * 3 * 3;
    public const int BandFlagBase = 2 * 3 * 3 * 3 * 4;

    /// <summary>Codes every index of <paramref name="plane"/>: the encoder's <paramref name="chooser"/> fills them,
    /// the decoder (no chooser) reads them. <paramref name="lowPrediction"/> predicts the first low-band index.</summary>
    public static void Code(IBinaryCoder coder, CoefficientModel model, PlaneIndices plane, int lowPrediction, int lowScale, IIndexChooser? chooser, int blockSize)
    {
        CodeLowBand(coder, model, plane, lowPrediction, lowScale, chooser);
        foreach (BandLayout.Band band in plane.Layout.HighBands)
        {
            CodeHighBand(coder, model, plane, band, chooser, blockSize);
        }
    }

    /// <summary>The low band in raster order: each index as its residual from the median predictor, in Rice code
    /// whose parameter follows the mean residual magnitude (starting from <paramref name="scale"/>, halved every 8
    /// values after the first 16).</summary>
    private static void CodeLowBand(IBinaryCoder coder, CoefficientModel model, PlaneIndices plane, int firstPrediction, int scale, IIndexChooser? chooser)
    {
        long sum = scale;
        int count = 1;
        BandLayout.Band band = plane.Layout.Low;
        int[] v = plane.Values;
        int stride = plane.Layout.Width;
        int type = plane.Channel == 0 ? 0 : 1;
        for (int y = 0; y < band.Height; y++)
        {
            for (int x = 0; x < band.Width; x++)
            {
                int prediction = Median(v, stride, x, y, firstPrediction);
                int k = 0;
                while (k < 20 && ((long)count << k) < sum)
                {
                    k++;
                }

                int value = chooser?.ChooseLow(plane, x, y, prediction, type, k, model) ?? prediction;
                int residual = model.CodeRice(coder, type, k, value - prediction);
                v[y * stride + x] = prediction + residual;
                sum += Math.Abs(residual);
                if (++count == 16)
                {
                    sum = (sum + 1) / 2;
                    count = 8;
                }
            }
        }
    }

    private static int Median(int[] v, int stride, int x, int y, int first)
    {
        if (x == 0 && y == 0)
        {
            return first;
        }

        if (y == 0)
        {
            return v[x - 1];
        }

        if (x == 0)
        {
            return v[(y - 1) * stride];
        }

        int a = v[y * stride + x - 1], b = v[(y - 1) * stride + x], c = v[(y - 1) * stride + x - 1];
        return c >= Math.Max(a, b) ? Math.Min(a, b) : c <= Math.Min(a, b) ? Math.Max(a, b) : a + b - c;
    }

    private static void CodeHighBand(IBinaryCoder coder, CoefficientModel model, PlaneIndices plane, BandLayout.Band band, IIndexChooser? chooser, int blockSize)
    {
        // Band flag, in context of the plane type, level class and whether the parent band was coded (or is none).
        int parentState = band.Parent is null ? 2 : plane.CodedBands.Contains(band.Parent) ? 1 : 0;
        int bandContext = BandFlagBase + ((plane.Channel == 0 ? 0 : 3) + Math.Min(band.Level, 3) - 1) * 3 + parentState;
        if (model.CodeFlag(coder, bandContext, chooser?.ChooseBand(plane, band) ?? 0) == 0)
        {
            return;
        }

        plane.CodedBands.Add(band);
        var contexts = new BandContexts(plane, band, blockSize);
        int[] v = plane.Values;
        int stride = plane.Layout.Width;
        for (int y = 0; y < band.Height; y++)
        {
            int row = (band.Y0 + y) * stride + band.X0;
            for (int x = 0; x < band.Width; x++)
            {
                if (x % blockSize == 0 && y % blockSize == 0)
                {
                    int blockContext = contexts.BlockContext(x, y);
                    int flag = chooser?.ChooseBlock(contexts, x, y, model, blockContext) ?? 0;
                    contexts.SetBlock(x, y, model.CodeFlag(coder, blockContext, flag));
                }

                if (!contexts.BlockCoded(x, y))
                {
                    v[row + x] = 0;
                    continue;
                }

                CoefficientContext context = contexts.At(x, y);
                int value = chooser?.Choose(plane, band, x, y, model, context) ?? 0;
                v[row + x] = model.Code(coder, context, value);
            }
        }
    }

    internal static int Cap(int value) => Math.Min(Math.Abs(value), 7);

    internal static int Bucket(int n) => n switch
    {
        0 => 0,
        <= 2 => 1,
        <= 4 => 2,
        <= 7 => 3,
        <= 12 => 4,
        <= 20 => 5,
        _ => 6,
    };
}

/// <summary>
/// The contexts of one high band's coefficients and block flags, read from the indices coded so far (outside the
/// band reads 0). Magnitudes are capped at 7 before they are summed. With W, N, NW, NE, WW, NN the neighbours in the
/// band and P the parent (same orientation one level coarser, at (x/2, y/2) of its band, clamped):
/// <list type="bullet">
/// <item>n = 2(|W| + |N|) + |NW| + |NE|, bucketed 0, 1–2, 3–4, 5–7, 8–12, 13–20, 21+;</item>
/// <item>outer e = 2|P| + |L| + |C| + Σ|S|: L the luma coefficient at the same position of the luma band of the same
/// size (chroma only), C the Co one (Cg only), S the same position in the bands of this level coded before (HL for
/// LH; HL, LH for HH; clamped); classes: none of these exists, e = 0, 1–2, 3–5, 6+;</item>
/// <item>first model: band class × outer class × n bucket; second: band class × min(|W|, 2) × min(|N|, 2) ×
/// (min(|P|, 2), or 3 without parent) × min(|NW| + |NE|, 2); third: band class × bucket of
/// 2n + 2(|WW| + |NN|) + Σ over P's 3 x 3 neighbourhood (clamped) + 2e, bucketed at 0, 2, 4, 7, 11, 16, 23, 32, 45,
/// 64, 90 (upper bounds);</item>
/// <item>sign: luma or chroma × orientation × sign(W) × sign(N); remainder set: luma or chroma × level class
/// (1, 2, 3+);</item>
/// <item>block flag: luma or chroma × level class × the left block's flag (0, 1, none) × the upper block's ×
/// the number of non-zero parents over the block's area (0, 1, 2+, no parent band).</item>
/// </list>
/// </summary>
internal sealed class BandContexts
{
    private readonly int[] _values;
    private readonly int _stride;
    private readonly int _type;
    private readonly int _levelClass;
    private readonly int _bandClass;
    private readonly int _orientation;
    private readonly BandLayout.Band? _parent;
    private readonly BandLayout.Band? _luma;
    private readonly BandLayout.Band? _orange;
    private readonly BandLayout.Band[] _siblings;
    private readonly bool _hasOuter;
    private readonly int[] _blocks;
    private readonly int _blockColumns;

    public BandContexts(PlaneIndices plane, BandLayout.Band band, int blockSize)
    {
        Plane = plane;
        Band = band;
        BlockSize = blockSize;
        _values = plane.Values;
        _stride = plane.Layout.Width;
        _type = plane.Channel == 0 ? 0 : 1;
        _levelClass = Math.Min(band.Level, 3) - 1;
        _bandClass = (_type * 3 + _levelClass) * 2 + (band.Orientation == BandLayout.Orientation.HighHigh ? 1 : 0);
        _orientation = (int)band.Orientation - 1;
        _parent = band.Parent;
        _luma = plane.Luma?.Layout.Find(band.Level + plane.LumaLevelOffset, band.Orientation);
        if (_luma is not null && (_luma.Width != band.Width || _luma.Height != band.Height))
        {
            _luma = null;
        }

        _orange = plane.Orange?.Layout.Find(band.Level, band.Orientation);
        // Bands of the same level coded before this one (HL before LH before HH).
        _siblings = plane.Layout.HighBands.Where(b => b.Level == band.Level && b.Orientation < band.Orientation).ToArray();
        _hasOuter = _parent is not null || _luma is not null || _orange is not null || _siblings.Length > 0;
        _blockColumns = (band.Width + blockSize - 1) / blockSize;
        _blocks = new int[_blockColumns * ((band.Height + blockSize - 1) / blockSize)];
    }

    public PlaneIndices Plane { get; }

    public BandLayout.Band Band { get; }

    public int BlockSize { get; }

    /// <summary>The contexts of the coefficient at band position (x, y).</summary>
    public CoefficientContext At(int x, int y)
    {
        int[] v = _values;
        int i = (Band.Y0 + y) * _stride + Band.X0 + x;
        int west = x > 0 ? v[i - 1] : 0;
        int north = y > 0 ? v[i - _stride] : 0;
        int northWest = x > 0 && y > 0 ? v[i - _stride - 1] : 0;
        int northEast = y > 0 && x + 1 < Band.Width ? v[i - _stride + 1] : 0;
        int n = 2 * (LayerPlaneCoder.Cap(west) + LayerPlaneCoder.Cap(north)) + LayerPlaneCoder.Cap(northWest) + LayerPlaneCoder.Cap(northEast);
        int outer = 0;
        if (_parent is not null)
        {
            int px = Math.Min(x / 2, _parent.Width - 1), py = Math.Min(y / 2, _parent.Height - 1);
            outer += 2 * LayerPlaneCoder.Cap(v[(_parent.Y0 + py) * _stride + _parent.X0 + px]);
        }

        if (_luma is not null)
        {
            outer += LayerPlaneCoder.Cap(Plane.Luma!.Values[(_luma.Y0 + y) * Plane.Luma.Layout.Width + _luma.X0 + x]);
        }

        if (_orange is not null)
        {
            outer += LayerPlaneCoder.Cap(Plane.Orange!.Values[(_orange.Y0 + y) * Plane.Orange.Layout.Width + _orange.X0 + x]);
        }

        foreach (BandLayout.Band sibling in _siblings)
        {
            outer += LayerPlaneCoder.Cap(v[(sibling.Y0 + Math.Min(y, sibling.Height - 1)) * _stride + sibling.X0 + Math.Min(x, sibling.Width - 1)]);
        }

        int outerClass = !_hasOuter ? 0 : outer == 0 ? 1 : outer <= 2 ? 2 : outer <= 5 ? 3 : 4;
        int bucket = LayerPlaneCoder.Bucket(n);

        // Second model: W, N and the parent exactly (capped at 2), the diagonals together.
        int parent = 3;
        int parentRegion = 0;
        if (_parent is not null)
        {
            int px = Math.Min(x / 2, _parent.Width - 1), py = Math.Min(y / 2, _parent.Height - 1);
            parent = Math.Min(Math.Abs(v[(_parent.Y0 + py) * _stride + _parent.X0 + px]), 2);
            for (int dy = -1; dy <= 1; dy++)
            {
                for (int dx = -1; dx <= 1; dx++)
                {
                    int qx = Math.Clamp(px + dx, 0, _parent.Width - 1), qy = Math.Clamp(py + dy, 0, _parent.Height - 1);
                    parentRegion += LayerPlaneCoder.Cap(v[(_parent.Y0 + qy) * _stride + _parent.X0 + qx]);
                }
            }
        }

        int second = (((_bandClass * 3 + Math.Min(Math.Abs(west), 2)) * 3 + Math.Min(Math.Abs(north), 2)) * 4 + parent) * 3
            + Math.Min(Math.Abs(northWest) + Math.Abs(northEast), 2);

        // Third model: a wide activity sum.
        int westWest = x > 1 ? v[i - 2] : 0;
        int northNorth = y > 1 ? v[i - 2 * _stride] : 0;
        int wide = 2 * n + 2 * (LayerPlaneCoder.Cap(westWest) + LayerPlaneCoder.Cap(northNorth)) + parentRegion + 2 * outer;
        int third = _bandClass * 12 + WideBucket(wide);
        return new CoefficientContext(
            (_bandClass * LayerPlaneCoder.OuterClasses + outerClass) * LayerPlaneCoder.Buckets + bucket,
            second,
            third,
            _bandClass,
            ((_type * 3 + _orientation) * 3 + Math.Sign(west) + 1) * 3 + Math.Sign(north) + 1,
            _type * 3 + _levelClass);
    }

    /// <summary>Block flag context: the flags of the blocks to the left and above (0, 1, outside the band), the
    /// parent's non-zero count over the block's area (0, 1, 2+, no parent), luma or chroma, level class.</summary>
    public int BlockContext(int x, int y)
    {
        int size = BlockSize;
        int left = x > 0 ? _blocks[y / size * _blockColumns + x / size - 1] : 2;
        int up = y > 0 ? _blocks[(y / size - 1) * _blockColumns + x / size] : 2;
        int parentClass = 3;
        if (_parent is not null)
        {
            int count = 0;
            for (int py = y / 2; py < Math.Min((y + size + 1) / 2, _parent.Height); py++)
            {
                for (int px = x / 2; px < Math.Min((x + size + 1) / 2, _parent.Width); px++)
                {
                    count += _values[(_parent.Y0 + py) * _stride + _parent.X0 + px] != 0 ? 1 : 0;
                }
            }

            parentClass = Math.Min(count, 2);
        }

        return (((_type * 3 + _levelClass) * 3 + left) * 3 + up) * 4 + parentClass;
    }

    private static int WideBucket(int wide) => wide switch
    {
        0 => 0,
        <= 2 => 1,
        <= 4 => 2,
        <= 7 => 3,
        <= 11 => 4,
        <= 16 => 5,
        <= 23 => 6,
        <= 32 => 7,
        <= 45 => 8,
        <= 64 => 9,
        <= 90 => 10,
        _ => 11,
    };

    public void SetBlock(int x, int y, int coded) => _blocks[y / BlockSize * _blockColumns + x / BlockSize] = coded;

    public bool BlockCoded(int x, int y) => _blocks[y / BlockSize * _blockColumns + x / BlockSize] != 0;
}
