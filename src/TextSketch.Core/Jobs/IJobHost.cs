using TextSketch.Core.Decoding;

namespace TextSketch.Core.Jobs;

/// <summary>
/// What a job asks of whoever runs it (a cmdlet): permission per item, confirmation of high-impact actions, and
/// where to say things. Every call comes on the thread that calls the job's Add and Finish.
/// </summary>
public interface IJobHost : IMessageSink
{
    /// <summary>Whether to do <paramref name="action"/> to <paramref name="target"/> (-WhatIf / -Confirm).</summary>
    bool ShouldProcess(string target, string action);

    /// <summary>Whether to delete <paramref name="source"/> once its record is verified (asked on its own: the
    /// removal is a high-impact action, the writes are not).</summary>
    bool ConfirmRemoval(string source) => false;

    /// <summary>A step of a decoder that reports steps (one image at a time, on this thread).</summary>
    void StepProgress(string item, DecodeProgress progress)
    {
    }
}

/// <summary>The stable id a job logs (and a cmdlet reports) for a failure.</summary>
public static class JobErrors
{
    public static string IdOf(Exception exception) => exception switch
    {
        TextSketchException known => known.ErrorId,
        UnauthorizedAccessException => "AccessDenied",
        IOException => "FileSystemError",
        _ => "UnexpectedError",
    };
}
