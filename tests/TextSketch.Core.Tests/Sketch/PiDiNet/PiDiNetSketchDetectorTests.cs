using TextSketch.Core.Caption;
using TextSketch.Core.Color;
using TextSketch.Core.Encoder;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Onnx;
using TextSketch.Core.Sketch;
using TextSketch.Core.Sketch.PiDiNet;
using TextSketch.Core.Tests.Support;

namespace TextSketch.Core.Tests.Sketch.PiDiNet;

/// <summary>-SketchModel pidinet with the real weights: the soft map becomes a thin sketch on the sketch grid, rate
/// control fits it to any budget, the record names the model, and any image size works.</summary>
public sealed class PiDiNetSketchDetectorTests
{
    private static readonly SketchOptions Options = SketchOptions.Default;

    /// <summary>One real run of the detector (an encoder session of its own, on the installed pack): it is the
    /// thinning of the network's map at the detection resolution, the photo's own size for 768x512.</summary>
    [Fact]
    public void The_detector_thins_the_map_at_the_detection_resolution()
    {
        using var detector = new PiDiNetSketchDetector(SharedPiDiNetData.Pack, new OnnxSessionFactory(ExecutionDevice.Cpu, intraOpThreads: 1));
        RgbImage image = SharedPiDiNetData.ReferenceImage("astronaut");
        (int w, int h) = SketchGeometry.Size(image.Width, image.Height, SketchGeometry.ChooseDivisor(image.Width, image.Height, Options.TargetPixels));

        EdgeMap sketch = detector.Detect(image, w, h, Options);

        Assert.Equal((192, 128), (w, h));
        Assert.Equal(SketchSource.PiDiNet, detector.Source);
        EdgeMap expected = Thin("astronaut", w, h);
        Assert.Equal(expected.Edges, sketch.Edges);
        Assert.Equal(expected.Strength, sketch.Strength);
        AssertThin(sketch.Edges);
    }

    public static TheoryData<string> Photos() => [.. SharedPiDiNetData.ReferenceNames()];

    /// <summary>Rate control on real PiDiNet sketches: every budget is met, a smaller budget keeps a subset of the
    /// larger one's pixels, the default budget keeps real structure, and the record names PiDiNet.</summary>
    [Theory]
    [MemberData(nameof(Photos))]
    public void Rate_control_fits_real_pidinet_sketches_to_every_budget(string name)
    {
        RgbImage image = SharedPiDiNetData.ReferenceImage(name);
        int divisor = SketchGeometry.ChooseDivisor(image.Width, image.Height, Options.TargetPixels);
        (int w, int h) = SketchGeometry.Size(image.Width, image.Height, divisor);
        EdgeMap full = Thin(name, w, h);
        var analysis = new ImageAnalysis(image.Width, image.Height, null, CaptionSource.None, ColorHint.Extract(image), full, divisor, SketchSource: SketchSource.PiDiNet);

        TskRecord unlimited = RateControl.Code(analysis, TextSketchMode.TextSketch, null, Options.MinComponentPixels);
        // Without -MaxBytes the default budget is soft: the sketch shares the record's stream, a byte either way.
        Assert.True(unlimited.Bytes.Length <= TextSketchDefaults.RecordBudgetBytes + 2, $"{unlimited.Bytes.Length} B");
        BitPlane previous = Decoded(unlimited, SketchSource.PiDiNet);
        AssertSubset(previous, full.Edges);
        Assert.True(previous.CountSet() >= Math.Min(200, full.Edges.CountSet()), $"{name}: {previous.CountSet()} of {full.Edges.CountSet()} sketch pixels kept");
        foreach (int budget in new[] { 200, 120, 60, 30 })
        {
            TskRecord record = RateControl.Code(analysis, TextSketchMode.TextSketch, budget, Options.MinComponentPixels);
            Assert.True(record.Bytes.Length <= budget, $"{name}: {record.Bytes.Length} B for a budget of {budget}");
            BitPlane sketch = Decoded(record, SketchSource.PiDiNet);
            AssertSubset(sketch, full.Edges);
            Assert.True(sketch.CountSet() <= previous.CountSet(), $"{name}: {sketch.CountSet()} pixels at {budget} B, {previous.CountSet()} before");
            previous = sketch;
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(7, 5)]
    [InlineData(5, 700)]
    public void Any_image_size_encodes_and_names_the_model(int width, int height)
    {
        using var detector = new PiDiNetSketchDetector(SharedPiDiNetData.Pack, new OnnxSessionFactory(ExecutionDevice.Cpu, intraOpThreads: 1));
        RgbImage image = TestImages.Scene(width, height, width * height);
        EncoderOptions options = EncoderOptions.Default with { SketchDetector = detector };

        TskRecord record = RateControl.Code(TextSketchEncoder.Analyse(image, null, CaptionSource.None, options), TextSketchMode.TextSketch, null, Options.MinComponentPixels);

        TskRecord read = TskFile.Read(record.Bytes, "test");
        Assert.Equal((width, height), (read.Document.Width, read.Document.Height));
        Assert.Equal(SketchSource.PiDiNet, read.Document.SketchSource);
        Assert.Equal((record.SketchWidth, record.SketchHeight), (read.SketchWidth, read.SketchHeight));
    }

    [Fact]
    public void The_encoder_opens_pidinet_for_its_pack_and_text_records_name_no_sketch_model()
    {
        using var folder = new TempFolder();
        string photo = folder.File("photo.png");
        TestImages.Save(TestImages.Scene(96, 64, 5), photo);
        using EncoderModels models = EncoderModels.Open(new EncoderModelRequest { SketchModel = "pidinet", ModelRoot = SharedPiDiNetData.ModelRoot, Device = ExecutionDevice.Cpu });
        Assert.IsType<PiDiNetSketchDetector>(models.SketchDetector);

        EncoderOptions options = models.Apply(EncoderOptions.Default);
        TskRecord sketch = TextSketchEncoder.Encode(photo, "", options);
        TskRecord text = TextSketchEncoder.Encode(photo, "", options with { Mode = TextSketchMode.Text });

        Assert.Equal(SketchSource.PiDiNet, sketch.Document.SketchSource);
        Assert.Equal(SketchSource.BuiltIn, text.Document.SketchSource);
        Assert.Equal(SketchSource.BuiltIn, TextSketchEncoder.Encode(photo, "").Document.SketchSource);
    }

    /// <summary>What the detector computes, from the run's shared map of the photo (the photo is the detection size).</summary>
    private static EdgeMap Thin(string name, int width, int height)
    {
        RgbImage image = SharedPiDiNetData.ReferenceImage(name);
        return SoftEdgeThinning.ToSketch(SharedPiDiNetData.MapOf(name), image.Width, image.Height, width, height, 0.5, 0.25, Options.MinComponentPixels);
    }

    private static BitPlane Decoded(TskRecord record, SketchSource source)
    {
        TskRecord read = TskFile.Read(record.Bytes, "test");
        Assert.Equal(source, read.Document.SketchSource);
        return read.Document.Sketch!.Bitmap;
    }

    private static void AssertSubset(BitPlane sketch, BitPlane full)
    {
        for (int i = 0; i < sketch.Bits.Length; i++)
        {
            Assert.True(sketch.Bits[i] == 0 || full.Bits[i] != 0, $"pixel {i} is not in the full sketch");
        }
    }

    /// <summary>One-pixel lines: a 2x2 block of ink is rare (Zhang-Suen keeps the odd one where lines meet; the
    /// built-in detector's sketches have them too), at most one per 500 ink pixels.</summary>
    private static void AssertThin(BitPlane plane)
    {
        var blocks = new List<string>();
        for (int y = 0; y + 1 < plane.Height; y++)
        {
            for (int x = 0; x + 1 < plane.Width; x++)
            {
                if (plane[x, y] && plane[x + 1, y] && plane[x, y + 1] && plane[x + 1, y + 1])
                {
                    blocks.Add($"({x},{y})");
                }
            }
        }

        Assert.True(blocks.Count * 500 <= plane.CountSet(), $"{blocks.Count} 2x2 blocks of {plane.CountSet()} px: {string.Join(" ", blocks)}");
    }
}
