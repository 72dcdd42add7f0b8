namespace TextSketch.Core.Imaging;

public sealed record ImageReadOptions
{
    public static ImageReadOptions Default { get; } = new();

    /// <summary>Images with more pixels are refused from their header, before any pixel is decoded.</summary>
    public long MaxPixels { get; init; } = TextSketchDefaults.MaxImagePixels;
}
