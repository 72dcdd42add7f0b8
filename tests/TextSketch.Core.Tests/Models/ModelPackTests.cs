using TextSketch.Core.Caption;
using TextSketch.Core.Clip;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Models;
using TextSketch.Core.Onnx;
using TextSketch.Core.Encoder;
using TextSketch.Core.Sketch;
using TextSketch.Core.Tests.Support;

namespace TextSketch.Core.Tests.Models;

/// <summary>Every model path, driven through the tiny packs (mechanics, not quality: the weights are random).</summary>
public sealed class ModelPackTests
{
    private static readonly RgbImage Photo = TestImages.Scene(192, 128, seed: 7);

    [Fact]
    public void HedSketchIsThinDeterministicAndFollowsEdges()
    {
        var sessions = new OnnxSessionFactory(ExecutionDevice.Cpu, intraOpThreads: 1);
        using var hed = new HedSketchDetector(InstalledPack.Require(TinyPacks.ModelRoot, "hed"), sessions);
        RgbImage image = TestImages.Rectangle(160, 120, 40, 30, 120, 90);

        BitPlane first = hed.Detect(image, 80, 60, SketchOptions.Default).Edges;
        BitPlane second = hed.Detect(image, 80, 60, SketchOptions.Default).Edges;

        Assert.Equal(first, second);
        Assert.InRange(first.CountSet(), 60, 400);
        // Edges lie on the rectangle's outline (sketch pixels 20..60 x 15..45), not in flat areas.
        Assert.Equal(0, first.GetOrZero(5, 5) + first.GetOrZero(40, 30) + first.GetOrZero(75, 55));
        Assert.Contains(Enumerable.Range(15, 31), y => first[20, y] || first[19, y] || first[21, y]);
    }

    [Fact]
    public void SoftEdgeThinningMakesOnePixelLines()
    {
        // A soft vertical ridge three pixels wide.
        const int W = 40, H = 30;
        var map = new float[W * H];
        for (int y = 0; y < H; y++)
        {
            map[y * W + 19] = 0.6f;
            map[y * W + 20] = 0.9f;
            map[y * W + 21] = 0.6f;
        }

        EdgeMap map2 = SoftEdgeThinning.ToSketch(map, W, H, W, H, 0.5, 0.25, 5);
        BitPlane sketch = map2.Edges;
        Assert.All(Enumerable.Range(0, H), y => Assert.Equal(SoftEdgeThinning.RateStrength(900), map2.Strength[y * W + 20]));

        Assert.Equal(H, sketch.CountSet());
        Assert.All(Enumerable.Range(0, H), y => Assert.True(sketch[20, y]));
    }

    [Fact]
    public void FlorenceCaptionerWritesADeterministicCaption()
    {
        var sessions = new OnnxSessionFactory(ExecutionDevice.Cpu, intraOpThreads: 1);
        using var florence = new Florence2Captioner(InstalledPack.Require(TinyPacks.ModelRoot, "florence2-base"), sessions);

        string? caption = florence.Caption(Photo);

        Assert.False(string.IsNullOrWhiteSpace(caption));
        Assert.Equal(caption, florence.Caption(Photo));
        Assert.InRange(florence.Generate(Photo).Count, 1, 32);
        Assert.True(caption!.Length <= CaptionText.MaxMetadataCharacters);
    }

    [Fact]
    public void ClipEmbeddingsAreNormalised()
    {
        using ClipEncoder clip = ClipEncoder.TryOpen(TinyPacks.ModelRoot)!;

        float[] image = clip.EmbedImage(Photo);
        float[] text = clip.EmbedText("a photo of a cat");

        Assert.Equal(image.Length, text.Length);
        Assert.Equal(1.0, ClipEncoder.Cosine(image, image), 4);
        Assert.Equal(1.0, ClipEncoder.Cosine(text, text), 4);
        Assert.Equal(image, clip.EmbedImage(Photo));
        Assert.Null(ClipEncoder.TryOpen(Path.Combine(TinyPacks.ModelRoot, "nowhere")));
    }

    [Fact]
    public void PromptInversionFindsAFixedLengthPromptThatBeatsEveryWordAlone()
    {
        using ClipEncoder clip = ClipEncoder.TryOpen(TinyPacks.ModelRoot)!;
        var inverter = new ClipPromptInverter(clip, promptTokens: 6);
        float[] image = clip.EmbedImage(Photo);

        PromptInversionResult result = inverter.Invert(Photo);

        Assert.Equal(6, result.Tokens.Length);
        Assert.Equal(result.Tokens, inverter.Invert(Photo).Tokens);
        Assert.InRange(result.Evaluations, 1, inverter.MaxEvaluations);
        Assert.True(result.Tokens.SequenceEqual(clip.Tokenizer.EncodeTokens(result.Text)), $"{result.Text}: {string.Join(",", result.Tokens)} vs {string.Join(",", clip.Tokenizer.EncodeTokens(result.Text))}");
        Assert.Equal(result.Similarity, ClipEncoder.Cosine(image, clip.EmbedText(result.Text)), 4);
        double bestWord = result.Text.Split(' ').Max(w => ClipEncoder.Cosine(image, clip.EmbedText(w)));
        Assert.True(result.Similarity >= bestWord - 1e-6, $"{result.Similarity} < {bestWord}");
    }

    [Fact]
    public void PromptInversionStopsAtItsEvaluationBudget()
    {
        using ClipEncoder clip = ClipEncoder.TryOpen(TinyPacks.ModelRoot)!;
        var inverter = new ClipPromptInverter(clip, promptTokens: 16, maxEvaluations: 50);

        PromptInversionResult result = inverter.Invert(Photo);

        Assert.Equal(50, result.Evaluations);
        Assert.InRange(result.Tokens.Length, 1, 2);
    }

    [Fact]
    public void EncoderUsesTheModelsAndStaysDeterministic()
    {
        using var folder = new TempFolder();
        string path = folder.File("photo.png");
        TestImages.Save(Photo, path);
        using EncoderModels models = EncoderModels.Open(new EncoderModelRequest { Captioner = "florence2-base", SketchModel = "hed", ModelRoot = TinyPacks.ModelRoot });
        EncoderOptions options = models.Apply(EncoderOptions.Default);

        TskRecord first = TextSketchEncoder.Encode(path, null, options);
        TskRecord second = TextSketchEncoder.Encode(path, null, options);
        TskRecord builtIn = TextSketchEncoder.Encode(path, null, EncoderOptions.Default);

        Assert.Equal(first.Bytes, second.Bytes);
        Assert.Equal(CaptionSource.Model, first.Document.CaptionSource);
        Assert.False(string.IsNullOrEmpty(first.Document.Caption));
        Assert.NotEqual(builtIn.SketchBytes, first.SketchBytes);
        Assert.Equal(CaptionSource.Explicit, TextSketchEncoder.Encode(path, "given", options).Document.CaptionSource);
        Assert.Equal(CaptionSource.None, TextSketchEncoder.Encode(path, "", options).Document.CaptionSource);
    }

    [Fact]
    public void ClipCaptionerRecordsAModelCaption()
    {
        using var folder = new TempFolder();
        string path = folder.File("photo.png");
        TestImages.Save(Photo, path);
        using EncoderModels models = EncoderModels.Open(new EncoderModelRequest { Captioner = "clip-vit-b32", PromptTokens = 4, ModelRoot = TinyPacks.ModelRoot });

        TskRecord record = TextSketchEncoder.Encode(path, null, models.Apply(EncoderOptions.Default with { Mode = TextSketchMode.Text }));

        Assert.Equal(CaptionSource.Model, record.Document.CaptionSource);
        Assert.InRange(record.Document.Caption!.Split(' ').Length, 1, 4);
    }

    [Fact]
    public void AMissingPackNamesTheInstallCommand()
    {
        var error = Assert.Throws<ModelPackException>(() =>
            EncoderModels.Open(new EncoderModelRequest { SketchModel = "hed", ModelRoot = Path.Combine(TinyPacks.ModelRoot, "empty") }));

        Assert.Equal("ModelPackNotInstalled", error.ErrorId);
        Assert.Contains("Install-TextSketchModel -Name hed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AWrongExportListsExpectedAndFoundInputs()
    {
        using var folder = new TempFolder();
        string pack = Path.Combine(folder.Path, "hed");
        Directory.CreateDirectory(pack);
        // A CLIP text model where the HED model should be.
        File.Copy(Path.Combine(TinyPacks.ModelRoot, "clip-vit-b32", "onnx", "text_model.onnx"), Path.Combine(pack, "hed.onnx"));
        File.WriteAllText(Path.Combine(pack, "manifest.json"),
            """{ "name": "hed", "kind": "Sketch", "files": [ { "path": "hed.onnx", "role": "hed" } ] }""");

        var error = Assert.Throws<ModelPackException>(() => EncoderModels.Open(new EncoderModelRequest { SketchModel = "hed", ModelRoot = folder.Path }));

        Assert.Equal("ModelSignatureMismatch", error.ErrorId);
        Assert.Contains("missing input input: float[rank 4]", error.Message, StringComparison.Ordinal);
        Assert.Contains("Found inputs input_ids: int64[rank 2]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APackOfTheWrongKindIsRefused()
    {
        var error = Assert.Throws<ModelPackException>(() => EncoderModels.Open(new EncoderModelRequest { SketchModel = "florence2-base", ModelRoot = TinyPacks.ModelRoot }));

        Assert.Equal("ModelPackWrongKind", error.ErrorId);
    }
}

public class OnnxSignatureCheckTests
{
    [Fact]
    public void AFilesSignatureIsCheckableOnItsOwn()
    {
        string hed = InstalledPack.Require(TinyPacks.ModelRoot, "hed").PathOf(HedSketchDetector.ModelRole);
        OnnxSignature.Check(hed, "hed/hed.onnx", HedSketchDetector.Signature);

        string clipText = InstalledPack.Require(TinyPacks.ModelRoot, "clip-vit-b32").PathOf("text_model");
        ModelPackException wrong = Assert.Throws<ModelPackException>(() => OnnxSignature.Check(clipText, "hed/hed.onnx", HedSketchDetector.Signature));
        Assert.Equal("ModelSignatureMismatch", wrong.ErrorId);
        Assert.Contains("missing input input: float[rank 4]", wrong.Message);
        Assert.Contains("Found inputs input_ids", wrong.Message);

        using var folder = new TempFolder();
        File.WriteAllBytes(folder.File("junk.onnx"), [1, 2, 3, 4]);
        Assert.Equal("ModelLoadFailed", Assert.Throws<ModelPackException>(() => OnnxSignature.Check(folder.File("junk.onnx"), "junk", HedSketchDetector.Signature)).ErrorId);
    }
}
