using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace TextSketch.Core.Onnx.Export;

/// <summary>
/// Writes protocol-buffer wire format: varints (wire type 0), fixed32 (5) and length-delimited fields (2). A nested
/// message is written into its own writer and then copied in as a length-delimited field. Repeated scalars are
/// written one field each (proto2's default, which every parser also reads).
/// </summary>
internal sealed class ProtobufWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new();

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary>An int32/int64/enum/bool field; negative values take ten bytes, as protobuf specifies.</summary>
    public void Int(int field, long value)
    {
        Tag(field, 0);
        Varint(unchecked((ulong)value));
    }

    public void Float(int field, float value)
    {
        Tag(field, 5);
        BinaryPrimitives.WriteSingleLittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, 2);
        Varint((ulong)value.Length);
        value.CopyTo(_buffer.GetSpan(value.Length));
        _buffer.Advance(value.Length);
    }

    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A string field written only when non-empty (an absent optional field).</summary>
    public void OptionalString(int field, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            String(field, value);
        }
    }

    public void Message(int field, Action<ProtobufWriter> write)
    {
        var inner = new ProtobufWriter();
        write(inner);
        Bytes(field, inner.WrittenSpan);
    }

    private void Tag(int field, int wireType) => Varint((ulong)((field << 3) | wireType));

    private void Varint(ulong value)
    {
        Span<byte> span = _buffer.GetSpan(10);
        int n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        _buffer.Advance(n);
    }
}
