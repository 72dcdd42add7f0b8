using System.Management.Automation;
using TextSketch.Core;
using TextSketch.Core.Jobs;

namespace TextSketch.Infrastructure;

/// <summary>Turns codec failures into PowerShell errors with a stable ErrorId and the item as TargetObject.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord For(Exception exception, object? target)
    {
        string id = JobErrors.IdOf(exception);
        ErrorCategory category = exception switch
        {
            TextSketchException => CategoryOf(id),
            UnauthorizedAccessException => ErrorCategory.PermissionDenied,
            IOException => ErrorCategory.WriteError,
            _ => ErrorCategory.NotSpecified,
        };
        return new ErrorRecord(exception, id, category, target);
    }

    private static ErrorCategory CategoryOf(string errorId) => errorId switch
    {
        "ImageNotFound" => ErrorCategory.ObjectNotFound,
        "ImageTooLarge" or "RecordTooLarge" or "CaptionTooLong" or "BudgetTooSmall" => ErrorCategory.LimitsExceeded,
        "DecodeNeedsMoreMemory" => ErrorCategory.ResourceUnavailable,
        "ImageUnreadable" => ErrorCategory.ReadError,
        "OutputExists" => ErrorCategory.ResourceExists,
        "TskUnsupportedVersion" => ErrorCategory.NotImplemented,
        "SourceOutsideBasePath" or "SkipExistingWithForce" or "RemoveSourceWithoutDestination" or "BasePathInvalid" or "LogPathInvalid" => ErrorCategory.InvalidArgument,
        "VerificationFailed" => ErrorCategory.WriteError,
        "NoSketchLayer" => ErrorCategory.InvalidOperation,
        "ModelPackNotInstalled" or "ModelPackUnknown" or "ModelFileMissing" or "ModelDownloadNotFound" => ErrorCategory.ObjectNotFound,
        "ModelSignatureMismatch" or "ModelPackWrongKind" or "ModelOutputUnexpected" or "ModelManifestInvalid" or "ModelPackIncomplete" => ErrorCategory.InvalidData,
        "ModelFileHashMismatch" or "ModelFileSizeMismatch" => ErrorCategory.SecurityError,
        "ModelPathEscapes" or "ModelMirrorUntrusted" => ErrorCategory.SecurityError,
        "ModelDownloadTimeout" => ErrorCategory.OperationTimeout,
        "ModelDownloadFailed" or "ModelDownloadInterrupted" => ErrorCategory.ConnectionError,
        "ModelDiskFull" => ErrorCategory.WriteError,
        "ModelPackFolderExists" => ErrorCategory.ResourceExists,
        "ModelRootInvalid" or "ModelSourceUnsupported" or "PromptTokensWithoutCaptioner" or "PromptTokensOutOfRange" or "StrengthTooLow" => ErrorCategory.InvalidArgument,
        "ModelLoadFailed" or "CudaUnavailable" => ErrorCategory.ResourceUnavailable,
        _ when errorId.StartsWith("Image", StringComparison.Ordinal) || errorId.StartsWith("Tsk", StringComparison.Ordinal) => ErrorCategory.InvalidData,
        _ => ErrorCategory.NotSpecified,
    };
}
