using System.Management.Automation;
using TextSketch.Core;

namespace TextSketch.Infrastructure;

/// <summary>Turns codec failures into PowerShell errors with a stable ErrorId and the item as TargetObject.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord For(Exception exception, object? target)
    {
        if (exception is TextSketchException known)
        {
            return new ErrorRecord(known, known.ErrorId, CategoryOf(known.ErrorId), target);
        }

        return exception switch
        {
            UnauthorizedAccessException => new ErrorRecord(exception, "AccessDenied", ErrorCategory.PermissionDenied, target),
            IOException => new ErrorRecord(exception, "FileSystemError", ErrorCategory.WriteError, target),
            _ => new ErrorRecord(exception, "UnexpectedError", ErrorCategory.NotSpecified, target),
        };
    }

    private static ErrorCategory CategoryOf(string errorId) => errorId switch
    {
        "ImageNotFound" => ErrorCategory.ObjectNotFound,
        "ImageTooLarge" or "RecordTooLarge" or "CaptionTooLong" or "BudgetTooSmall" => ErrorCategory.LimitsExceeded,
        "ImageUnreadable" => ErrorCategory.ReadError,
        "OutputExists" => ErrorCategory.ResourceExists,
        "TskUnsupportedVersion" => ErrorCategory.NotImplemented,
        "SourceOutsideBasePath" => ErrorCategory.InvalidArgument,
        "VerificationFailed" => ErrorCategory.WriteError,
        "NoSketchLayer" => ErrorCategory.InvalidOperation,
        "ModelPackNotInstalled" or "ModelPackUnknown" or "ModelFileMissing" or "ModelDownloadNotFound" => ErrorCategory.ObjectNotFound,
        "ModelSignatureMismatch" or "ModelPackWrongKind" or "ModelOutputUnexpected" or "ModelManifestInvalid" or "ModelPackIncomplete" => ErrorCategory.InvalidData,
        "ModelFileHashMismatch" or "ModelFileSizeMismatch" => ErrorCategory.SecurityError,
        "ModelPathEscapes" => ErrorCategory.SecurityError,
        "ModelDownloadTimeout" => ErrorCategory.OperationTimeout,
        "ModelDownloadFailed" or "ModelDownloadInterrupted" => ErrorCategory.ConnectionError,
        "ModelDiskFull" => ErrorCategory.WriteError,
        "ModelPackFolderExists" => ErrorCategory.ResourceExists,
        "ModelRootInvalid" or "ModelSourceUnsupported" => ErrorCategory.InvalidArgument,
        "ModelLoadFailed" or "CudaUnavailable" => ErrorCategory.ResourceUnavailable,
        _ when errorId.StartsWith("Image", StringComparison.Ordinal) || errorId.StartsWith("Tsk", StringComparison.Ordinal) => ErrorCategory.InvalidData,
        _ => ErrorCategory.NotSpecified,
    };
}
