using TextSketch.Core.Decoding;
using TextSketch.Core.Decoding.Diffusion;
using TextSketch.Core.Format;
using TextSketch.Core.Models;
using TextSketch.Core.Onnx;
using TextSketch.Core.Sketch;
using TextSketch.TinyModels.Packs;
using DiffusionTinyPacks = TextSketch.Core.Tests.Decoding.Diffusion.TinyPacks;

namespace TextSketch.Core.Tests.Decoding;

/// <summary>Auto decodes each record with a ControlNet trained on its kind of sketch: canny for the built-in
/// detector's, the soft-edge and HED ControlNets for learned soft-edge sketches.</summary>
public class SketchModelDecoderTests
{
    [Theory]
    [InlineData(SketchSource.BuiltIn, "sd15-canny", "sd15-canny")]
    [InlineData(SketchSource.Hed, "sd15-hed", "sd15-hed")]
    [InlineData(SketchSource.PiDiNet, "sd15-hed", "sd15-softedge")]
    public void Auto_prefers_the_controlnet_of_the_sketch_model(SketchSource source, string withoutSoftEdge, string withAll)
    {
        using var packs = new DiffusionTinyPacks();
        packs.Write("sd15-canny", new Sd15TinyOptions());
        packs.Write("sd15-hed", new Sd15TinyOptions());
        Assert.Equal(withoutSoftEdge, DiffusionPacks.FindDefault(packs.Root, source)!.Name);

        packs.Write("sd15-softedge", new Sd15TinyOptions());
        Assert.Equal(withAll, DiffusionPacks.FindDefault(packs.Root, source)!.Name);
    }

    [Fact]
    public void Any_installed_pack_decodes_a_learned_sketch_when_its_own_is_missing()
    {
        using var packs = new DiffusionTinyPacks();
        packs.Write("sd15-canny", new Sd15TinyOptions());
        Assert.Equal("sd15-canny", DiffusionPacks.FindDefault(packs.Root, SketchSource.PiDiNet)!.Name);
    }

    [Fact]
    public void The_decoder_opens_the_pack_each_record_prefers_and_a_named_pack_decodes_all()
    {
        using var packs = new DiffusionTinyPacks();
        packs.Write("sd15-canny", new Sd15TinyOptions());
        packs.Write("sd15-hed", new Sd15TinyOptions());
        TskRecord builtIn = TskFile.Write(DiffusionTinyPacks.Document());
        TskRecord pidinet = TskFile.Write(DiffusionTinyPacks.Document() with { SketchSource = SketchSource.PiDiNet });
        var auto = new DecodeOptions { ModelRoot = packs.Root, Steps = 2, Device = ExecutionDevice.Cpu };

        Assert.Equal(["sd15-canny", "sd15-hed"], Opened(auto, builtIn, pidinet));
        Assert.Equal(["sd15-canny"], Opened(auto with { ModelPack = "sd15-canny" }, pidinet));
    }

    [Fact]
    public void A_run_of_pidinet_records_opens_only_the_soft_edge_pack()
    {
        using var packs = new DiffusionTinyPacks();
        packs.Write("sd15-canny", new Sd15TinyOptions());
        packs.Write("sd15-softedge", new Sd15TinyOptions());
        TskRecord pidinet = TskFile.Write(DiffusionTinyPacks.Document() with { SketchSource = SketchSource.PiDiNet });
        var auto = new DecodeOptions { ModelRoot = packs.Root, Steps = 2, Device = ExecutionDevice.Cpu };

        var messages = new Messages();
        Assert.Equal(["sd15-softedge"], Opened(auto, messages, pidinet, pidinet));
        Assert.DoesNotContain(messages.Verbose, m => m.Contains("sd15-canny", StringComparison.Ordinal));
    }

    [Fact]
    public void A_broken_default_pack_fails_only_the_records_routed_to_it()
    {
        using var packs = new DiffusionTinyPacks();
        packs.Write("sd15-canny", new Sd15TinyOptions { PlainUnet = true });
        packs.Write("sd15-softedge", new Sd15TinyOptions());
        TskRecord builtIn = TskFile.Write(DiffusionTinyPacks.Document());
        TskRecord pidinet = TskFile.Write(DiffusionTinyPacks.Document() with { SketchSource = SketchSource.PiDiNet });
        var auto = new DecodeOptions { ModelRoot = packs.Root, Steps = 2, Device = ExecutionDevice.Cpu };
        var messages = new Messages();
        using DiffusionDecoder decoder = DiffusionDecoder.Open(auto);
        decoder.Prepare(messages);

        Assert.Equal(pidinet.Document.Width, decoder.Decode(pidinet, auto, null, CancellationToken.None).Image.Width);
        ModelPackException first = Assert.Throws<ModelPackException>(() => decoder.Decode(builtIn, auto, null, CancellationToken.None));
        ModelPackException again = Assert.Throws<ModelPackException>(() => decoder.Decode(builtIn, auto, null, CancellationToken.None));
        Assert.Equal("ModelSignatureMismatch", first.ErrorId);
        Assert.Same(first, again);
        Assert.Equal(1, messages.Verbose.Count(m => m.StartsWith("Opening the diffusion pack 'sd15-canny'", StringComparison.Ordinal)));
        Assert.Equal(pidinet.Document.Width, decoder.Decode(pidinet, auto, null, CancellationToken.None).Image.Width);
    }

    [Fact]
    public void Only_a_soft_edge_pack_installed_decodes_pidinet_records()
    {
        using var packs = new DiffusionTinyPacks();
        packs.Write("sd15-softedge", new Sd15TinyOptions());
        TskRecord pidinet = TskFile.Write(DiffusionTinyPacks.Document() with { SketchSource = SketchSource.PiDiNet });
        var auto = new DecodeOptions { ModelRoot = packs.Root, Steps = 2, Device = ExecutionDevice.Cpu };
        Assert.Equal(["sd15-softedge"], Opened(auto, new Messages(), pidinet));
    }

    private static List<string> Opened(DecodeOptions options, params TskRecord[] records) => Opened(options, new Messages(), records);

    private static List<string> Opened(DecodeOptions options, Messages messages, params TskRecord[] records)
    {
        using DiffusionDecoder decoder = DiffusionDecoder.Open(options);
        decoder.Prepare(messages);
        foreach (TskRecord record in records)
        {
            DecodedImage image = decoder.Decode(record, options, null, CancellationToken.None);
            Assert.Equal((record.Document.Width, record.Document.Height), (image.Image.Width, image.Image.Height));
        }

        return messages.Verbose.Where(m => m.StartsWith("Diffusion decoder: pack '", StringComparison.Ordinal))
            .Select(m => m.Split('\'')[1]).ToList();
    }

    private sealed class Messages : IMessageSink
    {
        public List<string> Verbose { get; } = [];

        void IMessageSink.Warning(string message)
        {
        }

        void IMessageSink.Verbose(string message) => Verbose.Add(message);
    }
}
