namespace TextSketch.Core.Format;

/// <summary>Unsigned LEB128: 7 bits per byte, low group first, high bit set on every byte but the last.</summary>
public static class VarInt
{
    public static void Write(List<byte> output, uint value)
    {
        while (value >= 0x80)
        {
            output.Add((byte)(value | 0x80));
            value >>= 7;
        }

        output.Add((byte)value);
    }

    public static int Size(uint value)
    {
        int size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    /// <summary>Reads a value from <paramref name="data"/>[<paramref name="position"/>..<paramref name="end"/>);
    /// false when the bytes end first or the value needs more than 32 bits.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, ref int position, int end, out uint value)
    {
        value = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            if (position >= end)
            {
                return false;
            }

            byte b = data[position++];
            if (shift == 28 && b > 0x0F)
            {
                return false;
            }

            value |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }
}
