namespace TextSketch.Core.Format;

/// <summary>A record both ways: its content, its exact bytes, and what those bytes cost.</summary>
public sealed class TskRecord
{
    private readonly Lazy<byte[]> _sketchBytes;

    internal TskRecord(TskDocument document, byte[] bytes, Func<byte[]> sketchBytes, RateBreakdown rate, int seed)
    {
        Document = document;
        Bytes = bytes;
        // Coding the sketch on its own takes as long as decoding it: done only when someone asks.
        _sketchBytes = new Lazy<byte[]>(sketchBytes, LazyThreadSafetyMode.ExecutionAndPublication);
        Rate = rate;
        Seed = seed;
    }

    public TskDocument Document { get; }

    /// <summary>The whole .tsk encoding.</summary>
    public byte[] Bytes { get; }

    /// <summary>The sketch coded on its own stream by its coder (empty in Text mode).</summary>
    public byte[] SketchBytes => _sketchBytes.Value;

    public RateBreakdown Rate { get; }

    /// <summary>The seed decoders use: the explicit one, else derived from the checksum (so equal records decode alike).</summary>
    public int Seed { get; }

    public int SketchWidth => Document.Sketch?.Bitmap.Width ?? 0;

    public int SketchHeight => Document.Sketch?.Bitmap.Height ?? 0;
}
