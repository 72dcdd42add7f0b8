using TextSketch.Core.Imaging;

namespace TextSketch.Core.Onnx;

/// <summary>
/// Turns an <see cref="RgbImage"/> into the normalised float CHW planes vision models take; the resampling is
/// <see cref="Resampling.TrianglePlanes"/>.
/// </summary>
public static class ImageTensors
{
    /// <summary>CHW planes (R, G, B) of <paramref name="image"/> resized to <paramref name="width"/> x
    /// <paramref name="height"/>, each value (v/255 * <paramref name="scale"/> - mean[c]) / std[c].</summary>
    public static float[] Resize(RgbImage image, int width, int height, ReadOnlySpan<float> mean, ReadOnlySpan<float> std, float scale = 1f)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Region(image, 0, 0, image.Width, image.Height, width, height, mean, std, scale);
    }

    /// <summary>Like <see cref="Resize"/>, for the source rectangle (x0, y0, w, h).</summary>
    public static float[] Region(RgbImage image, int x0, int y0, int sourceWidth, int sourceHeight, int width, int height, ReadOnlySpan<float> mean, ReadOnlySpan<float> std, float scale = 1f)
    {
        float[] planes = Resampling.TrianglePlanes(image, x0, y0, sourceWidth, sourceHeight, width, height);
        int plane = width * height;
        for (int c = 0; c < 3; c++)
        {
            float m = mean.Length > c ? mean[c] : 0f;
            float s = std.Length > c ? std[c] : 1f;
            for (int i = c * plane; i < (c + 1) * plane; i++)
            {
                planes[i] = (Math.Clamp(planes[i], 0f, 255f) / 255f * scale - m) / s;
            }
        }

        return planes;
    }
}
