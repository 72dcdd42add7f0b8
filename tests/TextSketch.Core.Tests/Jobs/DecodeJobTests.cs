using System.Text.Json;
using TextSketch.Core.Decoding;
using TextSketch.Core.Decoding.Paint;
using TextSketch.Core.Decoding.Preview;
using TextSketch.Core.Encoder;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Jobs;
using TextSketch.Core.Tests.Support;
using TextSketch.TinyModels.Packs;
using DiffusionTinyPacks = TextSketch.Core.Tests.Decoding.Diffusion.TinyPacks;

namespace TextSketch.Core.Tests.Jobs;

/// <summary>The decode job without PowerShell: one decoder chosen by the rule, one pixel limit, one write path,
/// skip-existing with verification, and the log.</summary>
public sealed class DecodeJobTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _records;
    private readonly string _out;
    private readonly string _noModels;

    public DecodeJobTests()
    {
        _records = Directory.CreateDirectory(_folder.File("records")).FullName;
        _out = _folder.File("out");
        _noModels = Directory.CreateDirectory(_folder.File("no-models")).FullName;
        for (int i = 1; i <= 3; i++)
        {
            string photo = _folder.File($"p{i}.png");
            TestImages.Save(TestImages.Scene(96 + 8 * i, 64, i), photo);
            File.WriteAllBytes(Path.Combine(_records, $"p{i}.tsk"), TextSketchEncoder.Encode(photo, "a photo of a cat").Bytes);
        }
    }

    public void Dispose() => _folder.Dispose();

    private string Record(int i) => Path.Combine(_records, $"p{i}.tsk");

    private DecodeJobOptions Options(string decoder = "Auto") => new()
    {
        Destination = _out,
        Decode = new DecodeOptions { Decoder = decoder, ModelRoot = _noModels },
    };

    private static List<DecodeOutcome> RunAll(DecodeJob job, IEnumerable<DecodeSource> sources)
    {
        var outcomes = new List<DecodeOutcome>();
        foreach (DecodeSource source in sources)
        {
            outcomes.AddRange(job.Add(source));
        }

        outcomes.AddRange(job.Finish());
        return outcomes;
    }

    private IEnumerable<DecodeSource> Files(params int[] indices) => indices.Select(i => DecodeSource.FromFile(Record(i)));

    [Fact]
    public void WritesThePaintImageOfEachRecordAtItsSizeWithOneFallbackWarning()
    {
        var host = new RecordingHost();
        using var job = new DecodeJob(Options(), host);
        List<DecodeOutcome> outcomes = RunAll(job, Files(1, 2, 3));
        Assert.Equal("Paint", job.DecoderName);
        Assert.Single(host.Warnings);
        Assert.Contains("Install-TextSketchModel -Name sd15-canny", host.Warnings[0]);
        Assert.Equal([Record(1), Record(2), Record(3)], outcomes.Select(o => o.Source.File));
        foreach ((DecodeOutcome outcome, int i) in outcomes.Select((o, i) => (o, i + 1)))
        {
            Assert.Equal(JobItemStatus.Written, outcome.Status);
            Assert.Equal(Path.Combine(_out, $"p{i}.png"), outcome.Output);
            TskRecord record = TskFile.Read(File.ReadAllBytes(Record(i)), "r");
            // The one write path writes exactly the decoder's pixels (PNG is lossless).
            Assert.Equal(PaintDecoder.Decode(record.Document.Width, record.Document.Height, PaintDecoder.LayerOf(record.Document), record.Document.Sketch?.Bitmap).Pixels,
                ImageReader.Read(outcome.Output).Pixels);
        }
    }

    [Fact]
    public void RecordsFromMemoryAndTheSketchLayerNeedNoDecoder()
    {
        TskRecord record = TskFile.Read(File.ReadAllBytes(Record(1)), "r");
        using var job = new DecodeJob(Options() with { Layer = DecodeLayer.Sketch }, new RecordingHost());
        DecodeOutcome outcome = Assert.Single(RunAll(job, [DecodeSource.FromRecord(record, "/somewhere/p1.tsk")]));
        Assert.Null(job.DecoderName);
        Assert.Equal(Path.Combine(_out, "p1.sketch.png"), outcome.Output);
        RgbImage sketch = ImageReader.Read(outcome.Output);
        Assert.Equal((record.SketchWidth, record.SketchHeight), (sketch.Width, sketch.Height));
        Assert.Equal(SketchLayerImage.Render(record.Document, "p1").Pixels, sketch.Pixels);
    }

    [Fact]
    public void ExistingImagesAreErrorsUnlessSkippedWhenWholeOrForced()
    {
        using (var job = new DecodeJob(Options("Preview"), new RecordingHost()))
        {
            RunAll(job, Files(1, 2));
        }

        byte[] first = File.ReadAllBytes(Path.Combine(_out, "p1.png"));
        // p2.png cut off mid-write: not a whole image.
        byte[] second = File.ReadAllBytes(Path.Combine(_out, "p2.png"));
        File.WriteAllBytes(Path.Combine(_out, "p2.png"), second[..(second.Length / 2)]);
        using (var job = new DecodeJob(Options("Preview"), new RecordingHost()))
        {
            Assert.All(RunAll(job, Files(1, 2)), o => Assert.Equal("OutputExists", Assert.IsType<OutputExistsException>(o.Error).ErrorId));
        }

        using (var job = new DecodeJob(Options("Preview") with { SkipExisting = true }, new RecordingHost()))
        {
            Assert.Equal([JobItemStatus.Skipped, JobItemStatus.Written], RunAll(job, Files(1, 2)).Select(o => o.Status));
        }

        Assert.Equal(first, File.ReadAllBytes(Path.Combine(_out, "p1.png")));
        Assert.Equal(second, File.ReadAllBytes(Path.Combine(_out, "p2.png")));
        Assert.Equal("SkipExistingWithForce", Assert.Throws<TextSketchException>(() => new DecodeJob(Options() with { SkipExisting = true, Force = true }, new RecordingHost())).ErrorId);
    }

    [Fact]
    public void SameNamedRecordsGetDistinctImagesByTheEncodersRuleAndResumeToTheSameNames()
    {
        string other = Directory.CreateDirectory(_folder.File("other")).FullName;
        File.Copy(Record(2), Path.Combine(other, "p1.tsk"));
        DecodeSource[] sources = [DecodeSource.FromFile(Record(1)), DecodeSource.FromFile(Path.Combine(other, "p1.tsk"))];
        string log = _folder.File("expand.jsonl");
        var host = new RecordingHost();
        List<DecodeOutcome> first;
        using (var job = new DecodeJob(Options("Preview") with { LogPath = log }, host))
        {
            first = RunAll(job, sources);
            Assert.Equal(1, job.Summary.Renamed);
        }

        Assert.All(first, o => Assert.Null(o.Error));
        Assert.Equal([Path.Combine(Path.GetFullPath(_out), "p1.png"), Path.Combine(Path.GetFullPath(_out), "p1.tsk.png")], first.Select(o => o.Output));
        Assert.Equal((104, 64), PngSize(first[0].Output));
        Assert.Equal((112, 64), PngSize(first[1].Output));
        string warning = Assert.Single(host.Warnings, w => w.Contains("already the output of an earlier item", StringComparison.Ordinal));
        Assert.Contains("p1.tsk.png", warning, StringComparison.Ordinal);
        JsonElement renamed = File.ReadLines(log).Select(l => JsonDocument.Parse(l).RootElement).Single(e => e.TryGetProperty("clashedWith", out _));
        Assert.EndsWith("p1.png", renamed.GetProperty("clashedWith").GetString(), StringComparison.Ordinal);

        // The rerun (after Ctrl+C, say) maps each record to the same image: both skipped, no errors, nothing asked.
        var rerun = new RecordingHost();
        using (var job = new DecodeJob(Options("Preview") with { SkipExisting = true }, rerun))
        {
            Assert.Equal([JobItemStatus.Skipped, JobItemStatus.Skipped], RunAll(job, sources).Select(o => o.Status));
        }

        Assert.DoesNotContain(rerun.Asked, a => a.Action.StartsWith("Write", StringComparison.Ordinal));
    }

    [Fact]
    public void SkippedRecordsAreNeverAnnouncedAsWrites()
    {
        using (var job = new DecodeJob(Options("Preview"), new RecordingHost()))
        {
            RunAll(job, Files(1));
        }

        var whatIf = new RecordingHost { Allow = false };
        using (var job = new DecodeJob(Options("Preview") with { SkipExisting = true }, whatIf))
        {
            Assert.Equal([JobItemStatus.Skipped], RunAll(job, Files(1, 2)).Select(o => o.Status));
        }

        Assert.Equal([Path.Combine(Path.GetFullPath(_out), "p2.png")], whatIf.Asked.Where(a => a.Action.StartsWith("Write", StringComparison.Ordinal)).Select(a => a.Target));
        Assert.Contains(whatIf.Notes, n => n.StartsWith("Skipped '" + Record(1), StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(_out, "p2.png")));
    }

    private static (int Width, int Height) PngSize(string path)
    {
        RgbImage image = ImageReader.Read(path);
        return (image.Width, image.Height);
    }

    [Fact]
    public void ThePixelLimitRefusesARecordBeforeAnyDecoderRuns()
    {
        using var job = new DecodeJob(Options("Preview") with { Decode = new DecodeOptions { Decoder = "Preview", MaxPixels = 108 * 64 } }, new RecordingHost());
        List<DecodeOutcome> outcomes = RunAll(job, Files(1, 2));
        Assert.Equal(JobItemStatus.Written, outcomes[0].Status);
        TextSketchException e = Assert.IsType<TextSketchException>(outcomes[1].Error);
        Assert.Equal("RecordTooLarge", e.ErrorId);
        Assert.False(File.Exists(outcomes[1].Output));
    }

    [Fact]
    public void ARecordWhosePaintDecodeNeedsMoreMemoryThanTheProcessMayUseIsRefusedAlone()
    {
        // p1 is 104x64: 104 * 64 * 110 bytes = 732,160; p2 (112x64) needs 788,480.
        using var job = new DecodeJob(Options("Paint") with { AvailableMemoryBytes = 104 * 64 * PaintDecoder.WorkingBytesPerPixel }, new RecordingHost());
        List<DecodeOutcome> outcomes = RunAll(job, Files(1, 2));
        Assert.Equal(JobItemStatus.Written, outcomes[0].Status);
        TextSketchException e = Assert.IsType<TextSketchException>(outcomes[1].Error);
        Assert.Equal("DecodeNeedsMoreMemory", e.ErrorId);
        Assert.Contains("112x64", e.Message);
        Assert.False(File.Exists(outcomes[1].Output));
    }

    [Fact]
    public void AMemoryBudgetBelowOneRecordStillDecodesEveryRecordToTheSamePixels()
    {
        // A budget smaller than any record: the gate lets one decode in at a time, which changes timing only.
        using var job = new DecodeJob(Options("Paint") with { MemoryBudgetBytes = 1, ThrottleLimit = 3 }, new RecordingHost());
        List<DecodeOutcome> outcomes = RunAll(job, Files(1, 2, 3));
        foreach ((DecodeOutcome outcome, int i) in outcomes.Select((o, i) => (o, i + 1)))
        {
            Assert.Equal(JobItemStatus.Written, outcome.Status);
            TskRecord record = TskFile.Read(File.ReadAllBytes(Record(i)), "r");
            Assert.Equal(PaintDecoder.Decode(record.Document.Width, record.Document.Height, PaintDecoder.LayerOf(record.Document), record.Document.Sketch?.Bitmap).Pixels,
                ImageReader.Read(outcome.Output).Pixels);
        }
    }

    [Fact]
    public void BrokenRecordsFailAloneAndTheLogSaysWhy()
    {
        File.WriteAllText(Path.Combine(_records, "junk.tsk"), "junk");
        string log = _folder.File("expand.jsonl");
        using (var job = new DecodeJob(Options("Preview") with { LogPath = log }, new RecordingHost()))
        {
            List<DecodeOutcome> outcomes = RunAll(job, [DecodeSource.FromFile(Path.Combine(_records, "junk.tsk")), .. Files(1)]);
            Assert.Equal("TskNotARecord", Assert.IsType<TskFormatException>(outcomes[0].Error).ErrorId);
            Assert.Equal(JobItemStatus.Written, outcomes[1].Status);
        }

        JsonElement[] lines = File.ReadAllLines(log).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(["failed", "written"], lines[..2].Select(l => l.GetProperty("status").GetString()));
        Assert.Equal("TskNotARecord", lines[0].GetProperty("errorId").GetString());
        Assert.Equal(new FileInfo(Path.Combine(_out, "p1.png")).Length, lines[1].GetProperty("bytes").GetInt64());
        Assert.Equal(1, lines[2].GetProperty("summary").GetProperty("written").GetInt32());
    }

    [Fact]
    public void WhatIfWritesNothingAndPreparesNoDecoder()
    {
        var host = new RecordingHost { Allow = false };
        using var job = new DecodeJob(Options(), host);
        Assert.Empty(RunAll(job, Files(1)));
        Assert.False(Directory.Exists(_out));
        Assert.Empty(host.Warnings);
    }

    [Fact]
    public void TheDiffusionDecoderRunsOneRecordAtATimeOnTheCallersThreadWithStepProgress()
    {
        using var packs = new DiffusionTinyPacks();
        packs.Write("sd15-canny", new Sd15TinyOptions());
        var host = new RecordingHost();
        var options = new DecodeJobOptions { Destination = _out, Decode = new DecodeOptions { ModelRoot = packs.Root, Steps = 3, Strength = 1, Device = TextSketch.Core.Onnx.ExecutionDevice.Cpu } };
        using var job = new DecodeJob(options, host); // strength 1: every step runs (the default 0.8 would run floor(2.4) = 2)
        int thread = Environment.CurrentManagedThreadId;
        IReadOnlyList<DecodeOutcome> now = job.Add(DecodeSource.FromFile(Record(1)));
        // Decoded at once, not queued: its outcome comes back from Add.
        Assert.Equal(JobItemStatus.Written, Assert.Single(now).Status);
        Assert.Equal([1, 2, 3], host.Steps.Select(s => s.Progress.Step));
        Assert.All(host.Steps, s => Assert.Equal(Record(1), s.Item));
        Assert.Contains(host.Notes, n => n.Contains("pack 'sd15-canny' on CPUExecutionProvider", StringComparison.Ordinal));
        Assert.Contains(host.Notes, n => n.StartsWith($"'{Record(1)}' (seed ", StringComparison.Ordinal) && n.Contains("3 steps", StringComparison.Ordinal));
        Assert.Empty(host.Warnings);
        Assert.Equal(thread, Environment.CurrentManagedThreadId);
        RgbImage image = ImageReader.Read(now[0].Output);
        Assert.Equal((104, 64), (image.Width, image.Height));
        Assert.Empty(job.Finish());
    }
}
