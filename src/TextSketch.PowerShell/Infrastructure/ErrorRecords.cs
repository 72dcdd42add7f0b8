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
        _ when errorId.StartsWith("Image", StringComparison.Ordinal) || errorId.StartsWith("Tsk", StringComparison.Ordinal) => ErrorCategory.InvalidData,
        _ => ErrorCategory.NotSpecified,
    };
}
