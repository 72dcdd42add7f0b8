using TextSketch.Core.Format;
using TextSketch.Core.Imaging;

namespace TextSketch.Core.Decoding;

/// <summary>What Expand-TextSketch writes: the reconstructed image, or the record's sketch layer itself.</summary>
public enum DecodeLayer
{
    Image,
    Sketch,
}

/// <summary>The sketch layer as an image (-Layer Sketch): no decoder involved.</summary>
public static class SketchLayerImage
{
    /// <summary>The sketch itself, black edges on white, at its own size: exactly the bitmap the sketch coder coded.
    /// A Text-mode record has none (<c>NoSketchLayer</c>).</summary>
    public static RgbImage Render(TskDocument document, string name)
    {
        ArgumentNullException.ThrowIfNull(document);
        Sketch.BitPlane sketch = document.Sketch?.Bitmap
            ?? throw new TextSketchException("NoSketchLayer", $"'{name}' is a Text-mode record: it has no sketch layer.");
        var image = new RgbImage(Math.Max(1, sketch.Width), Math.Max(1, sketch.Height));
        Array.Fill(image.Pixels, (byte)255);
        for (int i = 0; i < sketch.Bits.Length; i++)
        {
            if (sketch.Bits[i] != 0)
            {
                image.Pixels[3 * i] = image.Pixels[3 * i + 1] = image.Pixels[3 * i + 2] = 0;
            }
        }

        return image;
    }
}
