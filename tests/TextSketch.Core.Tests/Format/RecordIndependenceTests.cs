using TextSketch.Core.Coding;
using TextSketch.Core.Coding.Text;
using TextSketch.Core.Decoding;
using TextSketch.Core.Encoder;
using TextSketch.Core.Format;
using TextSketch.Core.Jobs;
using TextSketch.Core.Tests.Support;
using TextSketch.Core.Text;

namespace TextSketch.Core.Tests.Format;

/// <summary>A record's bytes depend on the image and the options only, never on which packs are installed; a
/// token-coded caption reads back wherever its reader is given CLIP's vocabulary (-ModelRoot).</summary>
[Collection(EnvironmentCollection.Name)]
public sealed class RecordIndependenceTests : IDisposable
{
    // A caption CLIP's tokens store in fewer bits than the text coders: a writer that picked coders by what is
    // installed would token-code it wherever a CLIP pack is present.
    private const string Caption = "straße in münchen — 東京";

    private readonly TempFolder _folder = new();
    private readonly string _withClip;
    private readonly string _empty;

    public RecordIndependenceTests()
    {
        _withClip = Directory.CreateDirectory(_folder.File("with-clip")).FullName;
        _empty = Directory.CreateDirectory(_folder.File("empty")).FullName;
        ClipVocabularyPack.Write(_withClip);
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void TheFixturePackIsAStandardVocabularyAndTokensWouldBeCheaperForTheCaption()
    {
        ClipTokenizer vocabulary = ClipVocabulary.TryFind(_withClip)!;
        Assert.True(ClipVocabulary.IsStandard(vocabulary));
        Assert.Equal(ClipTokenCaptionCoder.CoderId, CaptionCoders.WithClipTokens(vocabulary).Cheapest(Caption).Id);
        Assert.NotEqual(ClipTokenCaptionCoder.CoderId, CaptionCoders.Builtin.Cheapest(Caption).Id);
    }

    [Fact]
    public void RecordBytesAreTheSameWithAndWithoutACLIPPackInstalled()
    {
        string photo = _folder.File("scene.png");
        TestImages.Save(TestImages.Scene(128, 96, 7), photo);
        string? saved = Environment.GetEnvironmentVariable("TEXTSKETCH_MODELS");
        try
        {
            var bytes = new List<byte[]>();
            foreach (string root in new[] { _empty, _withClip })
            {
                // Both ways a root can be given: the default root, and -ModelRoot through the job.
                Environment.SetEnvironmentVariable("TEXTSKETCH_MODELS", root);
                bytes.Add(TextSketchEncoder.Encode(photo, Caption).Bytes);
                using var job = new EncodeJob(new EncodeJobOptions { Caption = Caption, Models = new EncoderModelRequest { ModelRoot = root } }, new RecordingHost());
                bytes.Add(job.Add(photo).Concat(job.Finish()).Single().Record!.Bytes);
            }

            Assert.All(bytes, b => Assert.Equal(bytes[0], b));
            Assert.Equal(CaptionCoders.Builtin.Cheapest(Caption).Id, TskFile.Read(bytes[0], "scene.tsk").Document.CaptionCoder);
        }
        finally
        {
            Environment.SetEnvironmentVariable("TEXTSKETCH_MODELS", saved);
        }
    }

    [Fact]
    public void ATokenCodedCaptionWrittenWithModelRootXReadsBackWithModelRootX()
    {
        TskDocument document = Decoding.Diffusion.TinyPacks.Document(caption: Caption) with { CaptionCoder = ClipTokenCaptionCoder.CoderId };
        TskRecord written = TskFile.Write(document, RecordFiles.CodersFor(_withClip));
        string path = _folder.File("tokens.tsk");
        File.WriteAllBytes(path, written.Bytes);

        TskRecord read = RecordFiles.Read(path, RecordFiles.CodersFor(_withClip));
        Assert.Equal(Caption, read.Document.Caption);
        Assert.Equal(ClipTokenCaptionCoder.CoderId, read.Document.CaptionCoder);
        Assert.Equal(document, read.Document);

        // Elsewhere the reader says what is missing instead of guessing.
        TskFormatException e = Assert.Throws<TskFormatException>(() => RecordFiles.Read(path, RecordFiles.CodersFor(_empty)));
        Assert.Equal("TskMalformed", e.ErrorId);
        Assert.Contains("-ModelRoot", e.Message);
        Assert.Throws<ArgumentException>(() => TskFile.Write(document, RecordFiles.CodersFor(_empty)));

        // And the decode job, given that -ModelRoot, decodes the file.
        using var job = new DecodeJob(new DecodeJobOptions { Destination = _folder.File("out"), Decode = new DecodeOptions { Decoder = "Preview", ModelRoot = _withClip } }, new RecordingHost());
        Assert.Equal(JobItemStatus.Written, job.Add(DecodeSource.FromFile(path)).Concat(job.Finish()).Single().Status);
    }
}
