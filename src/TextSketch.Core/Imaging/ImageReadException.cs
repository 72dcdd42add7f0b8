namespace TextSketch.Core.Imaging;

/// <summary>An input image that cannot be used; the message names the file and the reason.</summary>
public sealed class ImageReadException : TextSketchException
{
    public const string NotFound = "ImageNotFound";
    public const string Empty = "ImageEmpty";
    public const string UnknownFormat = "ImageFormatUnknown";
    public const string Corrupt = "ImageCorrupt";
    public const string TooLarge = "ImageTooLarge";
    public const string Unreadable = "ImageUnreadable";

    public ImageReadException(string errorId, string path, string reason, Exception? inner = null)
        : base(errorId, $"Cannot read image '{path}': {reason}", inner)
    {
        Path = path;
        Reason = reason;
    }

    public string Path { get; }

    public string Reason { get; }
}
