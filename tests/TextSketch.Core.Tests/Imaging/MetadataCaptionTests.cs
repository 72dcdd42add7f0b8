using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.Metadata.Profiles.Iptc;
using SixLabors.ImageSharp.Metadata.Profiles.Xmp;
using SixLabors.ImageSharp.PixelFormats;
using TextSketch.Core.Caption;
using TextSketch.Core.Tests.Support;

namespace TextSketch.Core.Tests.Imaging;

public class MetadataCaptionTests
{
    [Fact]
    public void ReadsExifImageDescription()
    {
        Assert.Equal("a lighthouse at dusk", ReadCaption(image =>
        {
            image.Metadata.ExifProfile = new ExifProfile();
            image.Metadata.ExifProfile.SetValue(ExifTag.ImageDescription, "  a   lighthouse\nat dusk ");
        }));
    }

    [Fact]
    public void IptcCaptionWinsOverExif()
    {
        Assert.Equal("from iptc", ReadCaption(image =>
        {
            image.Metadata.ExifProfile = new ExifProfile();
            image.Metadata.ExifProfile.SetValue(ExifTag.ImageDescription, "from exif");
            image.Metadata.IptcProfile = new IptcProfile();
            image.Metadata.IptcProfile.SetValue(IptcTag.Caption, "from iptc");
        }));
    }

    [Fact]
    public void XmpDescriptionWinsOverAll()
    {
        const string Xmp = """
            <x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
            <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
            <dc:description><rdf:Alt><rdf:li xml:lang="x-default">from xmp</rdf:li></rdf:Alt></dc:description>
            </rdf:Description></rdf:RDF></x:xmpmeta>
            """;
        Assert.Equal("from xmp", ReadCaption(image =>
        {
            image.Metadata.ExifProfile = new ExifProfile();
            image.Metadata.ExifProfile.SetValue(ExifTag.ImageDescription, "from exif");
            image.Metadata.XmpProfile = new XmpProfile(Encoding.UTF8.GetBytes(Xmp));
        }));
    }

    [Fact]
    public void CameraPlaceholdersAndBlanksAreNoCaption()
    {
        Assert.Null(ReadCaption(image =>
        {
            image.Metadata.ExifProfile = new ExifProfile();
            image.Metadata.ExifProfile.SetValue(ExifTag.ImageDescription, "OLYMPUS DIGITAL CAMERA");
        }));
        Assert.Null(CaptionText.CleanMetadata("   \t "));
        Assert.Null(ReadCaption(_ => { }));
    }

    [Fact]
    public void LongMetadataCaptionsAreCutAtAWord()
    {
        string longText = string.Join(' ', Enumerable.Repeat("word", 100));
        string cleaned = CaptionText.CleanMetadata(longText)!;
        Assert.True(cleaned.Length <= CaptionText.MaxMetadataCharacters);
        Assert.EndsWith("word", cleaned);
    }

    [Fact]
    public void UnreadableMetadataIsNoCaption()
    {
        using var stream = new MemoryStream(Encoding.ASCII.GetBytes("garbage garbage garbage"));
        Assert.Null(MetadataCaptionReader.Read(stream));
    }

    private static string? ReadCaption(Action<Image<Rgb24>> tag)
    {
        using var folder = new TempFolder();
        string path = folder.File("tagged.jpg");
        using (var image = new Image<Rgb24>(16, 16))
        {
            tag(image);
            image.SaveAsJpeg(path);
        }

        using FileStream stream = File.OpenRead(path);
        return MetadataCaptionReader.Read(stream);
    }
}
