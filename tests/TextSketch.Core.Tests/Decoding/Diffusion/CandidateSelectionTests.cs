using TextSketch.Core.Decoding.Diffusion;
using TextSketch.Core.Format;
using TextSketch.Core.Models;
using TextSketch.Core.Encoder;
using TextSketch.Core.Tests.Support;
using TextSketch.TinyModels;
using TextSketch.TinyModels.Packs;

namespace TextSketch.Core.Tests.Decoding.Diffusion;

public class CandidateSelectionTests
{
    [Fact]
    public void KeepsTheClosestOfNSeedsAndItsSeedReproducesIt()
    {
        using var packs = new TinyPacks();
        packs.Write("sd15-canny", new Sd15TinyOptions());
        TinyPackWriter.Write(ModelManifest.Load(Path.Combine(TinyPacks.RepositoryModels, "clip-vit-b32.json")), packs.Root);
        using var folder = new TempFolder();
        string source = folder.File("scene.png");
        TestImages.Save(TestImages.Scene(96, 64, 3), source);

        using EncoderModels models = EncoderModels.Open(new EncoderModelRequest { ModelRoot = packs.Root, Candidates = 4 });
        EncoderOptions options = models.Apply(EncoderOptions.Default);
        TskRecord record = TextSketchEncoder.Encode(source, "a photo of a cat", options);

        var selector = (CandidateSelector)models.CandidateSelector!;
        CandidateChoice choice = record.Document.Candidate!;
        Assert.Equal(2, choice.Bits);
        Assert.Equal(4, selector.LastScores.Count);
        Assert.Equal(selector.LastScores.Max(), selector.LastScores[choice.Index]);
        Assert.Equal(selector.LastScores.ToList().IndexOf(selector.LastScores.Max()), choice.Index);

        // The seed comes from the record's own bytes (its checksum), as for every record: the stored index makes each
        // candidate's bytes, and so its seed, different.
        uint crc = Crc32.Compute(record.Bytes.AsSpan(0, record.Bytes.Length - 4));
        Assert.Equal((int)(crc & 0x7FFFFFFF), record.Seed);
        TskRecord read = TskFile.Read(record.Bytes, "scene.tsk");
        Assert.Equal(choice, read.Document.Candidate);
        Assert.Equal(record.Seed, read.Seed);
        // Without the choice the record is the same but for the index.
        Assert.Equal(TextSketchEncoder.Encode(source, "a photo of a cat").Document, record.Document with { Candidate = null });
    }

    [Fact]
    public void TheChoiceStaysWithinAHardBudget()
    {
        using var packs = new TinyPacks();
        packs.Write("sd15-canny", new Sd15TinyOptions());
        TinyPackWriter.Write(ModelManifest.Load(Path.Combine(TinyPacks.RepositoryModels, "clip-vit-b32.json")), packs.Root);
        using var folder = new TempFolder();
        string source = folder.File("scene.png");
        TestImages.Save(TestImages.Scene(160, 120, 5), source);

        using EncoderModels models = EncoderModels.Open(new EncoderModelRequest { ModelRoot = packs.Root, Candidates = 3 });
        TskRecord record = TextSketchEncoder.Encode(source, "a photo of a cat", models.Apply(EncoderOptions.Default with { MaxBytes = 60 }));
        Assert.True(record.Bytes.Length <= 60, $"{record.Bytes.Length} bytes");
        Assert.Equal(2, record.Document.Candidate!.Bits);
    }

    [Fact]
    public void CandidatesWithoutTheirPacksNameWhatToInstall()
    {
        using var packs = new TinyPacks();
        ModelPackException e = Assert.Throws<ModelPackException>(() => EncoderModels.Open(new EncoderModelRequest { ModelRoot = packs.Root, Candidates = 2 }));
        Assert.Contains("Install-TextSketchModel -Name sd15-canny", e.Message);
        packs.Write("sd15-canny", new Sd15TinyOptions());
        e = Assert.Throws<ModelPackException>(() => EncoderModels.Open(new EncoderModelRequest { ModelRoot = packs.Root, Candidates = 2 }));
        Assert.Contains("clip-vit-b32", e.Message);
    }

    [Fact]
    public void CandidateIndexMustFitItsBits()
    {
        TskDocument document = TinyPacks.Document();
        Assert.Throws<ArgumentException>(() => TskFile.Write(document with { Candidate = new CandidateChoice(2, 4) }));
        Assert.Throws<ArgumentException>(() => TskFile.Write(document with { Candidate = new CandidateChoice(0, 0) }));
        TskRecord written = TskFile.Write(document with { Candidate = new CandidateChoice(6, 63) });
        Assert.Equal(new CandidateChoice(6, 63), TskFile.Read(written.Bytes, "c.tsk").Document.Candidate);
    }
}
