using TextSketch.Core.Coding;
using TextSketch.Core.Coding.ColorLayer;
using TextSketch.Core.Color;
using TextSketch.Core.Imaging;
using TextSketch.Core.Tests.Support;

namespace TextSketch.Core.Tests.Coding.ColorLayer;

public class ColorLayerCoderTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 7)]
    [InlineData(7, 1)]
    [InlineData(2, 2)]
    [InlineData(101, 67)]
    [InlineData(67, 101)]
    public void EverySizeAndChromaModeRoundTripsExactly(int width, int height)
    {
        RgbImage image = TestImages.Scene(width, height, seed: width + height);
        for (int s = 0; s < LayerGeometry.SizeCount(width, height); s++)
        {
            foreach (bool half in new[] { true, false })
            {
                LayerPlanes target = LayerPlanes.FromImage(image, LayerGeometry.Create(width, height, s, half));
                foreach (int q in new[] { 0, 35, 80, 127 })
                {
                    AssertRoundTrip(target, q);
                }
            }
        }
    }

    [Fact]
    public void PhotoSizedLayersRoundTripAtEveryQuantiser()
    {
        RgbImage image = TestImages.Scene(768, 512, seed: 3);
        foreach (int s in new[] { 5, 9 }) // 24x16 and 96x64
        {
            LayerPlanes target = LayerPlanes.FromImage(image, LayerGeometry.Create(768, 512, s, halfChroma: true));
            for (int q = 0; q < ColorLayerCoder.Quantisers; q += 5)
            {
                AssertRoundTrip(target, q);
            }
        }
    }

    [Fact]
    public void EverySizeOfAPhotoRoundTrips()
    {
        RgbImage image = TestImages.Scene(768, 512, seed: 7);
        for (int s = 0; s < LayerGeometry.SizeCount(768, 512); s++)
        {
            foreach (bool half in new[] { true, false })
            {
                AssertRoundTrip(LayerPlanes.FromImage(image, LayerGeometry.Create(768, 512, s, half)), 70);
            }
        }
    }

    [Fact]
    public void TheBitStreamIsPinned()
    {
        // Any change to the coder's syntax, contexts, transform or encoder decisions changes these bytes: that is a
        // format change (README.md beside the coder, docs/format.md) and must be deliberate.
        RgbImage image = TestImages.Scene(101, 67, seed: 9);
        byte[] full = Code(LayerPlanes.FromImage(image, LayerGeometry.Create(101, 67, 3, halfChroma: false)), 50);
        byte[] half = Code(LayerPlanes.FromImage(image, LayerGeometry.Create(101, 67, 4, halfChroma: true)), 70);
        Assert.Equal((PinnedFullLength, PinnedFullCrc), (full.Length, TextSketch.Core.Crc32.Compute(full)));
        Assert.Equal((PinnedHalfLength, PinnedHalfCrc), (half.Length, TextSketch.Core.Crc32.Compute(half)));
    }

    [Fact]
    public void ThumbnailInterpolatesHalfChromaBetweenCellCentres()
    {
        // 64x64 image, layer 32x32 luma / 16x16 chroma: luma cell 2 (pixels 4-5, centre 5) lies 3/4 of the way
        // from chroma cell 0 (centre 4... doubled: 4) to cell 1 (doubled centre 12): doubled centre 10.
        LayerGeometry g = LayerGeometry.Nearest(64, 64, 32, 32, halfChroma: true);
        Assert.Equal((32, 32, 16, 16), (g.LumaWidth, g.LumaHeight, g.ChromaWidth, g.ChromaHeight));
        int scale = LayerReconstruction.Scale;
        short[] luma = Enumerable.Repeat((short)(128 * scale), g.LumaCount).ToArray();
        short[] orange = Enumerable.Range(0, g.ChromaCount).Select(i => (short)(8 * scale * (i % 16))).ToArray(); // 8 levels per cell in x
        short[] green = new short[g.ChromaCount];
        var layer = new LayerReconstruction(g, 0, luma, orange, green);
        RgbImage thumbnail = layer.ToThumbnail();
        (byte r, byte gr, byte b) = thumbnail[2, 5];
        Assert.Equal((134, 128, 122), (r, gr, b)); // Co = 0.75 * 8 = 6: R = Y + Co, B = Y - Co
        Assert.Equal((128, 128, 128), ((int)thumbnail[0, 0].R, (int)thumbnail[0, 0].G, (int)thumbnail[0, 0].B)); // before the first centre: held
    }

    [Fact]
    public void BoxMeansOfTheImageAreTheTargets()
    {
        // 8x8: size 1 is the 4x4 grid (divisor 2), every cell a 2x2 box; cell (0, 0) averages these four pixels.
        RgbImage image = TestImages.Solid(8, 8, 10, 10, 10);
        image.Set(0, 0, 200, 100, 0);
        image.Set(1, 0, 100, 100, 100);
        image.Set(0, 1, 0, 100, 200);
        image.Set(1, 1, 100, 100, 100);
        LayerGeometry g = LayerGeometry.Create(8, 8, 1, halfChroma: true);
        Assert.Equal((4, 4, 2, 2), (g.LumaWidth, g.LumaHeight, g.ChromaWidth, g.ChromaHeight));
        LayerPlanes planes = LayerPlanes.FromImage(image, g);
        Assert.Equal((100 + 2 * 100 + 100) / 4f, planes.Luma[0]); // mean RGB (100, 100, 100)
        Assert.Equal(10f, planes.Luma[1]);
        // The chroma cell (0, 0) covers 4x4 pixels: mean R = (400 + 12 * 10) / 16 = 32.5 -> 33 (rounded), B likewise.
        Assert.Equal(0f, planes.OrangeChroma[0]);
        Assert.Equal((2 * 33 - 33 - 33) / 4f, planes.GreenChroma[0]);
    }

    [Fact]
    public void TheLayerSharesTheStreamWithWhatComesBeforeAndAfter()
    {
        RgbImage image = TestImages.Scene(101, 67, seed: 5);
        LayerPlanes target = LayerPlanes.FromImage(image, LayerGeometry.Create(101, 67, 3, halfChroma: true));
        var encoder = new RangeEncoder();
        encoder.EncodeDirect(0b101, 3);
        double before = encoder.Bits;
        LayerReconstruction written = ColorLayerCoder.Encode(encoder, target, 40);
        double layerBits = encoder.Bits - before;
        encoder.EncodeDirect(0x5A5A, 16);
        byte[] stream = encoder.Finish();

        var decoder = new RangeDecoder(stream);
        Assert.Equal(0b101u, decoder.DecodeDirect(3));
        LayerReconstruction read = ColorLayerCoder.Decode(decoder, 101, 67);
        Assert.Equal(0x5A5Au, decoder.DecodeDirect(16));
        Assert.True(read.SameAs(written));

        // The trial's rate is exactly what the layer adds to a shared stream.
        LayerTrial trial = ColorLayerCoder.Trial(target, 40);
        Assert.Equal(layerBits, trial.Bits, 6);
        Assert.True(trial.Reconstruction.SameAs(written));
    }

    [Theory]
    [InlineData(24)]
    [InlineData(48)]
    [InlineData(128)]
    public void TrialBytesAreTheLayerCodedAlone(int divisor)
    {
        RgbImage image = TestImages.Scene(768, 512, seed: 8);
        int index = LayerGeometry.SizesFor(768, 512).ToList().FindIndex(s => s.Divisor == divisor);
        LayerPlanes target = LayerPlanes.FromImage(image, LayerGeometry.Create(768, 512, index, true));
        LayerTrial trial = ColorLayerCoder.Trial(target, 60);
        var encoder = new RangeEncoder();
        ColorLayerCoder.Encode(encoder, target, 60);
        Assert.Equal(encoder.Finish().Length, trial.Bytes);
        Assert.InRange(trial.Bytes - trial.Bits / 8, -1, 2); // the stream's ending costs at most a byte or two
    }

    [Fact]
    public void FlatColourCodesAsAFlatPlaneInAFewBytes()
    {
        RgbImage image = TestImages.Solid(768, 512, 90, 140, 200);
        LayerPlanes target = LayerPlanes.FromImage(image, LayerGeometry.Create(768, 512, 9, halfChroma: true));
        LayerTrial trial = ColorLayerCoder.Trial(target, 16);
        Assert.True(trial.Bytes <= 32, $"{trial.Bytes} bytes for a flat 96x64 layer"); // a photo's costs about 4,000 here
        for (int c = 0; c < 3; c++)
        {
            short[] plane = trial.Reconstruction.Plane(c);
            Assert.InRange(plane.Max() - plane.Min(), 0, LayerReconstruction.Scale / 16); // flat to 1/16 level
            Assert.InRange(plane[0] / (double)LayerReconstruction.Scale - target.Plane(c)[0], -0.5, 0.5);
        }

        RgbImage thumbnail = trial.Reconstruction.ToThumbnail();
        Assert.All(Enumerable.Range(0, thumbnail.Width * thumbnail.Height), i =>
        {
            Assert.InRange(thumbnail.Pixels[3 * i], 89, 91);
            Assert.InRange(thumbnail.Pixels[3 * i + 1], 139, 141);
            Assert.InRange(thumbnail.Pixels[3 * i + 2], 199, 201);
        });
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(255, 255, 255)]
    [InlineData(255, 0, 0)]
    [InlineData(0, 255, 0)]
    [InlineData(0, 0, 255)]
    [InlineData(255, 255, 0)]
    [InlineData(0, 255, 255)]
    [InlineData(255, 0, 255)]
    public void ExtremeColoursSurviveAtTheFinestQuantiser(byte r, byte g, byte b)
    {
        RgbImage image = TestImages.Solid(40, 30, r, g, b);
        LayerPlanes target = LayerPlanes.FromImage(image, LayerGeometry.Create(40, 30, 2, halfChroma: false));
        LayerReconstruction layer = AssertRoundTrip(target, 0);
        RgbImage thumbnail = layer.ToThumbnail();
        for (int i = 0; i < thumbnail.Pixels.Length; i += 3)
        {
            Assert.InRange(thumbnail.Pixels[i], r - 1, r + 1);
            Assert.InRange(thumbnail.Pixels[i + 1], g - 1, g + 1);
            Assert.InRange(thumbnail.Pixels[i + 2], b - 1, b + 1);
        }
    }

    [Fact]
    public void HardContrastAndOutOfRangeTargetsAreClampedNotBroken()
    {
        // A black/white checkerboard of saturated primaries, then targets far outside the planes' ranges.
        var image = new RgbImage(33, 17);
        for (int y = 0; y < 17; y++)
        {
            for (int x = 0; x < 33; x++)
            {
                image.Set(x, y, (byte)((x + y) % 2 * 255), (byte)(x % 3 == 0 ? 255 : 0), (byte)(y % 2 * 255));
            }
        }

        LayerPlanes target = LayerPlanes.FromImage(image, LayerGeometry.Create(33, 17, LayerGeometry.SizeCount(33, 17) - 1, halfChroma: false));
        foreach (int q in new[] { 0, 60, 127 })
        {
            AssertRoundTrip(target, q);
        }

        var geometry = LayerGeometry.Create(33, 17, 1, halfChroma: true);
        var wild = new LayerPlanes(geometry,
            Enumerable.Range(0, geometry.LumaCount).Select(i => i % 3 == 0 ? 1e6f : i % 3 == 1 ? -1e6f : float.NaN).ToArray(),
            Enumerable.Repeat(900f, geometry.ChromaCount).ToArray(),
            Enumerable.Repeat(-900f, geometry.ChromaCount).ToArray());
        LayerReconstruction layer = AssertRoundTrip(wild, 5);
        int chromaMax = 255 * LayerReconstruction.Scale / 2;
        Assert.All(layer.Luma, v => Assert.InRange(v, 0, 255 * LayerReconstruction.Scale));
        Assert.All(layer.OrangeChroma, v => Assert.InRange(v, chromaMax - 3 * LayerReconstruction.Scale, chromaMax));
        Assert.All(layer.GreenChroma, v => Assert.InRange(v, -chromaMax, -chromaMax + 3 * LayerReconstruction.Scale));
    }

    [Fact]
    public void SameInputGivesTheSameBytesOnAnyThread()
    {
        RgbImage image = TestImages.Scene(768, 512, seed: 11);
        var targets = Enumerable.Range(0, LayerGeometry.SizeCount(768, 512))
            .Select(s => LayerPlanes.FromImage(image, LayerGeometry.Create(768, 512, s, s % 2 == 0))).ToArray();
        byte[][] sequential = targets.Select(t => Code(t, 50)).ToArray();
        var parallel = new byte[targets.Length][];
        Parallel.For(0, targets.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = Code(targets[i], 50));
        for (int i = 0; i < targets.Length; i++)
        {
            Assert.Equal(sequential[i], parallel[i]);
            Assert.Equal(sequential[i], Code(targets[i], 50));
        }
    }

    [Fact]
    public void FitBudgetReturnsTheFinestQuantiserThatFits()
    {
        RgbImage image = TestImages.Scene(768, 512, seed: 13);
        LayerPlanes target = LayerPlanes.FromImage(image, LayerGeometry.Create(768, 512, 9, true));
        foreach (double budget in new[] { 200.0, 800, 4000 })
        {
            LayerTrial fit = ColorLayerCoder.FitBudget(target, budget)!;
            Assert.True(fit.Bits <= budget);
            int q = fit.Reconstruction.Quantiser;
            if (q > 0)
            {
                // Every finer quantiser within reach either misses the budget or is no better.
                LayerTrial finer = ColorLayerCoder.Trial(target, q - 1);
                Assert.True(finer.Bits > budget || finer.WeightedError >= fit.WeightedError);
            }
        }

        Assert.Null(ColorLayerCoder.FitBudget(target, 8));
    }

    [Fact]
    public void WeightsSteerTheBitsWithoutChangingTheSyntax()
    {
        RgbImage image = TestImages.Scene(768, 512, seed: 17);
        LayerPlanes target = LayerPlanes.FromImage(image, LayerGeometry.Create(768, 512, 9, true));
        LayerTrial plain = ColorLayerCoder.Trial(target, 56);
        var coarseOnly = LayerCodingOptions.Default with { LevelWeights = [1f, 0f, 0f] };
        LayerTrial withoutFineDetail = ColorLayerCoder.Trial(target, 56, coarseOnly);
        Assert.True(withoutFineDetail.Bits < plain.Bits);
        LayerTrial chromaHeavy = ColorLayerCoder.Trial(target, 56, LayerCodingOptions.Default with { OrangeChromaWeight = 20, GreenChromaWeight = 20 });
        Assert.True(chromaHeavy.Bits > plain.Bits);

        // Whatever the weights, the decoder reproduces the encoder's layer.
        var encoder = new RangeEncoder();
        LayerReconstruction written = ColorLayerCoder.Encode(encoder, target, 56, coarseOnly);
        Assert.True(ColorLayerCoder.Decode(new RangeDecoder(encoder.Finish()), 768, 512).SameAs(written));
    }

    [Theory]
    [InlineData(768, 512, 1)]
    [InlineData(512, 768, 2)]
    [InlineData(640, 480, 3)]
    [InlineData(101, 67, 4)]
    public void SmallestSettingBeatsTheColourHint(int width, int height, int seed)
    {
        // The hint's 12 cells at 6/5/5 bits against the layer's smallest size in at most as many bytes.
        RgbImage image = TestImages.Scene(width, height, seed);
        ColorHint hint = ColorHint.Extract(image);
        var hintEncoder = new RangeEncoder();
        hint.Encode(hintEncoder);
        int hintBytes = hintEncoder.Finish().Length;
        LayerGeometry geometry = LayerGeometry.Create(width, height, 0, halfChroma: false);
        Assert.Equal((hint.Columns, hint.Rows), (geometry.LumaWidth, geometry.LumaHeight));
        int[] reference = Resampling.AreaRgb(image, geometry.LumaWidth, geometry.LumaHeight);
        double hintError = 0;
        for (int i = 0; i < geometry.LumaCount; i++)
        {
            (int r, int g, int b) = hint.CellRgb(i);
            hintError += Square(r - reference[3 * i]) + Square(g - reference[3 * i + 1]) + Square(b - reference[3 * i + 2]);
        }

        // The encoder's search: every quantiser, the rate-distortion trade-off at 1 to 4 times its default.
        LayerPlanes target = LayerPlanes.FromImage(image, geometry);
        var trials = from q in Enumerable.Range(0, ColorLayerCoder.Quantisers)
                     from lambda in new[] { 1.0, 1.5, 2, 3, 4 }
                     select ColorLayerCoder.Trial(target, q, LayerCodingOptions.Default with { Lambda = lambda * LayerCodingOptions.Default.Lambda });
        (LayerTrial layer, double layerError) = trials.Where(t => t.Bytes <= hintBytes).Select(t => (t, Error(t.Reconstruction.ToThumbnail()))).MinBy(t => t.Item2);
        Assert.True(layerError <= hintError, $"{layer.Bytes} B (hint {hintBytes} B): layer squared error {layerError}, hint {hintError}");

        double Error(RgbImage thumbnail)
        {
            double error = 0;
            for (int i = 0; i < reference.Length; i++)
            {
                error += Square(thumbnail.Pixels[i] - reference[i]);
            }

            return error;
        }
    }

    [Fact]
    public void CorruptStreamsDecodeOrFailAsInvalidData()
    {
        var random = new Random(21);
        for (int i = 0; i < 300; i++)
        {
            var bytes = new byte[random.Next(0, 40)];
            random.NextBytes(bytes);
            try
            {
                LayerReconstruction layer = ColorLayerCoder.Decode(new RangeDecoder(bytes), 768, 512);
                Assert.All(layer.Luma, v => Assert.InRange(v, 0, 255 * LayerReconstruction.Scale));
            }
            catch (InvalidDataException)
            {
                // refused: fine
            }
        }
    }

    private static LayerReconstruction AssertRoundTrip(LayerPlanes target, int quantiser)
    {
        var encoder = new RangeEncoder();
        LayerReconstruction written = ColorLayerCoder.Encode(encoder, target, quantiser);
        byte[] stream = encoder.Finish();
        LayerGeometry g = target.Geometry;
        LayerReconstruction read = ColorLayerCoder.Decode(new RangeDecoder(stream), g.ImageWidth, g.ImageHeight);
        Assert.True(read.SameAs(written), $"{g} at q {quantiser}");
        Assert.Equal(g, read.Geometry);
        Assert.Equal(quantiser, read.Quantiser);
        return read;
    }

    private static byte[] Code(LayerPlanes target, int quantiser)
    {
        var encoder = new RangeEncoder();
        ColorLayerCoder.Encode(encoder, target, quantiser);
        return encoder.Finish();
    }

    private static double Square(double x) => x * x;

    private const int PinnedFullLength = 50;
    private const uint PinnedFullCrc = 2401316624;
    private const int PinnedHalfLength = 24;
    private const uint PinnedHalfCrc = 120824269;
}
