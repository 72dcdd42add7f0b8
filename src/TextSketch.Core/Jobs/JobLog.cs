using System.Text.Encodings.Web;
using System.Text.Json;

namespace TextSketch.Core.Jobs;

/// <summary>What happened to one item of a job.</summary>
public enum JobItemStatus
{
    Written,
    Encoded,
    Skipped,
    Failed,
}

/// <summary>One line of the job log.</summary>
public sealed record JobLogEntry
{
    public required string Source { get; init; }

    public long? SourceBytes { get; init; }

    public string? SourceSha256 { get; init; }

    public string? Output { get; init; }

    /// <summary>The plain output name an earlier item of the job already had, when this item's output was renamed.</summary>
    public string? ClashedWith { get; init; }

    public int? Bytes { get; init; }

    public double? Bpp { get; init; }

    public required JobItemStatus Status { get; init; }

    /// <summary>Whether an encode job removed the source (null, and left out, for a decode job).</summary>
    public bool? SourceRemoved { get; init; }

    public string? ErrorId { get; init; }

    public string? Error { get; init; }

    public double DurationMs { get; init; }
}

/// <summary>
/// The job log: one JSON object per line, appended and flushed as each item finishes, so it can be read (tail -f,
/// Get-Content -Wait) while the job runs and survives a crash up to the last finished item. Lines are written whole
/// under a lock; the file is opened for append with shared read/write, so several jobs may append to one log.
/// The last line of a finished job is a summary.
/// </summary>
public sealed class JobLog : IDisposable
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly FileStream _stream;
    private readonly object _gate = new();

    public JobLog(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        string? directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 4096);
    }

    public string Path { get; }

    public void Write(JobLogEntry entry) => WriteLine(JsonSerializer.SerializeToUtf8Bytes(entry, Json));

    /// <summary>The summary line; a decode job's has only the totals it keeps (no sources, captions or bytes).</summary>
    public void WriteSummary(JobSummary summary) =>
        WriteLine(summary.Expanding
            ? JsonSerializer.SerializeToUtf8Bytes(new { summary = new { summary.Written, summary.Skipped, summary.Failed, summary.Renamed, summary.Seconds } }, Json)
            : JsonSerializer.SerializeToUtf8Bytes(new { summary = summary }, Json));

    public void Dispose() => _stream.Dispose();

    private void WriteLine(byte[] json)
    {
        var line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        lock (_gate)
        {
            // One write per line: readers and other appenders never see half a line from us.
            _stream.Write(line);
            _stream.Flush();
        }
    }
}

/// <summary>Totals of a job: what was done, skipped and failed, and bytes in against bytes out.</summary>
public sealed class JobSummary
{
    public int Written { get; set; }

    public int Encoded { get; set; }

    public int Skipped { get; set; }

    public int Failed { get; set; }

    public int SourcesRemoved { get; set; }

    /// <summary>Items whose output was renamed because an earlier item of the job had the same name.</summary>
    public int Renamed { get; set; }

    /// <summary>Records made without a caption because none was given, found in metadata or made by a captioner.</summary>
    public int Uncaptioned { get; set; }

    /// <summary>Size of the sources of the records produced (written, encoded or skipped).</summary>
    public long SourceBytes { get; set; }

    public long RecordBytes { get; set; }

    public double ReductionFactor => RecordBytes == 0 ? 0 : Math.Round((double)SourceBytes / RecordBytes, 1);

    public double Seconds { get; set; }

    /// <summary>A decode job's totals (records to images) rather than an encode job's.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Expanding { get; init; }

    public void Add(JobItemStatus status, long sourceBytes, int recordBytes)
    {
        switch (status)
        {
            case JobItemStatus.Written: Written++; break;
            case JobItemStatus.Encoded: Encoded++; break;
            case JobItemStatus.Skipped: Skipped++; break;
            default: Failed++; return;
        }

        SourceBytes += sourceBytes;
        RecordBytes += recordBytes;
    }

    public override string ToString() => Expanding
        ? $"{Written} expanded, {Skipped} skipped, {Failed} failed; {Seconds:N1} s."
        : $"{Written + Encoded} compressed, {Skipped} skipped, {Failed} failed; {SourceBytes:N0} bytes of images -> {RecordBytes:N0} bytes of records " +
        $"({ReductionFactor:N1}x smaller){(Uncaptioned > 0 ? $"; {Uncaptioned} without a caption" : string.Empty)}" +
        $"{(SourcesRemoved > 0 ? $"; {SourcesRemoved} sources removed" : string.Empty)}; {Seconds:N1} s.";
}
