using System.Text;
using TextSketch.Core.Format;

namespace TextSketch.Core.Tests.Format;

public class PrimitivesTests
{
    [Fact]
    public void Crc32MatchesTheStandardCheckValue()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0u, Crc32.Compute([]));
    }

    [Theory]
    [InlineData(0u, new byte[] { 0x00 })]
    [InlineData(127u, new byte[] { 0x7F })]
    [InlineData(128u, new byte[] { 0x80, 0x01 })]
    [InlineData(300u, new byte[] { 0xAC, 0x02 })]
    [InlineData(uint.MaxValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })]
    public void VarIntsAreLeb128(uint value, byte[] expected)
    {
        var output = new List<byte>();
        VarInt.Write(output, value);
        Assert.Equal(expected, output);
        Assert.Equal(expected.Length, VarInt.Size(value));
        int position = 0;
        Assert.True(VarInt.TryRead(expected, ref position, expected.Length, out uint read));
        Assert.Equal(value, read);
        Assert.Equal(expected.Length, position);
    }

    [Fact]
    public void VarIntRefusesRunawayAndOverflow()
    {
        int position = 0;
        Assert.False(VarInt.TryRead(new byte[] { 0x80, 0x80 }, ref position, 2, out _));
        position = 0;
        Assert.False(VarInt.TryRead(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x1F }, ref position, 5, out _));
    }
}
