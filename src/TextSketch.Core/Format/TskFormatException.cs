namespace TextSketch.Core.Format;

public enum TskFormatError
{
    /// <summary>Not a .tsk record at all (wrong magic byte, or empty).</summary>
    NotTsk,

    /// <summary>A major version this decoder does not read.</summary>
    UnsupportedVersion,

    /// <summary>The bytes end before the structure they declare.</summary>
    Truncated,

    /// <summary>The stored CRC-32 does not match the bytes.</summary>
    ChecksumMismatch,

    /// <summary>The checksum matches but the content breaks the format's rules.</summary>
    Malformed,
}

/// <summary>A .tsk record that cannot be read; the message names the file and the reason.</summary>
public sealed class TskFormatException : TextSketchException
{
    public TskFormatException(TskFormatError error, string name, string reason, Exception? inner = null)
        : base(ErrorIdOf(error), $"Cannot read TextSketch record '{name}': {reason}", inner)
    {
        Error = error;
        Name = name;
        Reason = reason;
    }

    public TskFormatError Error { get; }

    public string Name { get; }

    public string Reason { get; }

    private static string ErrorIdOf(TskFormatError error) => error switch
    {
        TskFormatError.NotTsk => "TskNotARecord",
        TskFormatError.UnsupportedVersion => "TskUnsupportedVersion",
        TskFormatError.Truncated => "TskTruncated",
        TskFormatError.ChecksumMismatch => "TskChecksumMismatch",
        _ => "TskMalformed",
    };
}
