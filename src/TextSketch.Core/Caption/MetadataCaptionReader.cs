using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Iptc;
using MetadataExtractor.Formats.Xmp;

namespace TextSketch.Core.Caption;

/// <summary>
/// Finds a caption in image metadata: XMP dc:description, then IPTC Caption/Abstract, then EXIF ImageDescription.
/// Metadata is optional: unreadable metadata means "no caption", never a failed image.
/// </summary>
public static class MetadataCaptionReader
{
    public static string? Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        IReadOnlyList<MetadataExtractor.Directory> directories;
        try
        {
            directories = ImageMetadataReader.ReadMetadata(stream);
        }
        catch (Exception e) when (e is ImageProcessingException or IOException or ArgumentException or InvalidOperationException or IndexOutOfRangeException or NotSupportedException or FormatException)
        {
            return null;
        }

        return FromXmp(directories)
            ?? FromTag<IptcDirectory>(directories, IptcDirectory.TagCaption)
            ?? FromTag<ExifIfd0Directory>(directories, ExifDirectoryBase.TagImageDescription);
    }

    private static string? FromXmp(IReadOnlyList<MetadataExtractor.Directory> directories)
    {
        foreach (XmpDirectory xmp in directories.OfType<XmpDirectory>())
        {
            try
            {
                var meta = xmp.XmpMeta;
                if (meta is null)
                {
                    continue;
                }

                var text = meta.GetLocalizedText("http://purl.org/dc/elements/1.1/", "description", null, "x-default");
                string? cleaned = CaptionText.CleanMetadata(text?.Value);
                if (cleaned is not null)
                {
                    return cleaned;
                }
            }
            catch (Exception e) when (e is XmpCore.XmpException or ArgumentException or InvalidOperationException)
            {
                // Malformed XMP: try the other sources.
            }
        }

        return null;
    }

    private static string? FromTag<T>(IReadOnlyList<MetadataExtractor.Directory> directories, int tag)
        where T : MetadataExtractor.Directory
    {
        foreach (T directory in directories.OfType<T>())
        {
            string? cleaned = CaptionText.CleanMetadata(directory.GetString(tag));
            if (cleaned is not null)
            {
                return cleaned;
            }
        }

        return null;
    }
}
