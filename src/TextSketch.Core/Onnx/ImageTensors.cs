using TextSketch.Core.Imaging;

namespace TextSketch.Core.Onnx;

/// <summary>
/// Turns an <see cref="RgbImage"/> into the float CHW planes vision models take. Resampling is a separable
/// triangle filter whose support widens with the reduction (antialiased like PIL's resize), computed in a fixed
/// order so the same image always gives the same tensor.
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
        ArgumentNullException.ThrowIfNull(image);
        if (width <= 0 || height <= 0 || sourceWidth <= 0 || sourceHeight <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width));
        }

        (int[] xStart, float[][] xWeights) = Weights(sourceWidth, width);
        (int[] yStart, float[][] yWeights) = Weights(sourceHeight, height);
        int plane = width * height;
        var result = new float[3 * plane];
        // Horizontal pass per source row, then vertical pass: rows[c][sy * width + ox].
        var rows = new float[3][];
        for (int c = 0; c < 3; c++)
        {
            rows[c] = new float[sourceHeight * width];
        }

        byte[] px = image.Pixels;
        for (int sy = 0; sy < sourceHeight; sy++)
        {
            int rowBase = ((y0 + sy) * image.Width + x0) * 3;
            for (int ox = 0; ox < width; ox++)
            {
                float r = 0, g = 0, b = 0;
                float[] w = xWeights[ox];
                int start = xStart[ox];
                for (int k = 0; k < w.Length; k++)
                {
                    int i = rowBase + (start + k) * 3;
                    r += w[k] * px[i];
                    g += w[k] * px[i + 1];
                    b += w[k] * px[i + 2];
                }

                rows[0][sy * width + ox] = r;
                rows[1][sy * width + ox] = g;
                rows[2][sy * width + ox] = b;
            }
        }

        for (int c = 0; c < 3; c++)
        {
            float m = mean.Length > c ? mean[c] : 0f;
            float s = std.Length > c ? std[c] : 1f;
            float[] src = rows[c];
            for (int oy = 0; oy < height; oy++)
            {
                float[] w = yWeights[oy];
                int start = yStart[oy];
                for (int ox = 0; ox < width; ox++)
                {
                    float v = 0;
                    for (int k = 0; k < w.Length; k++)
                    {
                        v += w[k] * src[(start + k) * width + ox];
                    }

                    result[c * plane + oy * width + ox] = (Math.Clamp(v, 0f, 255f) / 255f * scale - m) / s;
                }
            }
        }

        return result;
    }

    /// <summary>Triangle-filter taps for resampling <paramref name="source"/> samples to <paramref name="target"/>.</summary>
    private static (int[] Start, float[][] Weights) Weights(int source, int target)
    {
        double ratio = (double)source / target;
        double support = Math.Max(1.0, ratio);
        var starts = new int[target];
        var weights = new float[target][];
        for (int o = 0; o < target; o++)
        {
            double center = (o + 0.5) * ratio;
            int first = Math.Max(0, (int)Math.Floor(center - support));
            int last = Math.Min(source - 1, (int)Math.Ceiling(center + support));
            var w = new double[last - first + 1];
            double sum = 0;
            for (int i = first; i <= last; i++)
            {
                double t = Math.Abs((i + 0.5 - center) / support);
                double value = t < 1 ? 1 - t : 0;
                w[i - first] = value;
                sum += value;
            }

            if (sum <= 0)
            {
                int nearest = Math.Clamp((int)center, 0, source - 1);
                starts[o] = nearest;
                weights[o] = [1f];
                continue;
            }

            starts[o] = first;
            weights[o] = w.Select(v => (float)(v / sum)).ToArray();
        }

        return (starts, weights);
    }
}
