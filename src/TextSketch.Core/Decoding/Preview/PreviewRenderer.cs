using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Sketch;

namespace TextSketch.Core.Decoding.Preview;

/// <summary>
/// The first weight-free decoder's look (-Decoder Preview): the colour layout filled smoothly, flattened within the
/// regions the sketch encloses (so colour changes where the edges are), then the sketch lines inked over it at full
/// size. The layout is the version-1 colour hint's, or a version-2 colour layer's thumbnail (its luma grid), each
/// interpolated bilinearly the same way; a version-1 record looks exactly as it did.
/// </summary>
public static class PreviewRenderer
{
    private const int Neutral = 128;

    public static RgbImage Render(TskDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        int width = document.Width;
        int height = document.Height;
        BitPlane? sketch = document.Sketch?.Bitmap;
        if (sketch is null)
        {
            return ToImage(Layout(document, width, height), width, height);
        }

        int sw = sketch.Width;
        int sh = sketch.Height;
        int[] smooth = Layout(document, sw, sh);
        int[] shaded = ShadeRegions(smooth, sketch);
        return Upscale(shaded, sketch, width, height);
    }

    /// <summary>The record's colour as a smooth field at <paramref name="width"/> x <paramref name="height"/> (mid-grey without colour).</summary>
    private static int[] Layout(TskDocument document, int width, int height)
    {
        RgbImage? cells = document.ColorLayer?.ToThumbnail() ?? document.Color?.ToImage();
        return cells is null ? Flat(width, height) : Resampling.LinearField(cells, width, height);
    }

    private static int[] Flat(int width, int height)
    {
        var field = new int[width * height * 3];
        Array.Fill(field, Neutral);
        return field;
    }

    /// <summary>
    /// Regions are 4-connected runs of non-edge pixels (edges are walls). Each region is pulled towards its mean
    /// colour; edge pixels take the mean of their non-edge neighbours.
    /// </summary>
    private static int[] ShadeRegions(int[] field, BitPlane sketch)
    {
        int w = sketch.Width;
        int h = sketch.Height;
        int n = w * h;
        var label = new int[n];
        Array.Fill(label, -1);
        var sums = new List<(long R, long G, long B, int Count)>();
        var stack = new Stack<int>();
        for (int start = 0; start < n; start++)
        {
            if (sketch.Bits[start] != 0 || label[start] >= 0)
            {
                continue;
            }

            int id = sums.Count;
            long r = 0, g = 0, b = 0;
            int count = 0;
            label[start] = id;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int p = stack.Pop();
                r += field[3 * p];
                g += field[3 * p + 1];
                b += field[3 * p + 2];
                count++;
                int x = p % w;
                int y = p / w;
                Visit(x - 1, y);
                Visit(x + 1, y);
                Visit(x, y - 1);
                Visit(x, y + 1);
            }

            sums.Add((r, g, b, count));

            void Visit(int x, int y)
            {
                if ((uint)x < (uint)w && (uint)y < (uint)h)
                {
                    int q = y * w + x;
                    if (sketch.Bits[q] == 0 && label[q] < 0)
                    {
                        label[q] = id;
                        stack.Push(q);
                    }
                }
            }
        }

        var shaded = (int[])field.Clone();
        for (int p = 0; p < n; p++)
        {
            int id = label[p];
            if (id < 0)
            {
                continue;
            }

            (long r, long g, long b, int count) = sums[id];
            if (count < 12)
            {
                continue;
            }

            // 60 % region mean, 40 % smooth layout: flat areas bounded by edges, with a hint of the gradient.
            shaded[3 * p] = (int)((3 * r / count + 2 * field[3 * p]) / 5);
            shaded[3 * p + 1] = (int)((3 * g / count + 2 * field[3 * p + 1]) / 5);
            shaded[3 * p + 2] = (int)((3 * b / count + 2 * field[3 * p + 2]) / 5);
        }

        for (int p = 0; p < n; p++)
        {
            if (label[p] >= 0)
            {
                continue;
            }

            int x = p % w;
            int y = p / w;
            int r = 0, g = 0, b = 0, count = 0;
            for (int dy = -1; dy <= 1; dy++)
            {
                for (int dx = -1; dx <= 1; dx++)
                {
                    int nx = x + dx;
                    int ny = y + dy;
                    if ((uint)nx < (uint)w && (uint)ny < (uint)h && label[ny * w + nx] >= 0)
                    {
                        int q = ny * w + nx;
                        r += shaded[3 * q];
                        g += shaded[3 * q + 1];
                        b += shaded[3 * q + 2];
                        count++;
                    }
                }
            }

            if (count > 0)
            {
                shaded[3 * p] = r / count;
                shaded[3 * p + 1] = g / count;
                shaded[3 * p + 2] = b / count;
            }
        }

        return shaded;
    }

    /// <summary>Bilinear upscale of the shaded field, then the sketch inked as soft dark lines in the local colour.</summary>
    private static RgbImage Upscale(int[] field, BitPlane sketch, int width, int height)
    {
        int sw = sketch.Width;
        int sh = sketch.Height;
        var image = new RgbImage(width, height);
        byte[] output = image.Pixels;
        LinearTap[] columns = Resampling.LinearTaps(sw, width);
        LinearTap[] rows = Resampling.LinearTaps(sh, height);
        for (int y = 0; y < height; y++)
        {
            (int y0, int y1, double fy) = rows[y];
            for (int x = 0; x < width; x++)
            {
                (int x0, int x1, double fx) = columns[x];
                int i00 = y0 * sw + x0, i01 = y0 * sw + x1, i10 = y1 * sw + x0, i11 = y1 * sw + x1;
                double w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
                double ink = w00 * sketch.Bits[i00] + w01 * sketch.Bits[i01] + w10 * sketch.Bits[i10] + w11 * sketch.Bits[i11];
                double alpha = 0.8 * SmoothStep(0.3, 0.7, ink);
                int o = (y * width + x) * 3;
                for (int c = 0; c < 3; c++)
                {
                    double value = w00 * field[3 * i00 + c] + w01 * field[3 * i01 + c] + w10 * field[3 * i10 + c] + w11 * field[3 * i11 + c];
                    // Ink is the local colour at a third of its brightness, so lines read as shading, not as a stencil.
                    value += (value * 0.3 - value) * alpha;
                    output[o + c] = (byte)Math.Clamp((int)Math.Round(value), 0, 255);
                }
            }
        }

        return image;
    }

    private static double SmoothStep(double edge0, double edge1, double x)
    {
        double t = Math.Clamp((x - edge0) / (edge1 - edge0), 0, 1);
        return t * t * (3 - 2 * t);
    }

    private static RgbImage ToImage(int[] field, int width, int height)
    {
        var image = new RgbImage(width, height);
        for (int i = 0; i < field.Length; i++)
        {
            image.Pixels[i] = (byte)Math.Clamp(field[i], 0, 255);
        }

        return image;
    }
}
