using TextSketch.Core.Decoding.Diffusion;
using TextSketch.Core.Decoding.Diffusion.Schedulers;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Models;
using TextSketch.Core.Onnx;
using TextSketch.TinyModels.Packs;
using DataType = Onnx.TensorProto.Types.DataType;

namespace TextSketch.Core.Tests.Decoding.Diffusion;

/// <summary>The whole decoder through tiny packs with the real signatures (CPU provider).</summary>
public sealed class DiffusionPipelineTests : IDisposable
{
    private static readonly Sd15TinyOptions Fp16 = new() { FloatType = DataType.Float16, TimestepType = DataType.Int64 };
    private static readonly Sd15TinyOptions Fp32 = new() { FloatType = DataType.Float, TimestepType = DataType.Float };

    private readonly TinyPacks _packs = new();

    public void Dispose() => _packs.Dispose();

    [Theory]
    [InlineData(SchedulerKind.UniPC, "sd15-canny")]
    [InlineData(SchedulerKind.Ddim, "sd15-canny")]
    [InlineData(SchedulerKind.Euler, "sd15-canny")]
    [InlineData(SchedulerKind.Lcm, "sd15-canny")]
    [InlineData(SchedulerKind.UniPC, "sd15-hed")]
    [InlineData(SchedulerKind.Euler, "sd15-hed")]
    public void EverySchedulerDecodesDeterministically(SchedulerKind scheduler, string pack)
    {
        // One case at the real model resolution (512 px short side), the others small.
        bool real = scheduler == SchedulerKind.UniPC && pack == "sd15-canny";
        InstalledPack installed = _packs.Write(pack, pack == "sd15-canny" ? Fp16 : Fp32, sampleSize: real ? null : 16);
        var request = new DiffusionRequest { Seed = 1234, Scheduler = scheduler, Steps = scheduler == SchedulerKind.Lcm ? 4 : 25 };
        TskDocument document = TinyPacks.Document();
        byte[] first, second;
        using (DiffusionPipeline pipeline = DiffusionPipeline.Open(installed, ExecutionDevice.Cpu))
        {
            DiffusionResult result = pipeline.Decode(document, request);
            Assert.Equal(96, result.Image.Width);
            Assert.Equal(64, result.Image.Height);
            Assert.Equal(request.Steps, result.Timings.Steps);
            Assert.Equal(real ? (768, 512) : (192, 128), (result.Timings.ModelWidth, result.Timings.ModelHeight));
            first = ImageWriter.Encode(result.Image, ImageFileFormat.Png);
            // The same pipeline again (sessions reused) and a fresh one give the same bytes.
            Assert.Equal(first, ImageWriter.Encode(pipeline.Decode(document, request).Image, ImageFileFormat.Png));
        }

        using (DiffusionPipeline fresh = DiffusionPipeline.Open(installed, ExecutionDevice.Cpu))
        {
            second = ImageWriter.Encode(fresh.Decode(document, request).Image, ImageFileFormat.Png);
        }

        Assert.Equal(first, second);
        Assert.True(result_HasDetail(first));
    }

    [Fact]
    public void TheSeedChangesTheImage()
    {
        using DiffusionPipeline pipeline = DiffusionPipeline.Open(_packs.Write("sd15-canny", Fp16), ExecutionDevice.Cpu);
        TskDocument document = TinyPacks.Document();
        byte[] a = pipeline.Decode(document, new DiffusionRequest { Seed = 1, Steps = 5 }).Image.Pixels;
        byte[] b = pipeline.Decode(document, new DiffusionRequest { Seed = 2, Steps = 5 }).Image.Pixels;
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void TheSketchAndCaptionReachTheImage()
    {
        using DiffusionPipeline pipeline = DiffusionPipeline.Open(_packs.Write("sd15-hed", Fp32), ExecutionDevice.Cpu);
        var request = new DiffusionRequest { Seed = 5, Steps = 6 };
        byte[] reference = pipeline.Decode(TinyPacks.Document(), request).Image.Pixels;
        Assert.NotEqual(reference, pipeline.Decode(TinyPacks.Document(caption: "high quality photo"), request).Image.Pixels);
        Assert.NotEqual(reference, pipeline.Decode(TinyPacks.Document(withSketch: false), request).Image.Pixels);
    }

    [Fact]
    public void OneImageAtATimeExportsGiveTheSameGuidedResult()
    {
        // Exports with a fixed batch of 1 run the unconditional and conditional branches separately.
        TskDocument document = TinyPacks.Document();
        var request = new DiffusionRequest { Seed = 77, Steps = 8 };
        using DiffusionPipeline batched = DiffusionPipeline.Open(_packs.Write("sd15-hed", Fp32), ExecutionDevice.Cpu);
        using DiffusionPipeline single = DiffusionPipeline.Open(_packs.Write("sd15-hed", Fp32 with { FixedBatchOne = true }, "sd15-hed-single"), ExecutionDevice.Cpu);
        byte[] a = batched.Decode(document, request).Image.Pixels;
        byte[] b = single.Decode(document, request).Image.Pixels;
        Assert.True(a.Zip(b).Max(p => Math.Abs(p.First - p.Second)) <= 2);
    }

    [Fact]
    public void ExportsWithoutAConditioningScaleInputWork()
    {
        using DiffusionPipeline pipeline = DiffusionPipeline.Open(
            _packs.Write("sd15-canny", Fp16 with { NoConditioningScale = true, TimestepType = DataType.Float16 }, "no-scale"), ExecutionDevice.Cpu);
        DiffusionResult result = pipeline.Decode(TinyPacks.Document(withSketch: false), new DiffusionRequest { Seed = 3, Steps = 4 });
        Assert.Equal(96, result.Image.Width);
    }

    [Fact]
    public void APlainUnetIsRefusedWithTheSignatures()
    {
        InstalledPack pack = _packs.Write("sd15-canny", Fp32 with { PlainUnet = true }, "plain");
        ModelPackException e = Assert.Throws<ModelPackException>(() => DiffusionPipeline.Open(pack, ExecutionDevice.Cpu));
        Assert.Equal("ModelSignatureMismatch", e.ErrorId);
        Assert.Contains("controlnet/model.onnx", e.Message);
        Assert.Contains("residual", e.Message);
    }

    [Fact]
    public void AControlNetThatDoesNotFitTheUnetIsRefused()
    {
        InstalledPack pack = _packs.Write("sd15-canny", Fp32, "swapped");
        // A VAE decoder where the text encoder should be: its signature is listed.
        File.Copy(Path.Combine(pack.Directory, "vae_decoder", "model.onnx"), Path.Combine(pack.Directory, "text_encoder", "model.onnx"), overwrite: true);
        ModelPackException e = Assert.Throws<ModelPackException>(() => DiffusionPipeline.Open(InstalledPack.Require(_packs.Root, "swapped"), ExecutionDevice.Cpu));
        Assert.Equal("ModelSignatureMismatch", e.ErrorId);
        Assert.Contains("missing input input_ids", e.Message);
        Assert.Contains("latent_sample", e.Message);
    }

    [Fact]
    public void ProgressIsReportedPerStepAndCancellationStopsBetweenSteps()
    {
        using DiffusionPipeline pipeline = DiffusionPipeline.Open(_packs.Write("sd15-canny", Fp16), ExecutionDevice.Cpu);
        using var cancel = new CancellationTokenSource();
        var seen = new List<TextSketch.Core.Decoding.DecodeProgress>();
        Assert.ThrowsAny<OperationCanceledException>(() => pipeline.Decode(TinyPacks.Document(), new DiffusionRequest { Seed = 1, Steps = 10 }, p =>
        {
            seen.Add(p);
            if (p.Step == 3)
            {
                cancel.Cancel();
            }
        }, cancel.Token));
        Assert.Equal([1, 2, 3], seen.Select(p => p.Step));
        Assert.All(seen, p => Assert.Equal(10, p.TotalSteps));
        Assert.True(seen[2].Remaining > TimeSpan.Zero);

        // The pipeline is still usable afterwards.
        Assert.Equal(96, pipeline.Decode(TinyPacks.Document(), new DiffusionRequest { Seed = 1, Steps = 2 }).Image.Width);
    }

    [Fact]
    public void TheColourLayerStartRunsFewerStepsAndKeepsTheColours()
    {
        using DiffusionPipeline pipeline = DiffusionPipeline.Open(_packs.Write("sd15-hed", Fp32), ExecutionDevice.Cpu);
        TskDocument document = TinyPacks.Document();
        RgbImage init = Core.Decoding.Preview.PreviewRenderer.Render(document);
        DiffusionResult fromNoise = pipeline.Decode(document, new DiffusionRequest { Seed = 9, Steps = 20 });
        DiffusionResult fromHint = pipeline.Decode(document, new DiffusionRequest { Seed = 9, Steps = 20, Strength = 0.5, InitImage = init });
        Assert.Equal(10, fromHint.Timings.Steps);
        Assert.True(fromHint.Timings.VaeEncoder > TimeSpan.Zero);
        Assert.True(ColourError(fromHint.Image, document) < ColourError(fromNoise.Image, document));
    }

    [Fact]
    public void ModelResolutionKeepsTheShortSideAt512InMultiplesOf64()
    {
        var settings = new DiffusionSettings();
        Assert.Equal((768, 512), settings.ModelResolution(768, 512));
        Assert.Equal((512, 768), settings.ModelResolution(512, 768));
        Assert.Equal((512, 512), settings.ModelResolution(100, 100));
        Assert.Equal((704, 512), settings.ModelResolution(4032, 3024));
        Assert.Equal((1024, 512), settings.ModelResolution(5000, 500)); // aspect capped at 2
        Assert.Equal("a cat, high quality", settings.Prompt(" a cat "));
        Assert.Equal("high quality", settings.Prompt(null));
    }

    [Fact]
    public void ManifestSettingsAreRead()
    {
        DiffusionSettings canny = DiffusionSettings.FromManifest(ModelManifest.Load(Path.Combine(TinyPacks.RepositoryModels, "sd15-canny.json")));
        DiffusionSettings hed = DiffusionSettings.FromManifest(ModelManifest.Load(Path.Combine(TinyPacks.RepositoryModels, "sd15-hed.json")));
        Assert.Equal(ControlKind.Canny, canny.Control);
        Assert.Equal(ControlKind.Hed, hed.Control);
        Assert.Equal(0.18215, canny.VaeScale);
        Assert.Equal(9.0, canny.GuidanceScale);
        Assert.Equal(25, canny.Steps);
        Assert.Equal(SchedulerKind.UniPC, canny.Scheduler);
        Assert.Equal("{caption}, high quality", canny.PromptTemplate);
        Assert.Equal("disfigured, deformed, low quality, lowres, b&w, blurry, Photoshop, video game, bad art", hed.NegativePrompt);
    }

    [Fact]
    public void CannyControlLinesAreThinAndHedLinesSoft()
    {
        var sketch = new Core.Sketch.BitPlane(16, 8);
        for (int x = 2; x < 14; x++)
        {
            sketch[x, 4] = true;
        }

        float[] canny = ControlImage.Render(sketch, 128, 64, ControlKind.Canny);
        float[] hed = ControlImage.Render(sketch, 128, 64, ControlKind.Hed);
        Assert.All(canny, v => Assert.True(v is 0f or 1f));
        // A horizontal sketch line at 8x becomes one continuous row about one pixel thick, not an 8-pixel band.
        int column = 64;
        int cannyThickness = Enumerable.Range(0, 64).Count(y => canny[y * 128 + column] > 0);
        int hedThickness = Enumerable.Range(0, 64).Count(y => hed[y * 128 + column] > 0);
        Assert.InRange(cannyThickness, 1, 2);
        Assert.InRange(hedThickness, 3, 6);
        Assert.Contains(hed, v => v is > 0f and < 1f);
        Assert.All(Enumerable.Range(22, 84), x => Assert.Equal(1f, canny.Skip(36 * 128).Take(128).Concat(canny.Skip(35 * 128).Take(128)).Where((v, i) => i % 128 == x).Max()));
    }

    private static bool result_HasDetail(byte[] png) => png.Length > 100;

    private static double ColourError(RgbImage image, TskDocument document)
    {
        int[] field = Resampling.LinearField(document.ColorLayer!.ToThumbnail(), image.Width, image.Height);
        return image.Pixels.Select((v, i) => Math.Abs(v - field[i])).Average();
    }
}
