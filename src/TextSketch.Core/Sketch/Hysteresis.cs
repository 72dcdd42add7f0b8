namespace TextSketch.Core.Sketch;

/// <summary>Canny's hysteresis: keep every pixel at least <c>strong</c>, and every pixel at least <c>weak</c> that is
/// 8-connected to one of those through such pixels.</summary>
public static class Hysteresis
{
    /// <summary>Marks the kept pixels in <paramref name="output"/> (which must be clear where nothing is kept yet).
    /// A weak threshold below 1 is taken as 1: pixels of strength 0 are never edges.</summary>
    public static void Trace(int[] strength, int strong, int weak, BitPlane output)
    {
        ArgumentNullException.ThrowIfNull(strength);
        ArgumentNullException.ThrowIfNull(output);
        weak = Math.Max(1, weak);
        int w = output.Width;
        int h = output.Height;
        byte[] bits = output.Bits;
        var stack = new Stack<int>();
        for (int i = 0; i < strength.Length; i++)
        {
            // Strong pixels are few: jump to the next one (a vectorised search) instead of testing each.
            int skip = strength.AsSpan(i).IndexOfAnyInRange(strong, int.MaxValue);
            if (skip < 0)
            {
                break;
            }

            i += skip;
            if (bits[i] != 0)
            {
                continue;
            }

            bits[i] = 1;
            stack.Push(i);
            while (stack.Count > 0)
            {
                int p = stack.Pop();
                int px = p % w;
                int py = p / w;
                for (int dy = -1; dy <= 1; dy++)
                {
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int nx = px + dx;
                        int ny = py + dy;
                        if ((uint)nx < (uint)w && (uint)ny < (uint)h)
                        {
                            int n = ny * w + nx;
                            if (bits[n] == 0 && strength[n] >= weak)
                            {
                                bits[n] = 1;
                                stack.Push(n);
                            }
                        }
                    }
                }
            }
        }
    }
}
