using TextSketch.Core.Coding;
using TextSketch.Core.Format;
using TextSketch.Core.Jobs;
using TextSketch.Core.Sketch;
using TextSketch.Core.Tests.Support;
using DiffusionTinyPacks = TextSketch.Core.Tests.Decoding.Diffusion.TinyPacks;

namespace TextSketch.Core.Tests.Format;

/// <summary>Records name the detector that drew their sketch (format.md, item 5: the trailer's value 7).</summary>
public class SketchSourceTests
{
    [Theory]
    [InlineData(SketchSource.BuiltIn)]
    [InlineData(SketchSource.Hed)]
    [InlineData(SketchSource.PiDiNet)]
    [InlineData((SketchSource)200)]
    public void The_sketch_model_reads_back(SketchSource source)
    {
        TskDocument document = DiffusionTinyPacks.Document() with { SketchSource = source, Candidate = new CandidateChoice(2, 3) };

        TskRecord read = TskFile.Read(TskFile.Write(document).Bytes, "test");

        Assert.Equal(source, read.Document.SketchSource);
        Assert.Equal(new CandidateChoice(2, 3), read.Document.Candidate);
        Assert.Equal(document.Sketch!.Bitmap, read.Document.Sketch!.Bitmap);
    }

    [Fact]
    public void Naming_a_learned_model_costs_at_most_two_bytes_and_the_builtin_detector_nothing()
    {
        TskDocument document = DiffusionTinyPacks.Document();
        TskRecord builtIn = TskFile.Write(document);
        TskRecord pidinet = TskFile.Write(document with { SketchSource = SketchSource.PiDiNet });

        Assert.InRange(pidinet.Bytes.Length - builtIn.Bytes.Length, 0, 2);
        Assert.NotEqual(builtIn.Bytes, pidinet.Bytes);
        Assert.Equal(builtIn.Rate.SketchBits, pidinet.Rate.SketchBits);
    }

    /// <summary>assets/clip-tokens.tsk was written before sketch models were named: it reads as the built-in
    /// detector's and writes back to the very same bytes.</summary>
    [Fact]
    public void A_record_written_before_sketch_models_were_named_keeps_its_bytes()
    {
        using var root = new TempFolder();
        ClipVocabularyPack.Write(root.Path);
        CaptionCoders coders = RecordFiles.CodersFor(root.Path);
        byte[] old = File.ReadAllBytes(Path.Combine(TinyPacks.ManifestDirectory, "..", "tests", "Pester", "assets", "clip-tokens.tsk"));

        TskRecord read = TskFile.Read(old, "clip-tokens.tsk", coders);

        Assert.Equal(SketchSource.BuiltIn, read.Document.SketchSource);
        Assert.NotNull(read.Document.Sketch);
        Assert.Equal(old, TskFile.Write(read.Document, coders).Bytes);
    }

    [Fact]
    public void A_text_record_cannot_name_a_sketch_model()
    {
        TskDocument text = DiffusionTinyPacks.Document(withSketch: false) with { SketchSource = SketchSource.Hed };
        Assert.Throws<ArgumentException>(() => TskFile.Write(text));

        // Bytes that do so anyway (written by hand) are malformed, as are a trailer past 7 and a second escape.
        Assert.Equal(TskFormatError.Malformed, Assert.Throws<TskFormatException>(() => TskFile.Read(TextRecord(e => Escape(e, 2)), "x")).Error);
        Assert.Equal(TskFormatError.Malformed, Assert.Throws<TskFormatException>(() => TskFile.Read(TextRecord(e => Gamma(e, 9)), "x")).Error);
    }

    /// <summary>A 64x64 Text-mode record with no caption and no colour whose trailer <paramref name="trailer"/> writes.</summary>
    private static byte[] TextRecord(Action<RangeEncoder> trailer)
    {
        const int Usual = 61440;
        var stream = new RangeEncoder();
        stream.EncodeDirect(0, 2); // no caption
        stream.Encode(0, Usual); // no colour
        stream.Encode(0, Usual); // the trailer is not its usual 0: its value + 1 follows in Elias-gamma
        trailer(stream);
        byte[] body = [TskFile.Magic, (1 << 5) | (1 << 4) | 6, 1, 1, .. stream.Finish()];
        uint crc = Crc32.Compute(body);
        return [.. body, (byte)crc, (byte)(crc >> 8), (byte)(crc >> 16), (byte)(crc >> 24)];
    }

    private static void Escape(RangeEncoder e, uint id)
    {
        Gamma(e, 8);
        Gamma(e, id);
        e.Encode(1, 61440);
    }

    private static void Gamma(RangeEncoder e, uint v)
    {
        int length = 31 - System.Numerics.BitOperations.LeadingZeroCount(v);
        e.EncodeDirect(0, length);
        e.EncodeDirect(v, length + 1);
    }
}
