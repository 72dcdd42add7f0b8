namespace TextSketch.Core.Coding.ColorLayer;

/// <summary>
/// The encoder's quantisation: for each high-band coefficient c it weighs the nearest reconstruction level k, the
/// next one towards zero and zero by D + λR, where D is the squared error the choice puts into the plane (c's error
/// times the band's synthesis gain, times the plane's and the level's weights) and R the bits the adaptive model
/// would spend on it now. Low-band coefficients are rounded to the nearest level. Only +, ×, / and comparisons on
/// doubles, in a fixed order: the same choices on every machine.
/// </summary>
internal sealed class RateDistortionChooser(LayerPlanes target, int quantiser, LayerCodingOptions options, LayerCoderVariant variant) : IIndexChooser
{
    private readonly double _lambda = options.Lambda * Square(LayerQuantiser.BaseStep(quantiser) * (LayerQuantiser.SampleScale / 256.0));
    private int[] _coefficients = [];
    private int _stride;
    private BandLayout.Band? _band;
    private int _step;
    private double _weight;

    /// <summary>Transforms the target plane that <paramref name="plane"/> will code.</summary>
    public void Prepare(PlaneIndices plane, LayerCoderVariant planeVariant)
    {
        float[] values = target.Plane(plane.Channel);
        int min = LayerQuantiser.MinSample(plane.Channel);
        int max = LayerQuantiser.MaxSample(plane.Channel);
        _coefficients = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i] * LayerQuantiser.SampleScale;
            _coefficients[i] = float.IsNaN(v) ? 0 : (int)Math.Clamp(MathF.Round(v), min, max);
        }

        planeVariant.Wavelet.Forward(_coefficients, plane.Layout);
        _stride = plane.Layout.Width;
        _band = null;
    }

    public int Choose(PlaneIndices plane, BandLayout.Band band, int x, int y, CoefficientModel model, in CoefficientContext context)
    {
        SelectBand(plane, band);

        int c = _coefficients[(band.Y0 + y) * _stride + band.X0 + x];
        return Nearest(c) == 0 ? 0 : Decide(c, model, context).Index; // one candidate: nothing to weigh
    }

    /// <summary>The nearest level, or one or two levels nearer the prediction where that costs less.</summary>
    public int ChooseLow(PlaneIndices plane, int x, int y, int prediction, int set, int riceParameter, CoefficientModel model)
    {
        BandLayout.Band band = plane.Layout.Low;
        SelectBand(plane, band);
        int c = _coefficients[y * _stride + x];
        int nearest = ColorLayerCoder.NearestIndex(c, _step);
        int toward = Math.Sign(prediction - nearest);
        int best = nearest;
        double bestCost = double.MaxValue;
        for (int move = 0; move <= 2 && (move == 0 || nearest + (move - 1) * toward != prediction); move++)
        {
            int k = nearest + move * toward;
            double error = c - LayerQuantiser.Dequantise(k, _step);
            double cost = _weight * error * error + _lambda * model.RiceCost(set, riceParameter, k - prediction);
            if (cost < bestCost)
            {
                bestCost = cost;
                best = k;
            }
        }

        return best;
    }

    /// <summary>Codes the band when any coefficient reaches 3/4 of its step (smaller ones the block decisions would
    /// zero anyway).</summary>
    public int ChooseBand(PlaneIndices plane, BandLayout.Band band)
    {
        SelectBand(plane, band);
        long threshold = 3L * _step; // |c| * 16 / step >= 3/4  <=>  64 |c| >= 3 step
        for (int y = band.Y0; y < band.Y0 + band.Height; y++)
        {
            for (int x = band.X0; x < band.X0 + band.Width; x++)
            {
                if (64L * Math.Abs(_coefficients[y * _stride + x]) >= threshold)
                {
                    return 1;
                }
            }
        }

        return 0;
    }

    /// <summary>Codes the block unless zeroing it all costs less: its coefficients are decided tentatively in raster
    /// order (contexts from the tentative values), then cleared again for the real pass.</summary>
    public int ChooseBlock(BandContexts band, int x, int y, CoefficientModel model, int blockContext)
    {
        SelectBand(band.Plane, band.Band);
        int[] values = band.Plane.Values;
        int x1 = Math.Min(x + band.BlockSize, band.Band.Width);
        int y1 = Math.Min(y + band.BlockSize, band.Band.Height);
        if (!AnyNonzero(band.Band, x, y, x1, y1))
        {
            return 0;
        }

        double coded = _lambda * model.FlagCost(blockContext, 1);
        double zeroed = _lambda * model.FlagCost(blockContext, 0);
        bool any = false;
        for (int yy = y; yy < y1; yy++)
        {
            for (int xx = x; xx < x1; xx++)
            {
                int i = (band.Band.Y0 + yy) * _stride + band.Band.X0 + xx;
                (int k, double cost) = Decide(_coefficients[i], model, band.At(xx, yy));
                values[i] = k;
                any |= k != 0;
                coded += cost;
                zeroed += _weight * Square(_coefficients[i]);
            }
        }

        for (int yy = y; yy < y1; yy++)
        {
            Array.Clear(values, (band.Band.Y0 + yy) * _stride + band.Band.X0 + x, x1 - x);
        }

        return any && coded < zeroed ? 1 : 0;
    }

    /// <summary>The best of the nearest level, the next towards zero and zero, with its cost D + λR.</summary>
    private (int Index, double Cost) Decide(int c, CoefficientModel model, in CoefficientContext context)
    {
        int magnitude = Math.Abs(c);
        int sign = c < 0 ? -1 : 1;
        int nearest = Nearest(c);
        CoefficientCosts costs = model.Costs(context, magnitudes: nearest > 0);
        int best = 0;
        double bestCost = _weight * (double)magnitude * magnitude + _lambda * costs.Of(0);
        for (int k = Math.Max(1, nearest - 1); k <= nearest; k++)
        {
            double error = magnitude - LayerQuantiser.Dequantise(k, _step);
            double cost = _weight * error * error + _lambda * costs.Of(sign * k);
            if (cost < bestCost)
            {
                bestCost = cost;
                best = k;
            }
        }

        return (sign * best, bestCost);
    }

    private bool AnyNonzero(BandLayout.Band band, int x0, int y0, int x1, int y1)
    {
        for (int y = y0; y < y1; y++)
        {
            for (int x = x0; x < x1; x++)
            {
                if (Nearest(_coefficients[(band.Y0 + y) * _stride + band.X0 + x]) != 0)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private int Nearest(int c) => (int)(Math.Abs(c) * (double)LayerQuantiser.StepFraction / _step + 0.5);

    private void SelectBand(PlaneIndices plane, BandLayout.Band band)
    {
        if (ReferenceEquals(band, _band))
        {
            return;
        }

        _band = band;
        _step = LayerQuantiser.BandStep(quantiser, plane.Channel, band, variant.Wavelet);
        double gain = Square(4096.0 * 4096.0 / (variant.Wavelet.Weight(band.XStages, band.XHigh) * (double)variant.Wavelet.Weight(band.YStages, band.YHigh)));
        int level = band.Orientation == BandLayout.Orientation.Low ? 0 : band.Level;
        _weight = gain * options.PlaneWeight(plane.Channel) * options.LevelWeight(level);
    }

    private static double Square(double x) => x * x;
}
