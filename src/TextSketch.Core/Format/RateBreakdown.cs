namespace TextSketch.Core.Format;

/// <summary>
/// Where a record's bits go. Caption and colour bits are the ideal code lengths of those parts of the range-coded
/// info stream; sketch bits are the sketch stream's bytes; header bits are the rest (fixed fields, lengths,
/// checksum, stream termination). The four always sum to <see cref="TotalBytes"/> * 8.
/// </summary>
public sealed record RateBreakdown(int TotalBytes, int HeaderBits, int CaptionBits, int SketchBits, int ColorBits);
