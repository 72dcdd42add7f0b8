using System.Text.Json;
using TextSketch.Core.Encoder;
using TextSketch.Core.Format;
using TextSketch.Core.Jobs;
using TextSketch.Core.Tests.Support;

namespace TextSketch.Core.Tests.Jobs;

/// <summary>The encode job without PowerShell: planning, skip-existing with verification, atomic writes, source
/// removal and the log, with a recording host standing in for the cmdlet.</summary>
public sealed class EncodeJobTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _photos;
    private readonly string _out;

    public EncodeJobTests()
    {
        _photos = Directory.CreateDirectory(_folder.File("photos")).FullName;
        _out = _folder.File("out");
        for (int i = 1; i <= 4; i++)
        {
            TestImages.Save(TestImages.Scene(96, 64, i), Path.Combine(_photos, $"p{i}.png"));
        }
    }

    public void Dispose() => _folder.Dispose();

    private string Photo(int i) => Path.Combine(_photos, $"p{i}.png");

    private static List<EncodeOutcome> RunAll(EncodeJob job, IEnumerable<string> sources)
    {
        var outcomes = new List<EncodeOutcome>();
        foreach (string source in sources)
        {
            outcomes.AddRange(job.Add(source));
        }

        outcomes.AddRange(job.Finish());
        return outcomes;
    }

    [Fact]
    public void WritesEachRecordAtomicallyInInputOrderWhateverTheThreadCount()
    {
        string[] sources = Enumerable.Range(1, 4).Select(Photo).ToArray();
        var runs = new List<List<EncodeOutcome>>();
        foreach (int threads in new[] { 1, 3 })
        {
            string destination = _folder.File($"out{threads}");
            using var job = new EncodeJob(new EncodeJobOptions { Destination = destination, ThrottleLimit = threads }, new RecordingHost());
            runs.Add(RunAll(job, sources));
            Assert.Empty(Directory.GetFiles(destination, "*.tmp", new EnumerationOptions { AttributesToSkip = 0 }));
        }

        Assert.Equal(sources, runs[0].Select(o => o.Source));
        Assert.All(runs[0], o => Assert.Equal(JobItemStatus.Written, o.Status));
        for (int i = 0; i < sources.Length; i++)
        {
            Assert.Equal(runs[0][i].Record!.Bytes, runs[1][i].Record!.Bytes);
            Assert.Equal(runs[0][i].Record!.Bytes, File.ReadAllBytes(runs[0][i].Destination!));
            // The same bytes the encoder gives on its own.
            Assert.Equal(TextSketchEncoder.Encode(sources[i], null).Bytes, runs[0][i].Record!.Bytes);
        }
    }

    [Fact]
    public void AnExistingOutputIsAnErrorWithoutForceAndReplacedWithIt()
    {
        Directory.CreateDirectory(_out);
        File.WriteAllText(Path.Combine(_out, "p1.tsk"), "someone else's file");
        using (var job = new EncodeJob(new EncodeJobOptions { Destination = _out }, new RecordingHost()))
        {
            EncodeOutcome outcome = Assert.Single(RunAll(job, [Photo(1)]));
            Assert.Equal(JobItemStatus.Failed, outcome.Status);
            Assert.Equal("OutputExists", Assert.IsType<OutputExistsException>(outcome.Error).ErrorId);
            Assert.Equal("someone else's file", File.ReadAllText(Path.Combine(_out, "p1.tsk")));
        }

        using (var job = new EncodeJob(new EncodeJobOptions { Destination = _out, Force = true }, new RecordingHost()))
        {
            Assert.Equal(JobItemStatus.Written, Assert.Single(RunAll(job, [Photo(1)])).Status);
            Assert.NotNull(TskFile.Read(File.ReadAllBytes(Path.Combine(_out, "p1.tsk")), "p1.tsk"));
        }
    }

    [Fact]
    public void SkipExistingKeepsValidRecordsAndReplacesBrokenOnes()
    {
        using (var first = new EncodeJob(new EncodeJobOptions { Destination = _out }, new RecordingHost()))
        {
            RunAll(first, [Photo(1)]);
        }

        byte[] kept = File.ReadAllBytes(Path.Combine(_out, "p1.tsk"));
        File.WriteAllBytes(Path.Combine(_out, "p2.tsk"), kept[..5]);
        var host = new RecordingHost();
        using var job = new EncodeJob(new EncodeJobOptions { Destination = _out, SkipExisting = true }, host);
        List<EncodeOutcome> outcomes = RunAll(job, [Photo(1), Photo(2)]);
        Assert.Equal([JobItemStatus.Skipped, JobItemStatus.Written], outcomes.Select(o => o.Status));
        Assert.Equal(kept, outcomes[0].Record!.Bytes);
        Assert.Equal(TextSketchEncoder.Encode(Photo(2), null).Bytes, File.ReadAllBytes(Path.Combine(_out, "p2.tsk")));
        Assert.Contains(host.Notes, n => n.StartsWith("Skipped", StringComparison.Ordinal));
        Assert.Equal(1, job.Summary.Skipped);
        Assert.Equal(1, job.Summary.Written);
        // The skipped source is never announced as a write (-WhatIf, -Verbose, -Confirm): only the replaced one is.
        Assert.Equal([Path.Combine(Path.GetFullPath(_out), "p2.tsk")], host.Asked.Where(a => a.Action.StartsWith("Write", StringComparison.Ordinal)).Select(a => a.Target));
    }

    [Fact]
    public void SameNamedSourcesGetDistinctRecordsWithAWarningAndResumeToTheSameNames()
    {
        string other = Directory.CreateDirectory(_folder.File("other")).FullName;
        File.Copy(Photo(2), Path.Combine(other, "p1.png"));
        string[] sources = [Photo(1), Path.Combine(other, "p1.png"), Photo(3)];
        var host = new RecordingHost();
        List<EncodeOutcome> first;
        using (var job = new EncodeJob(new EncodeJobOptions { Destination = _out, Caption = "a photo" }, host))
        {
            first = RunAll(job, sources);
            Assert.Equal(1, job.Summary.Renamed);
        }

        string dest = Path.GetFullPath(_out);
        Assert.Equal([Path.Combine(dest, "p1.tsk"), Path.Combine(dest, "p1.png.tsk"), Path.Combine(dest, "p3.tsk")], first.Select(o => o.Destination));
        Assert.Contains("'" + Path.Combine(other, "p1.png") + "' is written as '" + Path.Combine(dest, "p1.png.tsk") + "'", Assert.Single(host.Warnings), StringComparison.Ordinal);

        var rerun = new RecordingHost();
        using (var job = new EncodeJob(new EncodeJobOptions { Destination = _out, Caption = "a photo", SkipExisting = true }, rerun))
        {
            List<EncodeOutcome> again = RunAll(job, sources);
            Assert.All(again, o => Assert.Equal(JobItemStatus.Skipped, o.Status));
            Assert.Equal(first.Select(o => o.Record!.Bytes), again.Select(o => o.Record!.Bytes));
        }

        Assert.DoesNotContain(rerun.Asked, a => a.Action.StartsWith("Write", StringComparison.Ordinal));
    }

    [Fact]
    public void RemovesASourceOnlyAfterItsRecordIsVerifiedAndNeverAForeignRecordsSource()
    {
        Directory.CreateDirectory(_out);
        // A valid record of another image under p1's name, and p3's own record.
        File.WriteAllBytes(Path.Combine(_out, "p1.tsk"), TextSketchEncoder.Encode(Photo(4), "other").Bytes);
        File.WriteAllBytes(Path.Combine(_out, "p3.tsk"), TextSketchEncoder.Encode(Photo(3), null).Bytes);
        File.WriteAllText(Path.Combine(_photos, "bad.png"), "not a png");
        using var job = new EncodeJob(new EncodeJobOptions { Destination = _out, SkipExisting = true, RemoveSource = true }, new RecordingHost());
        List<EncodeOutcome> outcomes = RunAll(job, [Photo(1), Photo(2), Photo(3), Path.Combine(_photos, "bad.png")]);
        Assert.Equal("VerificationFailed", Assert.IsType<VerificationFailedException>(outcomes[0].Error).ErrorId);
        Assert.True(File.Exists(Photo(1)));
        Assert.True(outcomes[1].SourceRemoved);
        Assert.False(File.Exists(Photo(2)));
        Assert.Equal(JobItemStatus.Skipped, outcomes[2].Status);
        Assert.True(outcomes[2].SourceRemoved);
        Assert.False(File.Exists(Photo(3)));
        Assert.Equal(JobItemStatus.Failed, outcomes[3].Status);
        Assert.True(File.Exists(Path.Combine(_photos, "bad.png")));
        Assert.Equal(2, job.Summary.SourcesRemoved);
    }

    [Fact]
    public void RemovalNeedsItsOwnConfirmation()
    {
        using var job = new EncodeJob(new EncodeJobOptions { Destination = _out, RemoveSource = true }, new RecordingHost { ConfirmRemovals = false });
        EncodeOutcome outcome = Assert.Single(RunAll(job, [Photo(1)]));
        Assert.Equal(JobItemStatus.Written, outcome.Status);
        Assert.False(outcome.SourceRemoved);
        Assert.True(File.Exists(Photo(1)));
    }

    [Fact]
    public void WhatIfWritesAndRemovesNothing()
    {
        var host = new RecordingHost { Allow = false };
        using var job = new EncodeJob(new EncodeJobOptions { Destination = _out, RemoveSource = true }, host);
        Assert.Empty(RunAll(job, [Photo(1), Photo(2)]));
        Assert.False(Directory.Exists(_out));
        Assert.True(File.Exists(Photo(1)));
        Assert.Contains(host.Asked, a => a.Action == "Create folder");
        Assert.Contains(host.Asked, a => a.Target == Path.Combine(_out, "p1.tsk") && a.Action.StartsWith("Write TextSketch record", StringComparison.Ordinal));
    }

    [Fact]
    public void WhatIfSaysWhichSourcesWouldBeRemoved()
    {
        // -WhatIf declines the write, so the removal is never asked about on its own: the write's action names it.
        var host = new RecordingHost { Allow = false };
        using (var job = new EncodeJob(new EncodeJobOptions { Destination = _out, RemoveSource = true }, host))
        {
            Assert.Empty(RunAll(job, [Photo(1)]));
        }

        (string _, string action) = Assert.Single(host.Asked, a => a.Target == Path.Combine(_out, "p1.tsk"));
        Assert.Equal($"Write TextSketch record of '{Photo(1)}', then remove the source once the record is verified", action);

        var plain = new RecordingHost { Allow = false };
        using (var job = new EncodeJob(new EncodeJobOptions { Destination = _out }, plain))
        {
            RunAll(job, [Photo(1)]);
        }

        Assert.Equal($"Write TextSketch record of '{Photo(1)}'", Assert.Single(plain.Asked, a => a.Target == Path.Combine(_out, "p1.tsk")).Action);
    }

    [Fact]
    public void LogsOneLineAnItemAndASummary()
    {
        string log = _folder.File("job.jsonl");
        File.WriteAllText(Path.Combine(_photos, "bad.png"), "not a png");
        using (var job = new EncodeJob(new EncodeJobOptions { Destination = _out, LogPath = log }, new RecordingHost()))
        {
            RunAll(job, [Photo(1), Path.Combine(_photos, "bad.png")]);
        }

        JsonElement[] lines = File.ReadAllLines(log).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(3, lines.Length);
        Assert.Equal("written", lines[0].GetProperty("status").GetString());
        Assert.Equal(new FileInfo(Photo(1)).Length, lines[0].GetProperty("sourceBytes").GetInt64());
        Assert.Equal(64, lines[0].GetProperty("sourceSha256").GetString()!.Length);
        Assert.Equal(new FileInfo(Path.Combine(_out, "p1.tsk")).Length, lines[0].GetProperty("bytes").GetInt32());
        Assert.Equal("failed", lines[1].GetProperty("status").GetString());
        Assert.Equal("ImageFormatUnknown", lines[1].GetProperty("errorId").GetString());
        Assert.Equal(1, lines[2].GetProperty("summary").GetProperty("written").GetInt32());
        Assert.Equal(1, lines[2].GetProperty("summary").GetProperty("failed").GetInt32());
    }

    [Fact]
    public void ShardsPartitionTheSourcesAndContradictionsAreRefusedUpFront()
    {
        string[] sources = Enumerable.Range(1, 4).Select(Photo).ToArray();
        int total = 0;
        for (int i = 0; i < 3; i++)
        {
            using var job = new EncodeJob(new EncodeJobOptions { Shard = new ShardSpec(i, 3), BasePath = _photos }, new RecordingHost());
            total += RunAll(job, sources).Count;
        }

        Assert.Equal(sources.Length, total);
        Assert.Equal("SkipExistingWithForce", Assert.Throws<TextSketchException>(() => new EncodeJob(new EncodeJobOptions { Destination = _out, Force = true, SkipExisting = true }, new RecordingHost())).ErrorId);
        Assert.Equal("RemoveSourceWithoutDestination", Assert.Throws<TextSketchException>(() => new EncodeJob(new EncodeJobOptions { RemoveSource = true }, new RecordingHost())).ErrorId);
        var host = new RecordingHost();
        using (new EncodeJob(new EncodeJobOptions { SkipExisting = true }, host))
        {
            Assert.Single(host.Warnings);
        }
    }
}
