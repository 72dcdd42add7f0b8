namespace TextSketch.Core.Caption;

/// <summary>Where a record's caption came from (stored in the record).</summary>
public enum CaptionSource
{
    None = 0,
    Explicit = 1,
    Metadata = 2,
    Model = 3,
}
