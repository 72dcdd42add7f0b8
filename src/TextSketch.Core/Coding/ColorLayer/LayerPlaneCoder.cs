namespace TextSketch.Core.Coding.ColorLayer;

/// <summary>One plane's quantised wavelet coefficients as they are coded: its layout, its indices (Mallat layout,
/// row-major), and the already-coded planes its contexts read.</summary>
internal sealed class PlaneIndices(int channel, BandLayout layout, PlaneIndices? luma, PlaneIndices? orange, int lumaLevelOffset)
{
    /// <summary>0 = Y, 1 = Co, 2 = Cg.</summary>
    public int Channel { get; } = channel;

    public BandLayout Layout { get; } = layout;

    public int[] Values { get; } = new int[layout.Width * layout.Height];

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
}

/// <summary>
/// The traversal and the contexts of a plane's coefficients. Order: the low band in raster order, then the high
/// bands coarsest level first (HL, LH, HH), each in raster order. Contexts, from coefficients already coded:
/// <list type="bullet">
/// <item>neighbourhood n = 2(|W| + |N|) + |NW| + |NE| in the same band (magnitudes capped at 7, outside the band
/// reads 0), in 7 buckets: 0, 1–2, 3–4, 5–7, 8–12, 13–20, 21+;</item>
/// <item>outer e = 2|P| + |Y| + |C|: P the parent (same orientation one level coarser, at (x/2, y/2) of the band,
/// clamped), Y the luma coefficient at the same position of the luma band of the same size (chroma only), C the Co
/// coefficient at the same position (Cg only), each capped at 7; classes: none of them exists, e = 0, 1–2, 3–5, 6+;</item>
/// <item>band class: luma or chroma × level 1, 2, 3+ × HH or not.</item>
/// </list>
/// Low-band coefficients are coded as the residual from the median (LOCO-I) predictor of their coded
/// neighbours, with their own contexts.
/// </summary>
internal static class LayerPlaneCoder
{
    private const int Buckets = 7;
    private const int OuterClasses = 5;
    private const int BandClasses = 12;
    private const int LowClasses = 3;

    public const int ZeroContexts = BandClasses * OuterClasses * Buckets + 2 * LowClasses;
    public const int SignContexts = 2 * 3 * 9 + 2;
    public const int MagnitudeContexts = BandClasses * 6 + 2 * LowClasses;

    public static CoefficientModel NewModel(int rateLimit) => new(ZeroContexts, SignContexts, MagnitudeContexts, rateLimit);

    /// <summary>Codes every index of <paramref name="plane"/>: the encoder's <paramref name="chooser"/> fills them,
    /// the decoder (no chooser) reads them. <paramref name="lowPrediction"/> predicts the first low-band index.</summary>
    public static void Code(IBinaryCoder coder, CoefficientModel model, PlaneIndices plane, int lowPrediction, IIndexChooser? chooser)
    {
        CodeLowBand(coder, model, plane, lowPrediction, chooser);
        foreach (BandLayout.Band band in plane.Layout.HighBands)
        {
            CodeHighBand(coder, model, plane, band, chooser);
        }
    }

    private static void CodeLowBand(IBinaryCoder coder, CoefficientModel model, PlaneIndices plane, int firstPrediction, IIndexChooser? chooser)
    {
        BandLayout.Band band = plane.Layout.Low;
        int[] v = plane.Values;
        int stride = plane.Layout.Width;
        int type = plane.Channel == 0 ? 0 : 1;
        var residuals = new int[band.Width * band.Height];
        for (int y = 0; y < band.Height; y++)
        {
            for (int x = 0; x < band.Width; x++)
            {
                int prediction = Median(v, stride, x, y, firstPrediction);
                int activity = Math.Min((x > 0 ? Math.Abs(residuals[y * band.Width + x - 1]) : 0) + (y > 0 ? Math.Abs(residuals[(y - 1) * band.Width + x]) : 0), LowClasses - 1);
                var context = new CoefficientContext(
                    BandClasses * OuterClasses * Buckets + type * LowClasses + activity,
                    2 * 3 * 9 + type,
                    BandClasses * 6 + type * LowClasses + activity,
                    6 + type);
                int value = chooser?.Choose(plane, band, x, y, model, context) ?? 0;
                int residual = model.Code(coder, context, value - prediction);
                residuals[y * band.Width + x] = residual;
                v[y * stride + x] = prediction + residual;
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

    private static void CodeHighBand(IBinaryCoder coder, CoefficientModel model, PlaneIndices plane, BandLayout.Band band, IIndexChooser? chooser)
    {
        int[] v = plane.Values;
        int stride = plane.Layout.Width;
        int type = plane.Channel == 0 ? 0 : 1;
        int levelClass = Math.Min(band.Level, 3) - 1;
        int bandClass = (type * 3 + levelClass) * 2 + (band.Orientation == BandLayout.Orientation.HighHigh ? 1 : 0);
        int orientation = (int)band.Orientation - 1;
        BandLayout.Band? parent = band.Parent;
        BandLayout.Band? lumaBand = plane.Luma?.Layout.Find(band.Level + plane.LumaLevelOffset, band.Orientation);
        if (lumaBand is not null && (lumaBand.Width != band.Width || lumaBand.Height != band.Height))
        {
            lumaBand = null;
        }

        BandLayout.Band? orangeBand = plane.Orange?.Layout.Find(band.Level, band.Orientation);
        bool hasOuter = parent is not null || lumaBand is not null || orangeBand is not null;
        for (int y = 0; y < band.Height; y++)
        {
            int row = (band.Y0 + y) * stride + band.X0;
            for (int x = 0; x < band.Width; x++)
            {
                int i = row + x;
                int west = x > 0 ? v[i - 1] : 0;
                int north = y > 0 ? v[i - stride] : 0;
                int northWest = x > 0 && y > 0 ? v[i - stride - 1] : 0;
                int northEast = y > 0 && x + 1 < band.Width ? v[i - stride + 1] : 0;
                int n = 2 * (Cap(west) + Cap(north)) + Cap(northWest) + Cap(northEast);
                int outer = 0;
                if (parent is not null)
                {
                    int px = Math.Min(x / 2, parent.Width - 1), py = Math.Min(y / 2, parent.Height - 1);
                    outer += 2 * Cap(v[(parent.Y0 + py) * stride + parent.X0 + px]);
                }

                if (lumaBand is not null)
                {
                    outer += Cap(plane.Luma!.Values[(lumaBand.Y0 + y) * plane.Luma.Layout.Width + lumaBand.X0 + x]);
                }

                if (orangeBand is not null)
                {
                    outer += Cap(plane.Orange!.Values[(orangeBand.Y0 + y) * plane.Orange.Layout.Width + orangeBand.X0 + x]);
                }

                int outerClass = !hasOuter ? 0 : outer == 0 ? 1 : outer <= 2 ? 2 : outer <= 5 ? 3 : 4;
                int bucket = Bucket(n);
                var context = new CoefficientContext(
                    (bandClass * OuterClasses + outerClass) * Buckets + bucket,
                    ((type * 3 + orientation) * 3 + Math.Sign(west) + 1) * 3 + Math.Sign(north) + 1,
                    bandClass * 6 + Math.Min(bucket, 5),
                    type * 3 + levelClass);
                int value = chooser?.Choose(plane, band, x, y, model, context) ?? 0;
                v[i] = model.Code(coder, context, value);
            }
        }
    }

    private static int Cap(int value) => Math.Min(Math.Abs(value), 7);

    private static int Bucket(int n) => n switch
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
