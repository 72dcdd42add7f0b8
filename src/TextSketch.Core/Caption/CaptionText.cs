using System.Text;

namespace TextSketch.Core.Caption;

/// <summary>Rules for caption text.</summary>
public static class CaptionText
{
    /// <summary>Metadata captions longer than this are cut at a word boundary: a record is meant to be a few hundred bytes.</summary>
    public const int MaxMetadataCharacters = 160;

    /// <summary>
    /// Placeholders cameras and tools write into description fields; they describe nothing, so they are not captions.
    /// </summary>
    private static readonly string[] Placeholders =
    [
        "OLYMPUS DIGITAL CAMERA", "SONY DSC", "DIGITAL CAMERA", "KODAK DIGITAL STILL CAMERA", "Default", "default",
        "SAMSUNG", "LG Electronics", "Untitled", "untitled", "Image", "image", "Picture", "DCIM",
    ];

    /// <summary>Cleans a caption a captioner model wrote: the same rules as metadata captions (whitespace, control
    /// characters, placeholders, the <see cref="MaxMetadataCharacters"/> cap at a word boundary), so a model caption
    /// never costs more than a metadata one.</summary>
    public static string? CleanModel(string? text) => CleanMetadata(text);

    /// <summary>Cleans a caption found in metadata: whitespace collapsed, control characters dropped, length capped.
    /// Returns null when nothing meaningful is left.</summary>
    public static string? CleanMetadata(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var builder = new StringBuilder(text.Length);
        bool space = false;
        foreach (char c in text.Normalize(NormalizationForm.FormC))
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        string cleaned = builder.ToString();
        if (cleaned.Length == 0 || Array.Exists(Placeholders, p => string.Equals(p, cleaned, StringComparison.Ordinal)))
        {
            return null;
        }

        if (cleaned.Length > MaxMetadataCharacters)
        {
            int cut = cleaned.LastIndexOf(' ', MaxMetadataCharacters);
            cleaned = cleaned[..(cut > MaxMetadataCharacters / 2 ? cut : MaxMetadataCharacters)];
            if (char.IsHighSurrogate(cleaned[^1]))
            {
                cleaned = cleaned[..^1];
            }
        }

        return cleaned;
    }
}
