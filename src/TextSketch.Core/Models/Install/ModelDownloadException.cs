namespace TextSketch.Core.Models.Install;

/// <summary>A pack file could not be fetched or did not verify. ErrorIds: ModelDownloadNotFound,
/// ModelDownloadFailed, ModelDownloadTimeout, ModelDownloadInterrupted, ModelFileHashMismatch,
/// ModelFileSizeMismatch, ModelDiskFull, ModelSourceUnsupported.</summary>
public sealed class ModelDownloadException : ModelPackException
{
    public ModelDownloadException(string errorId, string message, Exception? inner = null)
        : base(errorId, message, inner)
    {
    }
}
