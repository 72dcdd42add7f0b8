using TextSketch.Core.Coding;
using TextSketch.Core.Format;
using TextSketch.Core.Text;

namespace TextSketch.Core.Jobs;

/// <summary>.tsk files on disk: the size check before reading, and the caption coders a model root gives readers.</summary>
public static class RecordFiles
{
    /// <summary>The record in <paramref name="path"/>; files far larger than any record are refused unread.</summary>
    public static TskRecord Read(string path, CaptionCoders captionCoders)
    {
        ArgumentNullException.ThrowIfNull(path);
        var info = new FileInfo(path);
        if (info.Exists && info.Length > TskFile.MaxRecordBytes)
        {
            throw new TskFormatException(TskFormatError.NotTsk, path, $"{info.Length:N0} bytes is far larger than any TextSketch record.");
        }

        return TskFile.Read(File.ReadAllBytes(path), path, captionCoders);
    }

    /// <summary>The record in <paramref name="path"/>, or null when it is missing, unreadable or not a valid record.</summary>
    public static TskRecord? TryRead(string path, CaptionCoders captionCoders)
    {
        try
        {
            return Read(path, captionCoders);
        }
        catch (Exception e) when (e is TskFormatException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Caption coders for reading records with the packs of <paramref name="modelRoot"/> (null: the default
    /// root): CLIP's vocabulary is looked for there only when a token-coded caption is met.</summary>
    public static CaptionCoders CodersFor(string? modelRoot) => new(() => ClipVocabulary.TryFind(modelRoot));
}
