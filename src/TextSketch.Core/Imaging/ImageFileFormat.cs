namespace TextSketch.Core.Imaging;

public enum ImageFileFormat
{
    Png,
    Jpeg,
    Webp,
}
