namespace TextSketch.Core.Format;

/// <summary>
/// Where a record's bits go. Caption, colour and sketch bits are the ideal code lengths of those parts of the
/// range-coded stream; header bits are the rest (fixed fields, checksum, flags and ids, the stream's ending).
/// The four always sum to <see cref="TotalBytes"/> * 8.
/// </summary>
public sealed record RateBreakdown(int TotalBytes, int HeaderBits, int CaptionBits, int SketchBits, int ColorBits);
