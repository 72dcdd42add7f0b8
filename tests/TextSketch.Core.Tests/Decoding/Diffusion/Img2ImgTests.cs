using Microsoft.ML.OnnxRuntime;
using TextSketch.Core.Decoding;
using TextSketch.Core.Decoding.Diffusion;
using TextSketch.Core.Decoding.Diffusion.Schedulers;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Models;
using TextSketch.Core.Onnx;
using TextSketch.Core.Tests.Support;
using TextSketch.TinyModels.Packs;
using DataType = Onnx.TensorProto.Types.DataType;

namespace TextSketch.Core.Tests.Decoding.Diffusion;

/// <summary>The diffusion decoder's start from the colour layer (img2img), through tiny packs with the real
/// signatures: what it encodes, how many steps run from where, that it is reproducible, and when it does not run.</summary>
public sealed class Img2ImgTests : IDisposable
{
    private static readonly Sd15TinyOptions Fp16 = new() { FloatType = DataType.Float16, TimestepType = DataType.Int64 };
    private static readonly Sd15TinyOptions Fp32 = new() { FloatType = DataType.Float, TimestepType = DataType.Float };

    private readonly TinyPacks _packs = new();

    public void Dispose() => _packs.Dispose();

    [Theory]
    // diffusers: init_timestep = min(int(steps * strength), steps); timesteps[steps - init_timestep:].
    [InlineData(SchedulerKind.UniPC, 25, 0.8, 20, 799.0)]
    [InlineData(SchedulerKind.UniPC, 25, 0.55, 13, 519.0)] // floor(13.75), not round
    [InlineData(SchedulerKind.UniPC, 25, 1.0, 25, 999.0)]
    [InlineData(SchedulerKind.Ddim, 25, 0.8, 20, 761.0)]
    [InlineData(SchedulerKind.Ddim, 10, 0.7, 7, 601.0)]
    [InlineData(SchedulerKind.Euler, 25, 0.8, 20, 790.875)]
    [InlineData(SchedulerKind.Euler, 20, 0.29, 5, 210.31578947368422)] // floor(5.8)
    [InlineData(SchedulerKind.Lcm, 4, 0.5, 2, 499.0)]
    [InlineData(SchedulerKind.Lcm, 4, 1.0, 4, 999.0)]
    public void TheStepsRunAndTheFirstTimestepFollowTheStrengthAsDiffusersTruncates(SchedulerKind kind, int steps, double strength, int run, double firstTimestep)
    {
        Assert.Equal(run, DiffusionPipeline.StepsRun(steps, strength));
        IDiffusionScheduler scheduler = Schedulers.Create(kind, new NoiseSchedule(new NoiseScheduleOptions()), steps);
        Assert.Equal(firstTimestep, scheduler.Timesteps[steps - run], 9);

        using DiffusionPipeline pipeline = DiffusionPipeline.Open(_packs.Write("sd15-hed", Fp32), ExecutionDevice.Cpu);
        TskDocument document = TinyPacks.Document();
        var seen = new List<DecodeProgress>();
        DiffusionResult result = pipeline.Decode(document, new DiffusionRequest
        {
            Seed = 3,
            Scheduler = kind,
            Steps = steps,
            Strength = strength,
            InitImage = WeightFreeImage(document),
        }, seen.Add);
        Assert.Equal(run, result.Timings.Steps);
        Assert.Equal(firstTimestep, result.Timings.StartTimestep, 9);
        Assert.Equal(strength, result.Timings.Strength);
        Assert.Equal(Enumerable.Range(1, run), seen.Select(p => p.Step));
        Assert.All(seen, p => Assert.Equal(run, p.TotalSteps));
        // The VAE encoder runs exactly when a start from the image runs.
        Assert.Equal(run < steps, result.Timings.VaeEncoder > TimeSpan.Zero);
    }

    [Fact]
    public void ADefaultDecodeStartsFromTheRegistrysWeightFreeReconstruction()
    {
        _packs.Write("sd15-canny", Fp16);
        TskRecord record = TskFile.Write(TinyPacks.Document());
        var options = new DecodeOptions { ModelRoot = _packs.Root, Decoder = "Diffusion", Device = ExecutionDevice.Cpu };
        var host = new RecordingHost();
        using ITskDecoder decoder = TskDecoders.Open(TskDecoders.Choose(options), options);
        decoder.Prepare(host);
        DecodedImage decoded = decoder.Decode(record, options, null, CancellationToken.None);

        // The pack's default strength (0.8): 20 of 25 UniPC steps, from t = 799, starting from the weight-free image.
        Assert.Equal(DiffusionSettings.DefaultStrength, DiffusionSettings.FromManifest(InstalledPack.Require(_packs.Root, "sd15-canny").Manifest).Strength);
        Assert.Contains($"started from the {TskDecoders.WeightFree.Name} reconstruction", decoded.Details);
        Assert.Contains("20 steps from timestep 799 (strength 0.8)", decoded.Details);
        Assert.Contains(host.Notes, n => n.Contains($"start from the {TskDecoders.WeightFree.Name} decoder's reconstruction", StringComparison.Ordinal));
        Assert.Empty(host.Warnings);

        // Exactly the pipeline started from that decoder's image of the record.
        using DiffusionPipeline pipeline = DiffusionPipeline.Open(InstalledPack.Require(_packs.Root, "sd15-canny"), ExecutionDevice.Cpu);
        DiffusionResult direct = pipeline.Decode(record.Document, new DiffusionRequest { Seed = record.Seed, Strength = 0.8, InitImage = WeightFreeImage(record.Document) });
        Assert.Equal(direct.Image.Pixels, decoded.Image.Pixels);
        // A different start image gives a different result: the init image is really what the start encodes.
        var flat = new RgbImage(record.Document.Width, record.Document.Height);
        Assert.NotEqual(direct.Image.Pixels, pipeline.Decode(record.Document, new DiffusionRequest { Seed = record.Seed, Strength = 0.8, InitImage = flat }).Image.Pixels);
    }

    [Theory]
    [InlineData(VaeEncoderOutput.Sample, "sd15-canny")]
    [InlineData(VaeEncoderOutput.Moments, "sd15-canny")]
    [InlineData(VaeEncoderOutput.Sample, "sd15-hed")]
    public void AFixedSeedGivesTheSameBytesWhateverTheEncoderExport(VaeEncoderOutput output, string pack)
    {
        InstalledPack installed = _packs.Write(pack, (pack == "sd15-canny" ? Fp16 : Fp32) with { VaeEncoder = output });
        TskDocument document = TinyPacks.Document();
        RgbImage init = WeightFreeImage(document);
        byte[] Decode(int seed)
        {
            // A fresh pipeline each time: nothing carries over but the files.
            using DiffusionPipeline pipeline = DiffusionPipeline.Open(installed, ExecutionDevice.Cpu);
            DiffusionResult result = pipeline.Decode(document, new DiffusionRequest { Seed = seed, Steps = 10, Strength = 0.6, InitImage = init });
            Assert.Equal(6, result.Timings.Steps);
            return ImageWriter.Encode(result.Image, ImageFileFormat.Png);
        }

        byte[] first = Decode(42);
        Assert.Equal(first, Decode(42));
        Assert.NotEqual(first, Decode(43));
    }

    [Fact]
    public void TheExportsUnseededRandomNodeBecomesAnInputThatTakesOurNoise()
    {
        InstalledPack pack = _packs.Write("sd15-hed", Fp32);
        byte[] original = File.ReadAllBytes(pack.PathOf(DiffusionPipeline.VaeEncoderRole));
        var exposed = PosteriorNoiseInputs.Expose(original);
        Assert.NotNull(exposed);
        NoiseInput input = Assert.Single(exposed.Value.Inputs);
        Assert.Equal(1, input.ElementType); // float, from the node's dtype attribute

        // As exported, ONNX Runtime draws its own ε: the same image encodes differently run after run.
        var sessions = new OnnxSessionFactory(ExecutionDevice.Cpu);
        float[] pixels = Enumerable.Range(0, 3 * 32 * 32).Select(i => (i % 17) / 8f - 1f).ToArray();
        using (OnnxModel raw = OnnxModel.Open(sessions, pack.PathOf(DiffusionPipeline.VaeEncoderRole), "raw", OnnxSignatureSpec.Any))
        {
            Assert.NotEqual(RunRaw(raw, pixels), RunRaw(raw, pixels));
        }

        // Rewritten, ε is ours: the same generator state gives the same latents, and the sample is mean + std · ε
        // (the moments export of the same weights gives the mean and the log-variance).
        using OnnxModel rewritten = OnnxModel.Open(sessions, exposed.Value.Model, "rewritten", OnnxSignatureSpec.Any);
        var encoder = new VaeEncoderModel(rewritten, exposed.Value.Inputs);
        using var runOptions = new RunOptions();
        float[] a = encoder.Encode(pixels, 32, 32, new GaussianNoise(7), runOptions);
        float[] b = encoder.Encode(pixels, 32, 32, new GaussianNoise(7), runOptions);
        Assert.Equal(a, b);
        Assert.NotEqual(a, encoder.Encode(pixels, 32, 32, new GaussianNoise(8), runOptions));

        InstalledPack moments = _packs.Write("sd15-hed", Fp32 with { VaeEncoder = VaeEncoderOutput.Moments }, "moments");
        byte[] momentsBytes = File.ReadAllBytes(moments.PathOf(DiffusionPipeline.VaeEncoderRole));
        Assert.Null(PosteriorNoiseInputs.Expose(momentsBytes)); // nothing random inside: used as it is
        using OnnxModel momentsModel = OnnxModel.Open(sessions, momentsBytes, "moments", OnnxSignatureSpec.Any);
        float[] parameters = RunRaw(momentsModel, pixels);
        Assert.Equal(2 * a.Length, parameters.Length);
        float[] epsilon = new GaussianNoise(7).NextGaussians(a.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(Sd15TinyModels.VaePosteriorStd, Math.Exp(0.5 * parameters[a.Length + i]), 5);
            Assert.Equal(parameters[i] + Sd15TinyModels.VaePosteriorStd * epsilon[i], a[i], 4);
        }

        // The moments export, sampled here with the same ε, gives the same latents.
        float[] fromMoments = new VaeEncoderModel(momentsModel, []).Encode(pixels, 32, 32, new GaussianNoise(7), runOptions);
        Assert.All(fromMoments.Zip(a), p => Assert.Equal(p.Second, p.First, 4));
    }

    [Fact]
    public void StrengthOneIsThePureTextAndSketchPathAndNeedsNoVaeEncoder()
    {
        TskDocument document = TinyPacks.Document();
        InstalledPack full = _packs.Write("sd15-hed", Fp32);
        InstalledPack bare = _packs.Write("sd15-hed", Fp32, "no-encoder", withoutRole: DiffusionPipeline.VaeEncoderRole);
        Assert.Null(bare.Manifest.FileWithRole(DiffusionPipeline.VaeEncoderRole));
        var request = new DiffusionRequest { Seed = 11, Steps = 8 };
        using DiffusionPipeline withEncoder = DiffusionPipeline.Open(full, ExecutionDevice.Cpu);
        using DiffusionPipeline without = DiffusionPipeline.Open(bare, ExecutionDevice.Cpu);
        Assert.True(withEncoder.HasVaeEncoder);
        Assert.False(without.HasVaeEncoder);

        DiffusionResult pure = withEncoder.Decode(document, request);
        DiffusionResult one = withEncoder.Decode(document, request with { Strength = 1.0, InitImage = WeightFreeImage(document) });
        DiffusionResult bareOne = without.Decode(document, request with { Strength = 1.0 });
        Assert.Equal(pure.Image.Pixels, one.Image.Pixels);
        Assert.Equal(pure.Image.Pixels, bareOne.Image.Pixels);
        Assert.Equal(TimeSpan.Zero, one.Timings.VaeEncoder);
        Assert.Equal(8, one.Timings.Steps);
        Assert.Equal(1.0, withEncoder.StrengthFor(document, 1.0));
    }

    [Fact]
    public void APackWithoutAVaeEncoderWarnsOnceAtItsDefaultAndRefusesAnExplicitStrengthBelowOne()
    {
        _packs.Write("sd15-hed", Fp32, withoutRole: DiffusionPipeline.VaeEncoderRole);
        TskRecord record = TskFile.Write(TinyPacks.Document());
        var options = new DecodeOptions { ModelRoot = _packs.Root, Decoder = "Diffusion", Steps = 6, Device = ExecutionDevice.Cpu };
        var host = new RecordingHost();
        using ITskDecoder decoder = TskDecoders.Open(TskDecoders.Choose(options), options);
        decoder.Prepare(host);
        Assert.Empty(host.Warnings); // Auto opens a pack (and warns about it) with the first record routed to it.
        DecodedImage decoded = decoder.Decode(record, options, null, CancellationToken.None);
        string warning = Assert.Single(host.Warnings);
        Assert.Contains("'sd15-hed' has no VAE encoder", warning);
        Assert.Contains("strength 0.8", warning);
        Assert.Contains("-Strength 1", warning);

        Assert.Contains(", 6 steps:", decoded.Details);
        Assert.DoesNotContain("started from", decoded.Details);

        ModelPackException e = Assert.Throws<ModelPackException>(() => decoder.Decode(record, options with { Strength = 0.5 }, null, CancellationToken.None));
        Assert.Equal("VaeEncoderMissing", e.ErrorId);
        Assert.Contains("-Strength 1", e.Message);

        // With -Strength 1 there is nothing to warn about.
        var quiet = new RecordingHost();
        using ITskDecoder explicitOne = TskDecoders.Open(TskDecoders.Choose(options with { Strength = 1 }), options with { Strength = 1 });
        explicitOne.Prepare(quiet);
        Assert.Empty(quiet.Warnings);
        Assert.Equal(decoded.Image.Pixels, explicitOne.Decode(record, options with { Strength = 1 }, null, CancellationToken.None).Image.Pixels);
        Assert.Empty(quiet.Warnings);
    }

    [Fact]
    public void RecordsWithoutAColourLayerStartFromNoiseWhateverTheStrength()
    {
        TskDocument text = TinyPacks.Document(withSketch: false) with { ColorLayer = null };
        Assert.False(text.HasColorLayer);
        Assert.True(TskFile.Read(TskFile.Write(TinyPacks.Document()).Bytes, "v2.tsk").Document.HasColorLayer);

        using DiffusionPipeline pipeline = DiffusionPipeline.Open(_packs.Write("sd15-hed", Fp32), ExecutionDevice.Cpu);
        Assert.Equal(1.0, pipeline.StrengthFor(text, 0.5));
        Assert.Equal(1.0, pipeline.StrengthFor(text, null));
        Assert.Equal(0.8, pipeline.StrengthFor(TinyPacks.Document(), null));
        Assert.Equal(0.5, pipeline.StrengthFor(TinyPacks.Document(), 0.5));
        // The pack's 0.8 of a single step would run none: a default never fails a short run, it starts from noise.
        Assert.Equal(0.8, pipeline.StrengthFor(TinyPacks.Document(), null, steps: 2));
        Assert.Equal(1.0, pipeline.StrengthFor(TinyPacks.Document(), null, steps: 1));
        Assert.Equal(0.5, pipeline.StrengthFor(TinyPacks.Document(), 0.5, steps: 1)); // explicit: StepsRun refuses it

        _packs.Write("sd15-canny", Fp16);
        TskRecord record = TskFile.Write(text);
        var options = new DecodeOptions { ModelRoot = _packs.Root, ModelPack = "sd15-canny", Strength = 0.5, Steps = 6, Device = ExecutionDevice.Cpu };
        using ITskDecoder decoder = TskDecoders.Open(TskDecoders.Choose(options), options);
        decoder.Prepare(new RecordingHost());
        DecodedImage decoded = decoder.Decode(record, options, null, CancellationToken.None);
        Assert.Contains(", 6 steps:", decoded.Details);
        Assert.DoesNotContain("started from", decoded.Details);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.25)]
    [InlineData(1.0000001)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void StrengthOutsideZeroToOneIsRefused(double strength)
    {
        using DiffusionPipeline pipeline = DiffusionPipeline.Open(_packs.Write("sd15-hed", Fp32), ExecutionDevice.Cpu);
        TskDocument document = TinyPacks.Document();
        Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.StrengthFor(document, strength));
        Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.Decode(document, new DiffusionRequest { Seed = 1, Steps = 4, Strength = strength, InitImage = WeightFreeImage(document) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => DiffusionPipeline.StepsRun(25, strength));
    }

    [Fact]
    public void AStrengthThatRunsNoStepAndAStartWithoutAnImageAreRefused()
    {
        using DiffusionPipeline pipeline = DiffusionPipeline.Open(_packs.Write("sd15-hed", Fp32), ExecutionDevice.Cpu);
        TskDocument document = TinyPacks.Document();
        // A strength in (0, 1] that runs no step is the user's choice, not a bug: an error with its own id and a plain message.
        TextSketchException e = Assert.Throws<TextSketchException>(() =>
            pipeline.Decode(document, new DiffusionRequest { Seed = 1, Steps = 25, Strength = 0.03, InitImage = WeightFreeImage(document) }));
        Assert.Equal("StrengthTooLow", e.ErrorId);
        Assert.Equal("-Strength 0.03 of 25 steps runs no denoising step (floor(25 x 0.03) = 0); use a strength of at least 0.04 or more steps.", e.Message);
        Assert.Equal(1, DiffusionPipeline.StepsRun(25, 0.04));
        Assert.Throws<ArgumentException>(() => pipeline.Decode(document, new DiffusionRequest { Seed = 1, Steps = 4, Strength = 0.5 }));
    }

    [Fact]
    public void AManifestStrengthOutsideZeroToOneIsRefused()
    {
        ModelManifest manifest = ModelManifest.Load(Path.Combine(TinyPacks.RepositoryModels, "sd15-hed.json"));
        string json = manifest.ToJson().Replace("\"strength\": 0.8", "\"strength\": 1.5", StringComparison.Ordinal);
        Assert.Contains("\"strength\": 1.5", json);
        ModelPackException e = Assert.Throws<ModelPackException>(() => DiffusionSettings.FromManifest(ModelManifest.Parse(json, "bad.json")));
        Assert.Equal("ModelManifestInvalid", e.ErrorId);
        Assert.Contains("strength 1.5", e.Message);
    }

    /// <summary>The weight-free decoder's image of a document, as the diffusion decoder asks the registry for it.</summary>
    private static RgbImage WeightFreeImage(TskDocument document)
    {
        using ITskDecoder decoder = TskDecoders.WeightFree.Open(new DecodeOptions());
        decoder.Prepare(new RecordingHost());
        return decoder.Decode(TskFile.Write(document), new DecodeOptions(), null, CancellationToken.None).Image;
    }

    private static float[] RunRaw(OnnxModel model, float[] pixels)
    {
        using OrtValue input = OnnxTensors.FromFloats(model.InputMetadata["sample"].ElementDataType, pixels, [1, 3, 32, 32]);
        using IDisposableReadOnlyCollection<OrtValue> outputs = model.Run(["sample"], [input], [model.OutputMetadata.Keys.First()]);
        return OnnxTensors.ToFloats(outputs[0]);
    }
}
