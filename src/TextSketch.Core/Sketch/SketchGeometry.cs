namespace TextSketch.Core.Sketch;

/// <summary>How a sketch's size follows from the image size and the record's divisor.</summary>
public static class SketchGeometry
{
    public const int MaxDivisor = 4096;

    /// <summary>Smallest divisor whose sketch fits in <paramref name="targetPixels"/>.</summary>
    public static int ChooseDivisor(int width, int height, int targetPixels)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width));
        }

        targetPixels = Math.Max(1, targetPixels);
        int divisor = 1;
        while (divisor < MaxDivisor)
        {
            (int w, int h) = Size(width, height, divisor);
            if ((long)w * h <= targetPixels)
            {
                break;
            }

            divisor++;
        }

        return divisor;
    }

    /// <summary>Sketch size: each sketch pixel covers a <paramref name="divisor"/>-square of the image (edges rounded up).</summary>
    public static (int Width, int Height) Size(int width, int height, int divisor)
    {
        if (divisor < 1 || divisor > MaxDivisor)
        {
            throw new ArgumentOutOfRangeException(nameof(divisor));
        }

        return ((width + divisor - 1) / divisor, (height + divisor - 1) / divisor);
    }
}
