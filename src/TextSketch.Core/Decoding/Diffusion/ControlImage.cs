using TextSketch.Core.Sketch;

namespace TextSketch.Core.Decoding.Diffusion;

/// <summary>
/// The ControlNet's condition image from a decoded sketch: white lines on black at the model resolution, drawn the
/// way each ControlNet saw edges in training. The sketch's edge pixels are joined to their 8-neighbours by line
/// segments in model coordinates (so upscaling keeps lines thin and connected instead of blocky), then drawn as
/// Canny maps (binary, about 1 px wide at 512) or HED maps (about 2 px wide, soft fall-off).
/// </summary>
public static class ControlImage
{
    /// <summary>One plane, row-major, values in [0, 1] (1 = edge).</summary>
    public static float[] Render(BitPlane sketch, int width, int height, ControlKind kind)
    {
        ArgumentNullException.ThrowIfNull(sketch);
        var plane = new float[width * height];
        if (sketch.Width == 0 || sketch.Height == 0)
        {
            return plane;
        }

        double sx = (double)width / sketch.Width;
        double sy = (double)height / sketch.Height;
        (double core, double falloff) = kind == ControlKind.Canny ? (0.6, 0.0) : (1.0, 1.5);
        for (int y = 0; y < sketch.Height; y++)
        {
            for (int x = 0; x < sketch.Width; x++)
            {
                if (!sketch[x, y])
                {
                    continue;
                }

                double ax = (x + 0.5) * sx - 0.5, ay = (y + 0.5) * sy - 0.5;
                bool joined = false;
                // Forward neighbours only, so each segment is drawn once; left/up links come from the other end.
                foreach ((int dx, int dy) in Forward)
                {
                    int nx = x + dx, ny = y + dy;
                    if (sketch.GetOrZero(nx, ny) != 0)
                    {
                        Segment(plane, width, height, ax, ay, (nx + 0.5) * sx - 0.5, (ny + 0.5) * sy - 0.5, core, falloff);
                        joined = true;
                    }
                }

                if (!joined)
                {
                    Segment(plane, width, height, ax, ay, ax, ay, core, falloff);
                }
            }
        }

        if (kind == ControlKind.Canny)
        {
            for (int i = 0; i < plane.Length; i++)
            {
                plane[i] = plane[i] >= 0.5f ? 1f : 0f;
            }
        }

        return plane;
    }

    /// <summary>[1, 3, height, width] NCHW tensor data: the plane in each channel.</summary>
    public static float[] ToTensor(float[] plane, int batch = 1)
    {
        var data = new float[plane.Length * 3 * batch];
        for (int b = 0; b < 3 * batch; b++)
        {
            Array.Copy(plane, 0, data, b * plane.Length, plane.Length);
        }

        return data;
    }

    private static readonly (int Dx, int Dy)[] Forward = [(1, 0), (-1, 1), (0, 1), (1, 1)];

    private static void Segment(float[] plane, int width, int height, double x0, double y0, double x1, double y1, double core, double falloff)
    {
        double reach = core + falloff + 1;
        int left = Math.Max(0, (int)Math.Floor(Math.Min(x0, x1) - reach));
        int right = Math.Min(width - 1, (int)Math.Ceiling(Math.Max(x0, x1) + reach));
        int top = Math.Max(0, (int)Math.Floor(Math.Min(y0, y1) - reach));
        int bottom = Math.Min(height - 1, (int)Math.Ceiling(Math.Max(y0, y1) + reach));
        double vx = x1 - x0, vy = y1 - y0;
        double lengthSquared = vx * vx + vy * vy;
        for (int py = top; py <= bottom; py++)
        {
            for (int px = left; px <= right; px++)
            {
                double t = lengthSquared == 0 ? 0 : Math.Clamp(((px - x0) * vx + (py - y0) * vy) / lengthSquared, 0, 1);
                double dx = px - (x0 + t * vx), dy = py - (y0 + t * vy);
                double distance = Math.Sqrt(dx * dx + dy * dy);
                double value = distance <= core ? 1 : falloff > 0 ? Math.Max(0, 1 - (distance - core) / falloff) : 0;
                int i = py * width + px;
                if (value > plane[i])
                {
                    plane[i] = (float)value;
                }
            }
        }
    }
}
