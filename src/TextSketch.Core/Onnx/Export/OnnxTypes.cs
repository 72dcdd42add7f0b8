using System.Buffers.Binary;

namespace TextSketch.Core.Onnx.Export;

/// <summary>ONNX's TensorProto.DataType values.</summary>
public enum OnnxElementType
{
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
    UInt32 = 12,
    UInt64 = 13,
    BFloat16 = 16,
}

/// <summary>One dimension of a graph input or output: a fixed size or a symbolic name ("batch", "height").</summary>
public readonly record struct OnnxDim(long? Size, string? Symbol)
{
    public static implicit operator OnnxDim(long size) => new(size, null);

    public static implicit operator OnnxDim(string symbol) => new(null, symbol);

    public override string ToString() => Symbol ?? Size!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A constant tensor (initializer or tensor attribute), its values stored as little-endian raw_data.</summary>
public sealed class OnnxTensor
{
    private OnnxTensor(string name, OnnxElementType type, long[] dims, byte[] rawData)
    {
        long count = dims.Aggregate(1L, (a, b) => a * b);
        if (dims.Any(d => d < 0) || count * ElementSize(type) != rawData.Length)
        {
            throw new ArgumentException($"The tensor '{name}' of shape [{string.Join(",", dims)}] does not match its {rawData.Length} bytes of {type}.");
        }

        Name = name;
        ElementType = type;
        Dims = dims;
        RawData = rawData;
    }

    public string Name { get; }

    public OnnxElementType ElementType { get; }

    public IReadOnlyList<long> Dims { get; }

    public ReadOnlyMemory<byte> RawData { get; }

    public static OnnxTensor FromSingles(string name, ReadOnlySpan<float> values, params long[] dims) =>
        new(name, OnnxElementType.Float, dims, LittleEndian(values, 4, BinaryPrimitives.WriteSingleLittleEndian));

    public static OnnxTensor FromHalves(string name, ReadOnlySpan<Half> values, params long[] dims) =>
        new(name, OnnxElementType.Float16, dims, LittleEndian(values, 2, BinaryPrimitives.WriteHalfLittleEndian));

    public static OnnxTensor FromInt64s(string name, ReadOnlySpan<long> values, params long[] dims) =>
        new(name, OnnxElementType.Int64, dims, LittleEndian(values, 8, BinaryPrimitives.WriteInt64LittleEndian));

    public static OnnxTensor FromInt32s(string name, ReadOnlySpan<int> values, params long[] dims) =>
        new(name, OnnxElementType.Int32, dims, LittleEndian(values, 4, BinaryPrimitives.WriteInt32LittleEndian));

    private delegate void ElementWriter<T>(Span<byte> destination, T value);

    private static byte[] LittleEndian<T>(ReadOnlySpan<T> values, int size, ElementWriter<T> write)
    {
        var raw = new byte[values.Length * size];
        for (int i = 0; i < values.Length; i++)
        {
            write(raw.AsSpan(size * i), values[i]);
        }

        return raw;
    }

    private static int ElementSize(OnnxElementType type) => type switch
    {
        OnnxElementType.Double or OnnxElementType.Int64 or OnnxElementType.UInt64 => 8,
        OnnxElementType.Float or OnnxElementType.Int32 or OnnxElementType.UInt32 => 4,
        OnnxElementType.Float16 or OnnxElementType.BFloat16 or OnnxElementType.Int16 or OnnxElementType.UInt16 => 2,
        OnnxElementType.UInt8 or OnnxElementType.Int8 or OnnxElementType.Bool => 1,
        _ => throw new ArgumentException($"{type} tensors have no fixed element size.", nameof(type)),
    };

    internal void WriteTo(ProtobufWriter w)
    {
        foreach (long d in Dims)
        {
            w.Int(1, d); // dims
        }

        w.Int(2, (int)ElementType); // data_type
        w.OptionalString(8, Name); // name
        w.Bytes(9, RawData.Span); // raw_data
    }
}

/// <summary>A node attribute (AttributeProto) of one of the types ONNX operators take.</summary>
public sealed class OnnxAttribute
{
    private readonly Action<ProtobufWriter> _writeValue;

    private OnnxAttribute(string name, int type, Action<ProtobufWriter> writeValue)
    {
        Name = name;
        Type = type;
        _writeValue = writeValue;
    }

    public string Name { get; }

    /// <summary>AttributeProto.AttributeType: 1 float, 2 int, 3 string, 4 tensor, 6 floats, 7 ints, 8 strings.</summary>
    public int Type { get; }

    public static OnnxAttribute Int(string name, long value) => new(name, 2, w => w.Int(3, value));

    public static OnnxAttribute Float(string name, float value) => new(name, 1, w => w.Float(2, value));

    public static OnnxAttribute String(string name, string value) => new(name, 3, w => w.String(4, value));

    public static OnnxAttribute Tensor(string name, OnnxTensor value) => new(name, 4, w => w.Message(5, value.WriteTo));

    public static OnnxAttribute Ints(string name, params long[] values)
    {
        long[] copy = values.ToArray();
        return new(name, 7, w =>
        {
            foreach (long v in copy)
            {
                w.Int(8, v);
            }
        });
    }

    public static OnnxAttribute Floats(string name, params float[] values)
    {
        float[] copy = values.ToArray();
        return new(name, 6, w =>
        {
            foreach (float v in copy)
            {
                w.Float(7, v);
            }
        });
    }

    public static OnnxAttribute Strings(string name, params string[] values)
    {
        string[] copy = values.ToArray();
        return new(name, 8, w =>
        {
            foreach (string v in copy)
            {
                w.String(9, v);
            }
        });
    }

    internal void WriteTo(ProtobufWriter w)
    {
        w.String(1, Name);
        _writeValue(w);
        w.Int(20, Type);
    }
}
