namespace TextSketch.Core;

/// <summary>
/// Base of every error the codec reports on purpose. <see cref="ErrorId"/> is stable (scripts and the
/// PowerShell layer key on it); the message names the item and the reason.
/// </summary>
public class TextSketchException : Exception
{
    public TextSketchException(string errorId, string message, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
    }

    public string ErrorId { get; }
}
