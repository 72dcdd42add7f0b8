using TextSketch.Core.Sketch;

namespace TextSketch.Core.Coding;

/// <summary>
/// Context-mixing coding of a bitmap in raster order. Three adaptive context models of different reach predict each
/// pixel and a logistic mixer (weights chosen by the nearest neighbours) combines them, then an adaptive
/// probability map refines the result:
/// <code>
///   small (6):      . X X X .      large (16):    X X X X X          . = not used
///                   X X ?                       X X X X X X X        ? = the pixel
///                                               X X X X ?
///   JBIG three-line template (10) in between.
/// </code>
/// The small model learns in a few pixels; the large one captures line direction and spacing once it has seen
/// enough. Lossless; pixels outside the bitmap read as background.
/// </summary>
public sealed class MixingSketchCoder : ISketchCoder
{
    public const int CoderId = 1;

    public int Id => CoderId;

    public string Name => "mix3";

    public void Encode(BitPlane plane, RangeEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(plane);
        ArgumentNullException.ThrowIfNull(encoder);
        ReadOnlySpan<ushort> decisions = Decisions(plane);
        foreach (ushort decision in decisions)
        {
            encoder.Encode(decision & 1, decision & ~1);
        }
    }

    /// <summary>
    /// The plane's coding decisions, each P(1) in 1/65536 (a multiple of 16) with the pixel in its low bit. The
    /// predictions depend only on the pixels, so the encoder's rate control, which writes one sketch into two records
    /// in a row, models it once: the last plane each thread modelled is kept (a copy of its pixels, its decisions, in
    /// buffers reused from plane to plane) and replayed when the next plane has the same pixels. An empty plane keeps
    /// every context at zero, so its decisions are a prefix of one sequence shared by all sizes.
    /// </summary>
    private static ReadOnlySpan<ushort> Decisions(BitPlane plane)
    {
        byte[] bits = plane.Bits;
        if (!bits.AsSpan().ContainsAnyExcept((byte)0))
        {
            return EmptyDecisions(bits.Length);
        }

        Recording last = _last ??= new Recording();
        if (last.Width != plane.Width || last.Height != plane.Height || !bits.AsSpan().SequenceEqual(last.Bits))
        {
            if (last.Bits.Length != bits.Length)
            {
                (last.Bits, last.Decisions) = (new byte[bits.Length], new ushort[bits.Length]);
            }

            (last.Width, last.Height) = (0, 0); // not valid until modelled
            bits.CopyTo(last.Bits);
            Predict(plane, last.Decisions);
            (last.Width, last.Height) = (plane.Width, plane.Height);
        }

        return last.Decisions;
    }

    [ThreadStatic]
    private static Recording? _last;

    private static readonly object EmptyLock = new();

    private static ushort[] _empty = [];

    private sealed class Recording
    {
        public int Width { get; set; }

        public int Height { get; set; }

        public byte[] Bits { get; set; } = [];

        public ushort[] Decisions { get; set; } = [];
    }

    private static ReadOnlySpan<ushort> EmptyDecisions(int pixels)
    {
        lock (EmptyLock)
        {
            if (_empty.Length < pixels)
            {
                var decisions = new ushort[pixels];
                Predict(new BitPlane(pixels, 1), decisions);
                _empty = decisions;
            }

            return _empty.AsSpan(0, pixels);
        }
    }

    private static void Predict(BitPlane plane, ushort[] decisions)
    {
        var model = new Model();
        var grid = new Grid(plane.Width, plane.Height);
        byte[] bits = plane.Bits;
        for (int y = 0, i = 0; y < plane.Height; y++)
        {
            for (int x = 0; x < plane.Width; x++, i++)
            {
                int bit = bits[i];
                decisions[i] = (ushort)(model.Predict(grid, x, y) | bit);
                model.Update(bit);
                grid.Set(x, y, bit);
            }
        }
    }

    public BitPlane Decode(RangeDecoder decoder, int width, int height)
    {
        var plane = new BitPlane(width, height);
        var model = new Model();
        var grid = new Grid(width, height);
        byte[] bits = plane.Bits;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int bit = decoder.Decode(model.Predict(grid, x, y));
                bits[y * width + x] = (byte)bit;
                model.Update(bit);
                grid.Set(x, y, bit);
            }
        }

        return plane;
    }

    /// <summary>The pixels coded so far, with a background margin (4 columns each side, 2 rows above) so the
    /// templates read neighbours without bounds checks.</summary>
    private sealed class Grid
    {
        private const int Margin = 4;
        private readonly int _stride;

        public Grid(int width, int height)
        {
            _stride = width + 2 * Margin;
            Cells = new byte[_stride * (height + 2)];
        }

        public byte[] Cells { get; }

        public int Index(int x, int y) => (y + 2) * _stride + x + Margin;

        public int Stride => _stride;

        public void Set(int x, int y, int bit) => Cells[Index(x, y)] = (byte)bit;
    }

    private sealed class Model
    {
        private readonly AdaptiveBitModel _small = new(1 << 6, rateLimit: 7);
        private readonly AdaptiveBitModel _medium = new(1 << 10, rateLimit: 7);
        private readonly AdaptiveBitModel _large = new(1 << 16, rateLimit: 7);
        private readonly AdaptiveBitModel _refine = IdentityMap(64);
        private readonly Mixer _mixer = new(inputs: 4, selectors: 64, learningRate: 2);
        private int _smallContext;
        private int _mediumContext;
        private int _largeContext;
        private int _refineContext;
        private int _mixed;
        private int _refineWeight;

        /// <summary>A refinement table that starts as the identity: bucket b maps to squash((b - 16) * 128).</summary>
        private static AdaptiveBitModel IdentityMap(int contexts)
        {
            var map = new AdaptiveBitModel(contexts * 33, rateLimit: 7, countAdaptive: false);
            for (int c = 0; c < contexts; c++)
            {
                for (int b = 0; b < 33; b++)
                {
                    map.Set(c * 33 + b, Logistic.Squash((b - 16) * 128) << 4);
                }
            }

            return map;
        }

        /// <summary>P(pixel = 1) in 1/65536.</summary>
        public int Predict(Grid grid, int x, int y)
        {
            byte[] c = grid.Cells;
            int i = grid.Index(x, y);
            int up = i - grid.Stride;
            int up2 = up - grid.Stride;
            _smallContext = c[i - 1] | c[i - 2] << 1 | c[up - 1] << 2 | c[up] << 3 | c[up + 1] << 4 | c[up + 2] << 5;
            _mediumContext = _smallContext
                | c[up - 2] << 6 | c[up2 - 1] << 7 | c[up2] << 8 | c[up2 + 1] << 9;
            _largeContext = _mediumContext
                | c[i - 3] << 10 | c[i - 4] << 11 | c[up - 3] << 12
                | c[up + 3] << 13 | c[up2 - 2] << 14 | c[up2 + 2] << 15;

            _mixer.AddStretched(256);
            _mixer.Add(_small[_smallContext] >> 4);
            _mixer.Add(_medium[_mediumContext] >> 4);
            _mixer.Add(_large[_largeContext] >> 4);
            _mixed = _mixer.Mix(_smallContext);

            // Adaptive probability map: the mixed probability, quantised to 33 steps in the stretched domain,
            // corrected per small context; the result is averaged with the mixer's output.
            int stretched = Logistic.Stretch(_mixed) + 2048;
            int bucket = stretched >> 7;
            _refineWeight = stretched & 127;
            _refineContext = _smallContext * 33 + bucket;
            int low = _refine[_refineContext] >> 4;
            int high = _refine[Math.Min(_refineContext + 1, _smallContext * 33 + 32)] >> 4;
            int refined = (low * (128 - _refineWeight) + high * _refineWeight) >> 7;
            int final12 = Math.Clamp((_mixed + 3 * refined) >> 2, 1, 4095);
            return final12 << 4;
        }

        public void Update(int bit)
        {
            _small.Update(_smallContext, bit);
            _medium.Update(_mediumContext, bit);
            _large.Update(_largeContext, bit);
            _mixer.Update(bit);
            _refine.Update(_refineContext, bit);
            if (_refineWeight > 0)
            {
                _refine.Update(Math.Min(_refineContext + 1, (_refineContext / 33) * 33 + 32), bit);
            }
        }
    }
}
