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
        var model = new Model();
        byte[] bits = plane.Bits;
        for (int y = 0; y < plane.Height; y++)
        {
            for (int x = 0; x < plane.Width; x++)
            {
                int bit = bits[y * plane.Width + x];
                encoder.Encode(bit, model.Predict(plane, x, y));
                model.Update(bit);
            }
        }
    }

    public BitPlane Decode(RangeDecoder decoder, int width, int height)
    {
        var plane = new BitPlane(width, height);
        var model = new Model();
        byte[] bits = plane.Bits;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int bit = decoder.Decode(model.Predict(plane, x, y));
                bits[y * width + x] = (byte)bit;
                model.Update(bit);
            }
        }

        return plane;
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
        public int Predict(BitPlane p, int x, int y)
        {
            int n1 = p.GetOrZero(x - 1, y), n2 = p.GetOrZero(x - 2, y);
            int u0 = p.GetOrZero(x, y - 1), ul = p.GetOrZero(x - 1, y - 1), ur = p.GetOrZero(x + 1, y - 1);
            _smallContext = n1 | n2 << 1 | ul << 2 | u0 << 3 | ur << 4 | p.GetOrZero(x + 2, y - 1) << 5;
            _mediumContext = _smallContext
                | p.GetOrZero(x - 2, y - 1) << 6 | p.GetOrZero(x - 1, y - 2) << 7 | p.GetOrZero(x, y - 2) << 8 | p.GetOrZero(x + 1, y - 2) << 9;
            _largeContext = _mediumContext
                | p.GetOrZero(x - 3, y) << 10 | p.GetOrZero(x - 4, y) << 11 | p.GetOrZero(x - 3, y - 1) << 12
                | p.GetOrZero(x + 3, y - 1) << 13 | p.GetOrZero(x - 2, y - 2) << 14 | p.GetOrZero(x + 2, y - 2) << 15;

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
