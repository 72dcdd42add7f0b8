namespace TextSketch.Core.Coding.ColorLayer;

/// <summary>
/// How the encoder weighs errors when it decides what to code (never changes what a decoder does). Weights
/// multiply the squared error of each plane, in Y units; the defaults make it the RGB squared error
/// (<see cref="YCoCg.RgbErrorWeights"/> / 3). <see cref="LevelWeights"/>[l] multiplies the error of wavelet level
/// l (0 = the low band, 1 = finest detail, 2 = next, ...; missing = 1) — a hook for fitting that cares more about some
/// scales. <see cref="Lambda"/> is the rate-distortion trade-off in units of the base step squared per bit.
/// </summary>
public sealed record LayerCodingOptions
{
    public static readonly LayerCodingOptions Default = new();

    public float LumaWeight { get; init; } = 1f;

    public float OrangeChromaWeight { get; init; } = 2f / 3f;

    public float GreenChromaWeight { get; init; } = 1f;

    public IReadOnlyList<float>? LevelWeights { get; init; }

    public double Lambda { get; init; } = 0.09;

    internal float PlaneWeight(int channel) => channel switch
    {
        0 => LumaWeight,
        1 => OrangeChromaWeight,
        _ => GreenChromaWeight,
    };

    internal double LevelWeight(int level) =>
        LevelWeights is { } w && level < w.Count ? w[level] : 1.0;
}

/// <summary>What coding a layer at one setting gives: the reconstruction, its cost and its error.</summary>
/// <param name="Bits">Ideal code length of the layer in a shared stream (sum of −log2 p), exactly what it adds to
/// the record's stream.</param>
/// <param name="Bytes">The layer coded alone in its own stream (a record adds the stream's ending once, not per part).</param>
/// <param name="WeightedError">Sum over planes of weight × squared error (pixel levels) against the target.</param>
/// <param name="Options">The options it was coded with: <see cref="ColorLayerCoder.Encode(RangeEncoder, LayerPlanes, int, LayerCodingOptions?)"/>
/// with them and <see cref="Quantiser"/> writes exactly this layer.</param>
public sealed record LayerTrial(LayerReconstruction Reconstruction, double Bits, int Bytes, double WeightedError, LayerCodingOptions Options)
{
    public int Quantiser => Reconstruction.Quantiser;
}

/// <summary>
/// The colour layer's coder: a YCoCg image at a grid the encoder chooses (<see cref="LayerGeometry"/>), each plane
/// transformed by an integer CDF 9/7 lifting wavelet, quantised with deadzone and rate-distortion decisions, and its
/// indices coded by context-modelled binary arithmetic coding into the record's shared stream. The stream carries
/// its own setting (size index, chroma mode, quantiser); the decoder needs only the image size.
/// See README.md beside this file for the bit stream.
/// </summary>
public static class ColorLayerCoder
{
    /// <summary>Share of the budget a fitted layer may leave unspent before <see cref="FitBudget"/>'s fill tries more …</summary>
    public const double FillSlack = 0.02;

    /// <summary>… and bits it may leave in any case (a few bytes are not worth two to four more trials).</summary>
    public const double FillSlackBits = 24 * 8;

    private static readonly double[] FillFactors = [2, 6, 20];

    /// <summary>Quantiser indices run from 0 (finest) to Quantisers − 1; each step is 2^(1/12) coarser.</summary>
    public const int Quantisers = LayerQuantiser.Levels;

    /// <summary>Codes <paramref name="target"/> at <paramref name="quantiser"/> (0 finest … 127) into <paramref name="encoder"/>; returns the
    /// reconstruction the decoder will produce.</summary>
    public static LayerReconstruction Encode(RangeEncoder encoder, LayerPlanes target, int quantiser, LayerCodingOptions? options = null) =>
        Encode(encoder, target, quantiser, options ?? LayerCodingOptions.Default, LayerCoderVariant.Format);

    public static LayerReconstruction Decode(RangeDecoder decoder, int imageWidth, int imageHeight) =>
        Decode(decoder, imageWidth, imageHeight, LayerCoderVariant.Format);

    /// <summary>Writes a layer that was coded before (read from a record, or returned by <see cref="Encode(RangeEncoder, LayerPlanes, int, LayerCodingOptions?)"/>
    /// or <see cref="Trial(LayerPlanes, int, LayerCodingOptions?)"/>) into <paramref name="encoder"/>: exactly its
    /// decisions again, so its bits and the decoder's reconstruction are the same wherever it goes.</summary>
    public static void Write(RangeEncoder encoder, LayerReconstruction layer)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.Decisions.Length == 0)
        {
            throw new ArgumentException("The layer was not coded (it has no decisions to write).", nameof(layer));
        }

        foreach (int decision in layer.Decisions)
        {
            encoder.Encode(decision & 1, decision >> 1);
        }
    }

    /// <summary>Codes the layer alone, for the encoder's searches: rate, reconstruction and error without a record.</summary>
    public static LayerTrial Trial(LayerPlanes target, int quantiser, LayerCodingOptions? options = null) =>
        Trial(target, quantiser, options ?? LayerCodingOptions.Default, LayerCoderVariant.Format);

    /// <summary>
    /// The best layer at the target's size setting within <paramref name="maxBits"/> (ideal code length), or null
    /// when not even the coarsest quantiser fits. First the finest quantiser that fits: interpolation search on
    /// log(bits), which falls nearly linearly as the quantiser grows (4 to 6 trials); rate-distortion decisions make
    /// rate only nearly monotone, so the two finer neighbours are tried as well and the one with the least weighted
    /// error wins. (Trying finer quantisers with a larger λ as well, to fill the budget more exactly, was measured
    /// and gave nothing.) Code the result with its <see cref="LayerTrial.Quantiser"/> and <see cref="LayerTrial.Options"/>.
    /// </summary>
    /// <param name="hint">A quantiser near the answer (e.g. another size's for the same budget): the search starts there
    /// and brackets outwards, which takes fewer trials than starting in the middle. The answer is the same either way
    /// whenever the rate is monotone in the quantiser.</param>
    /// <param name="refine">Whether to try the two finer neighbours (false: the finest quantiser that fits, two trials
    /// fewer; for ranking settings before refining the winner).</param>
    /// <param name="fill">Whether to spend what the quantiser's 2^(1/12) steps leave of the budget (up to 8 % at high
    /// rates, far more on noise-like planes): when more than <see cref="FillSlack"/> of it and more than
    /// <see cref="FillSlackBits"/> are left, the next finer
    /// quantiser is tried with a larger rate-distortion λ (2, 6, 20 times, then the geometric midpoint below the first
    /// that fits), which codes fewer of its small coefficients; it wins if its weighted error is lower. Two to four
    /// trials more.</param>
    public static LayerTrial? FitBudget(LayerPlanes target, double maxBits, LayerCodingOptions? options = null, int? hint = null, bool refine = true, bool fill = false)
    {
        options ??= LayerCodingOptions.Default;
        var trials = new Dictionary<int, LayerTrial>();
        LayerTrial At(int q) => trials.TryGetValue(q, out LayerTrial? t) ? t : trials[q] = Trial(target, q, options);

        int high = LayerQuantiser.Levels - 1; // fits
        int low = -1; // does not fit (-1: not yet known)
        if (hint is int start)
        {
            // Bracket from the hint in widening steps: the finest known fit above, the coarsest known miss below.
            start = Math.Clamp(start, 0, high);
            int step = 2;
            if (At(start).Bits <= maxBits)
            {
                high = start;
                while (high > 0)
                {
                    int q = Math.Max(0, high - step);
                    if (At(q).Bits <= maxBits)
                    {
                        high = q;
                        step *= 2;
                    }
                    else
                    {
                        low = q;
                        break;
                    }
                }
            }
            else
            {
                low = start;
                while (true)
                {
                    int q = Math.Min(LayerQuantiser.Levels - 1, low + step);
                    if (At(q).Bits <= maxBits)
                    {
                        high = q;
                        break;
                    }

                    if (q == LayerQuantiser.Levels - 1)
                    {
                        return null;
                    }

                    low = q;
                    step *= 2;
                }
            }
        }
        else if (At(high).Bits > maxBits)
        {
            return null;
        }

        int next = low < 0 ? LayerQuantiser.Levels / 2 : high - low > 1 ? Interpolate(low, high) : high;
        while (high - low > 1)
        {
            LayerTrial trial = At(next);
            if (trial.Bits <= maxBits)
            {
                high = next;
            }
            else
            {
                low = next;
            }

            next = low < 0 ? high / 2 : high - low > 1 ? Interpolate(low, high) : high;
        }

        LayerTrial best = At(high);
        var candidates = new List<LayerTrial>();
        for (int q = high - 1; q >= Math.Max(0, high - 2) && refine; q--)
        {
            candidates.Add(At(q));
        }

        foreach (LayerTrial trial in candidates)
        {
            if (trial.Bits <= maxBits && trial.WeightedError < best.WeightedError)
            {
                best = trial;
            }
        }

        if (fill && best.Quantiser > 0 && maxBits - best.Bits > Math.Max(FillSlack * maxBits, FillSlackBits))
        {
            // λ brackets: 1 (the next finer quantiser itself) is over the budget; the first factor that fits is the
            // other end, and one geometric midpoint refines it.
            double over = 1;
            LayerTrial? denser = null;
            double factor = 0;
            foreach (double f in FillFactors)
            {
                LayerTrial t = Trial(target, best.Quantiser - 1, options with { Lambda = options.Lambda * f });
                if (t.Bits <= maxBits)
                {
                    (denser, factor) = (t, f);
                    break;
                }

                over = f;
            }

            if (denser is not null)
            {
                LayerTrial middle = Trial(target, best.Quantiser - 1, options with { Lambda = options.Lambda * Math.Sqrt(over * factor) });
                if (middle.Bits <= maxBits && middle.WeightedError < denser.WeightedError)
                {
                    denser = middle;
                }

                best = denser.WeightedError < best.WeightedError ? denser : best;
            }
        }

        return best;

        // Where log(bits) reaches log(maxBits) on the line through the bracket's ends, kept strictly inside it.
        int Interpolate(int l, int h)
        {
            // The library logarithm may differ in its last bit between machines; this choice steers the search.
            double a = BitCost.Log2(At(l).Bits), b = BitCost.Log2(At(h).Bits), target = BitCost.Log2(maxBits);
            double t = a > b ? (a - target) / (a - b) : 0.5;
            return Math.Clamp((int)Math.Round(l + t * (h - l)), l + 1, h - 1);
        }
    }

    internal static LayerTrial Trial(LayerPlanes target, int quantiser, LayerCodingOptions options, LayerCoderVariant variant)
    {
        var encoder = new RangeEncoder();
        LayerReconstruction reconstruction = Encode(encoder, target, quantiser, options, variant);
        double bits = encoder.Bits;
        int bytes = encoder.Finish().Length;
        return new LayerTrial(reconstruction, bits, bytes, WeightedError(target, reconstruction, options), options);
    }

    internal static LayerReconstruction Encode(RangeEncoder encoder, LayerPlanes target, int quantiser, LayerCodingOptions options, LayerCoderVariant variant)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(target);
        if (target.Geometry.SizeIndex is null)
        {
            throw new ArgumentException($"The coder writes only its own size settings (LayerGeometry.Create), not {target.Geometry}.", nameof(target));
        }

        LayerQuantiser.BaseStep(quantiser); // range check
        var chooser = new RateDistortionChooser(target, quantiser, options, variant);
        return Run(new RecordingBinaryCoder(new EncodingBinaryCoder(encoder)), target.Geometry.ImageWidth, target.Geometry.ImageHeight, target.Geometry, quantiser, chooser, variant);
    }

    internal static LayerReconstruction Decode(RangeDecoder decoder, int imageWidth, int imageHeight, LayerCoderVariant variant)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        LayerGeometry.CheckImage(imageWidth, imageHeight);
        return Run(new RecordingBinaryCoder(new DecodingBinaryCoder(decoder)), imageWidth, imageHeight, null, 0, null, variant);
    }

    /// <summary>Sum over planes of weight × squared error in pixel levels.</summary>
    public static double WeightedError(LayerPlanes target, LayerReconstruction reconstruction, LayerCodingOptions? options = null)
    {
        options ??= LayerCodingOptions.Default;
        double total = 0;
        for (int c = 0; c < 3; c++)
        {
            float[] t = target.Plane(c);
            short[] r = reconstruction.Plane(c);
            double sum = 0;
            for (int i = 0; i < t.Length; i++)
            {
                double e = r[i] / (double)LayerReconstruction.Scale - t[i];
                sum += e * e;
            }

            total += options.PlaneWeight(c) * sum;
        }

        return total;
    }

    /// <summary>The layer's syntax, once for both directions: the setting, then Y, Co and Cg.</summary>
    private static LayerReconstruction Run(RecordingBinaryCoder coder, int imageWidth, int imageHeight, LayerGeometry? geometry, int quantiser, RateDistortionChooser? chooser, LayerCoderVariant variant)
    {
        int sizeCount = LayerGeometry.SizeCount(imageWidth, imageHeight);
        int sizeIndex = CodeTruncated(coder, geometry?.SizeIndex ?? 0, sizeCount);
        if (sizeIndex >= sizeCount)
        {
            throw new InvalidDataException($"The colour layer's size index {sizeIndex} is not one of the image's {sizeCount}.");
        }

        bool halfChroma = sizeIndex > 0 && coder.Code(geometry?.HalfChroma == true ? 1 : 0, Probability.Half) == 1;
        quantiser = CodeBits(coder, quantiser, LayerQuantiser.QuantiserBits);
        geometry ??= LayerGeometry.Create(imageWidth, imageHeight, sizeIndex, halfChroma);

        var model = new CoefficientModel(variant.RateLimit);
        var luma = new PlaneIndices(0, new BandLayout(geometry.LumaWidth, geometry.LumaHeight, variant.MaxLowSide), null, null, 0);
        var chromaLayout = new BandLayout(geometry.ChromaWidth, geometry.ChromaHeight, variant.MaxLowSide);
        int offset = geometry.HalfChroma ? 1 : 0;
        var orange = new PlaneIndices(1, chromaLayout, luma, null, offset);
        var green = new PlaneIndices(2, chromaLayout, luma, orange, offset);
        var planes = new[] { luma, orange, green };
        var samples = new short[3][];
        for (int c = 0; c < 3; c++)
        {
            PlaneIndices plane = planes[c];
            chooser?.Prepare(plane, variant);
            (int prediction, int scale) = LowStart(plane, quantiser, variant);
            LayerPlaneCoder.Code(coder, model, plane, prediction, scale, chooser, variant.BlockSize);
            samples[c] = Reconstruct(plane, quantiser, variant);
        }

        return new LayerReconstruction(geometry, quantiser, samples[0], samples[1], samples[2], coder.Decisions());
    }

    /// <summary>What the low band's coding starts from: the index of a mid-grey plane (Y 128, chroma 0) as the first
    /// prediction, and the expected residual magnitude, <see cref="LowBandTypical"/> pixel levels in index units.</summary>
    private static (int Prediction, int Scale) LowStart(PlaneIndices plane, int quantiser, LayerCoderVariant variant)
    {
        BandLayout layout = plane.Layout;
        var flat = new int[layout.Width * layout.Height];
        Array.Fill(flat, 128 * LayerQuantiser.SampleScale);
        variant.Wavelet.Forward(flat, layout);
        int step = LayerQuantiser.BandStep(quantiser, plane.Channel, layout.Low, variant.Wavelet);
        int prediction = plane.Channel == 0 ? NearestIndex(flat[0], step) : 0;
        long scale = (long)flat[0] * LowBandTypical[plane.Channel] * LayerQuantiser.StepFraction / (128L * step);
        return (prediction, (int)Math.Clamp(scale, 1, 1 << 20));
    }

    /// <summary>Typical low-band prediction residual in pixel levels: Y, Co, Cg.</summary>
    private static readonly int[] LowBandTypical = [12, 4, 4];

    internal static int NearestIndex(int coefficient, int step)
    {
        long magnitude = ((long)Math.Abs(coefficient) * LayerQuantiser.StepFraction * 2 + step) / (2L * step);
        return coefficient < 0 ? -(int)magnitude : (int)magnitude;
    }

    private static short[] Reconstruct(PlaneIndices plane, int quantiser, LayerCoderVariant variant)
    {
        BandLayout layout = plane.Layout;
        var coefficients = new int[plane.Values.Length];
        Dequantise(plane, layout.Low, LayerQuantiser.BandStep(quantiser, plane.Channel, layout.Low, variant.Wavelet), coefficients);
        foreach (BandLayout.Band band in layout.HighBands)
        {
            Dequantise(plane, band, LayerQuantiser.BandStep(quantiser, plane.Channel, band, variant.Wavelet), coefficients);
        }

        variant.Wavelet.Inverse(coefficients, layout);
        int min = LayerQuantiser.MinSample(plane.Channel);
        int max = LayerQuantiser.MaxSample(plane.Channel);
        var samples = new short[coefficients.Length];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)Math.Clamp(coefficients[i], min, max);
        }

        return samples;
    }

    private static void Dequantise(PlaneIndices plane, BandLayout.Band band, int step, int[] coefficients)
    {
        int stride = plane.Layout.Width;
        for (int y = band.Y0; y < band.Y0 + band.Height; y++)
        {
            for (int x = band.X0; x < band.X0 + band.Width; x++)
            {
                coefficients[y * stride + x] = LayerQuantiser.Dequantise(plane.Values[y * stride + x], step);
            }
        }
    }

    private static int CodeBits(IBinaryCoder coder, int value, int count)
    {
        int result = 0;
        for (int i = count - 1; i >= 0; i--)
        {
            result = (result << 1) | coder.Code((value >> i) & 1, Probability.Half);
        }

        return result;
    }

    /// <summary>Truncated binary code of a value below <paramref name="count"/>: with k = floor(log2 count) and
    /// u = 2^(k+1) − count, values below u take k bits, the others k + 1 bits (value + u).</summary>
    private static int CodeTruncated(IBinaryCoder coder, int value, int count)
    {
        int k = 31 - System.Numerics.BitOperations.LeadingZeroCount((uint)count);
        int u = (2 << k) - count;
        if (k == 0 && u == 1)
        {
            return 0; // one value: nothing to code
        }

        int high = CodeBits(coder, value < u ? value : (value + u) >> 1, k);
        if (high < u)
        {
            return high;
        }

        return (high << 1 | coder.Code((value + u) & 1, Probability.Half)) - u;
    }
}

/// <summary>Coder internals that a bit stream depends on; <see cref="Format"/> is the one records use, the others are
/// for measuring alternatives (tools/TextSketch.LayerLab).</summary>
internal sealed record LayerCoderVariant(LiftingWavelet Wavelet, int RateLimit, int BlockSize, int MaxLowSide)
{
    public static readonly LayerCoderVariant Format = new(LiftingWavelet.Cdf97, 5, 4, 4);
}
