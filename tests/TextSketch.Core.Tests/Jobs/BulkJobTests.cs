using System.Text.Json;
using TextSketch.Core.Format;
using TextSketch.Core.Jobs;
using TextSketch.Core.Encoder;
using TextSketch.Core.Tests.Support;

namespace TextSketch.Core.Tests.Jobs;

public class ShardSpecTests
{
    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("3/4", 3, 4)]
    [InlineData("0/1000", 0, 1000)]
    public void ParsesValidShards(string text, int index, int count) => Assert.Equal(new ShardSpec(index, count), ShardSpec.Parse(text));

    [Theory]
    [InlineData("4/4")]
    [InlineData("0/0")]
    [InlineData("-1/3")]
    [InlineData("1")]
    [InlineData("a/b")]
    [InlineData("1/2/3")]
    public void RefusesInvalidShards(string text) => Assert.Throws<FormatException>(() => ShardSpec.Parse(text));

    [Fact]
    public void HashIsFnv1a64()
    {
        // Published FNV-1a 64 test vectors.
        Assert.Equal(0xcbf29ce484222325UL, ShardSpec.Hash(string.Empty));
        Assert.Equal(0xaf63dc4c8601ec8cUL, ShardSpec.Hash("a"));
        Assert.Equal(0x85944171f73967e8UL, ShardSpec.Hash("foobar"));
    }

    [Fact]
    public void EveryKeyIsInExactlyOneShard()
    {
        string[] keys = Enumerable.Range(0, 2000).Select(i => $"folder{i % 7}/photo {i}").ToArray();
        var shards = Enumerable.Range(0, 5).Select(i => new ShardSpec(i, 5)).ToArray();
        foreach (string key in keys)
        {
            Assert.Equal(1, shards.Count(s => s.Includes(key)));
        }

        // And the split is even enough to be useful.
        Assert.All(shards, s => Assert.InRange(keys.Count(s.Includes), 300, 500));
    }

    [Theory]
    [InlineData("a.jpg", "a")]
    [InlineData("sub/dir/a.b.png", "sub/dir/a.b")]
    [InlineData("sub\\a.jpg", "sub/a")]
    [InlineData("noext", "noext")]
    public void KeyDropsTheExtension(string relative, string key) => Assert.Equal(key, ShardSpec.KeyOf(relative));
}

public class OutputPlannerTests
{
    [Fact]
    public void FlatJobsUseTheStemAndNeverCollide()
    {
        var planner = new OutputPlanner("/dest", basePath: null);
        Assert.Equal(new OutputClaim("/dest/a.tsk", null), planner.Claim("/src/x/a.jpg"));
        Assert.Equal(new OutputClaim("/dest/a.png.tsk", "/dest/a.tsk"), planner.Claim("/src/x/a.png"));
        Assert.Equal(new OutputClaim("/dest/a.jpg.tsk", "/dest/a.tsk"), planner.Claim("/src/y/a.jpg"));
        Assert.Equal(new OutputClaim("/dest/a.jpg.2.tsk", "/dest/a.tsk"), planner.Claim("/src/z/a.jpg"));
        Assert.Equal("/dest/b.tsk", planner.Claim("/src/b.jpeg").Path);
        Assert.False(planner.Claim("/src/c.jpg").Renamed);
    }

    [Fact]
    public void ImagesFromRecordsFollowTheSameRule()
    {
        var planner = new OutputPlanner("/dest", basePath: null, ".png");
        Assert.Equal(new OutputClaim("/dest/a.png", null), planner.Claim("/x/a.tsk"));
        Assert.Equal(new OutputClaim("/dest/a.tsk.png", "/dest/a.png"), planner.Claim("/y/a.tsk"));
        Assert.Equal(new OutputClaim("/dest/a.tsk.2.png", "/dest/a.png"), planner.Claim("/z/a.tsk"));
        // A record only in memory is named after its source image.
        Assert.Equal(new OutputClaim("/dest/a.jpg.png", "/dest/a.png"), planner.Claim("/photos/a.jpg"));
        var sketches = new OutputPlanner("/dest", basePath: null, ".sketch.png");
        Assert.Equal("/dest/a.sketch.png", sketches.Claim("/x/a.tsk").Path);
        Assert.Equal("/dest/a.tsk.sketch.png", sketches.Claim("/y/a.tsk").Path);
    }

    [Fact]
    public void MirroredJobsKeepTheRelativeTree()
    {
        var planner = new OutputPlanner("/dest", "/photos/");
        Assert.Equal("/dest/2019/trip/a.tsk", planner.Claim("/photos/2019/trip/a.jpg").Path);
        Assert.Equal("/dest/2020/a.tsk", planner.Claim("/photos/2020/a.jpg").Path);
        Assert.Equal("/dest/b.tsk", planner.Claim("/photos/b.png").Path);
        Assert.Equal("2019/trip/a.jpg", planner.RelativePath("/photos/2019/trip/a.jpg"));
        Assert.Equal("SourceOutsideBasePath", Assert.Throws<SourceOutsideBaseException>(() => planner.Claim("/elsewhere/c.jpg")).ErrorId);
        Assert.Throws<SourceOutsideBaseException>(() => planner.Claim("/photos-old/c.jpg"));
    }
}

public class JobLogTests
{
    [Fact]
    public void WritesOneWholeJsonObjectPerLineEvenFromManyThreads()
    {
        using var folder = new TempFolder();
        string path = folder.File("logs/job.jsonl");
        using (var log = new JobLog(path))
        {
            Parallel.For(0, 400, i => log.Write(new JobLogEntry { Source = $"/src/ümlaut {i}.jpg", Status = JobItemStatus.Written, Bytes = i, DurationMs = 1.5 }));
            var summary = new JobSummary();
            summary.Add(JobItemStatus.Written, 1000, 100);
            summary.Add(JobItemStatus.Failed, 0, 0);
            log.WriteSummary(summary);
        }

        string[] lines = File.ReadAllLines(path);
        Assert.Equal(401, lines.Length);
        var sources = new HashSet<string>();
        foreach (string line in lines[..400])
        {
            using JsonDocument json = JsonDocument.Parse(line);
            Assert.Equal("written", json.RootElement.GetProperty("status").GetString());
            sources.Add(json.RootElement.GetProperty("source").GetString()!);
        }

        Assert.Equal(400, sources.Count);
        using JsonDocument last = JsonDocument.Parse(lines[^1]);
        JsonElement s = last.RootElement.GetProperty("summary");
        Assert.Equal(1, s.GetProperty("written").GetInt32());
        Assert.Equal(1, s.GetProperty("failed").GetInt32());
        Assert.Equal(10.0, s.GetProperty("reductionFactor").GetDouble());
    }

    [Fact]
    public void ADecodeJobsLinesCarryOnlyWhatADecodeJobDoes()
    {
        // Expand-TextSketch -LogPath: no source removal, captions, source bytes or reduction factor to report.
        using var folder = new TempFolder();
        string path = folder.File("expand.jsonl");
        using (var log = new JobLog(path))
        {
            log.Write(new JobLogEntry { Source = "a.tsk", Output = "a.png", Status = JobItemStatus.Written, Bytes = 1234 });
            log.Write(new JobLogEntry { Source = "b.jpg", Output = "b.tsk", Status = JobItemStatus.Written, SourceRemoved = false });
            var summary = new JobSummary { Expanding = true, Renamed = 1, Seconds = 0.5 };
            summary.Add(JobItemStatus.Written, 0, 0);
            summary.Add(JobItemStatus.Skipped, 0, 0);
            summary.Add(JobItemStatus.Failed, 0, 0);
            log.WriteSummary(summary);
        }

        string[] lines = File.ReadAllLines(path);
        using JsonDocument decoded = JsonDocument.Parse(lines[0]);
        Assert.False(decoded.RootElement.TryGetProperty("sourceRemoved", out _));
        using JsonDocument encoded = JsonDocument.Parse(lines[1]);
        Assert.False(encoded.RootElement.GetProperty("sourceRemoved").GetBoolean());
        using JsonDocument last = JsonDocument.Parse(lines[2]);
        JsonElement s = last.RootElement.GetProperty("summary");
        Assert.Equal(["written", "skipped", "failed", "renamed", "seconds"], s.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, s.GetProperty("written").GetInt32());
        Assert.Equal(1, s.GetProperty("skipped").GetInt32());
        Assert.Equal(1, s.GetProperty("failed").GetInt32());
        Assert.Equal(1, s.GetProperty("renamed").GetInt32());
        Assert.Equal(0.5, s.GetProperty("seconds").GetDouble());
    }

    [Fact]
    public void CanBeReadWhileOpenAndAppendsAcrossJobs()
    {
        using var folder = new TempFolder();
        string path = folder.File("job.jsonl");
        using (var log = new JobLog(path))
        {
            log.Write(new JobLogEntry { Source = "a", Status = JobItemStatus.Skipped });
            using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            Assert.True(reader.Length > 0);
        }

        using (var log = new JobLog(path))
        {
            log.Write(new JobLogEntry { Source = "b", Status = JobItemStatus.Failed, ErrorId = "ImageCorrupt", Error = "bad" });
        }

        Assert.Equal(2, File.ReadAllLines(path).Length);
    }
}

public class SourceRemovalTests
{
    [Fact]
    public void RemovesOnlyAfterAnExactReadBack()
    {
        using var folder = new TempFolder();
        string source = folder.File("a.png");
        TestImages.Save(TestImages.Scene(64, 48, 1), source);
        TskRecord record = TextSketchEncoder.Encode(source, "a test");
        string output = folder.File("a.tsk");
        AtomicFile.Write(output, record.Bytes, overwrite: false);
        SourceRemoval.VerifyThenRemove(source, output, record.Bytes);
        Assert.False(File.Exists(source));
        Assert.True(File.Exists(output));
    }

    [Fact]
    public void KeepsTheSourceWhenTheRecordDiffersOrIsBroken()
    {
        using var folder = new TempFolder();
        string source = folder.File("a.png");
        TestImages.Save(TestImages.Scene(64, 48, 1), source);
        TskRecord record = TextSketchEncoder.Encode(source, "a test");
        string output = folder.File("a.tsk");
        File.WriteAllBytes(output, record.Bytes[..^1]);
        Assert.Equal("VerificationFailed", Assert.Throws<VerificationFailedException>(() => SourceRemoval.VerifyThenRemove(source, output, record.Bytes)).ErrorId);
        Assert.True(File.Exists(source));
        TskRecord other = TextSketchEncoder.Encode(source, "another caption");
        File.WriteAllBytes(output, other.Bytes);
        Assert.Throws<VerificationFailedException>(() => SourceRemoval.VerifyThenRemove(source, output, record.Bytes));
        Assert.True(File.Exists(source));
        File.Delete(output);
        Assert.Throws<VerificationFailedException>(() => SourceRemoval.VerifyThenRemove(source, output, record.Bytes));
        Assert.True(File.Exists(source));
    }

    [Fact]
    public void StaleTemporariesOfAKilledWriterAreRemovedAndNothingElse()
    {
        using var folder = new TempFolder();
        string output = folder.File("a.tsk");
        string stale = AtomicFile.TemporaryPathFor(output);
        File.WriteAllText(stale, "half a record");
        File.WriteAllText(folder.File(".a.tsk.notours.tmp"), "keep");
        File.WriteAllText(folder.File(".b.tsk." + new string('0', 32) + ".tmp"), "another output's");
        Assert.Equal(1, AtomicFile.RemoveStaleTemporaries(output));
        Assert.False(File.Exists(stale));
        Assert.Equal(2, Directory.GetFiles(folder.Path).Length);
    }

    [Fact]
    public void AJobListsEachOutputFolderOnceAndRemovesOnlyTheLeftoversOfWhatItWrites()
    {
        using var folder = new TempFolder();
        string a = folder.File("a.tsk");
        string b = folder.File("b.tsk");
        string staleA = AtomicFile.TemporaryPathFor(a);
        string staleB = AtomicFile.TemporaryPathFor(b);
        File.WriteAllText(staleA, "half");
        var temporaries = new StaleTemporaries();

        Assert.Equal(1, temporaries.RemoveFor(a));
        // Written after the folder was listed: another writer's file, left alone.
        File.WriteAllText(staleB, "in flight");
        Assert.Equal(0, temporaries.RemoveFor(b));
        Assert.Equal(0, temporaries.RemoveFor(a));
        Assert.False(File.Exists(staleA));
        Assert.True(File.Exists(staleB));
        Assert.Equal("a.tsk", AtomicFile.TargetOf(Path.GetFileName(staleA)));
        Assert.Null(AtomicFile.TargetOf(".a.tsk.notours.tmp"));
        Assert.Null(AtomicFile.TargetOf("a.tsk"));
    }
}
