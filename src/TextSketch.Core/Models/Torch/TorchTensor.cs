using System.Buffers.Binary;

namespace TextSketch.Core.Models.Torch;

/// <summary>
/// One tensor of a checkpoint: a view (dtype, shape, strides in elements, offset in elements) into a raw storage.
/// The reader has checked that every element the view can reach lies inside the storage; values are read out in
/// row-major order whatever the strides, as little-endian unless the checkpoint says its byte order is big.
/// </summary>
public sealed class TorchTensor
{
    private readonly byte[] _storage;
    private readonly bool _bigEndian;

    internal TorchTensor(string name, TorchDType dtype, long[] shape, long[] strides, long storageOffset, byte[] storage, bool bigEndian)
    {
        Name = name;
        DType = dtype;
        Shape = shape;
        Strides = strides;
        StorageOffset = storageOffset;
        _storage = storage;
        _bigEndian = bigEndian;
    }

    public string Name { get; }

    public TorchDType DType { get; }

    public IReadOnlyList<long> Shape { get; }

    /// <summary>Strides in elements, as PyTorch keeps them.</summary>
    public IReadOnlyList<long> Strides { get; }

    public long StorageOffset { get; }

    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    public string ShapeText => "[" + string.Join(",", Shape) + "]";

    /// <summary>The values in row-major order as float32 (floating dtypes only: a checkpoint's weights).</summary>
    public float[] ToSingles()
    {
        if (!DType.IsFloatingPoint())
        {
            throw new TorchCheckpointException(TorchCheckpointException.Mismatch,
                $"The tensor '{Name}' holds {DType} values; weights must be floating point.");
        }

        // The reader has bounded the count (and checked it cannot overflow).
        long count = ElementCount;
        var values = new float[count];
        int rank = Shape.Count;
        var index = new long[rank];
        long position = StorageOffset;
        for (long i = 0; i < count; i++)
        {
            values[i] = ReadSingle(position);
            // Advance the row-major multi-index; the storage position follows the strides.
            for (int d = rank - 1; d >= 0; d--)
            {
                index[d]++;
                position += Strides[d];
                if (index[d] < Shape[d])
                {
                    break;
                }

                position -= Strides[d] * Shape[d];
                index[d] = 0;
            }
        }

        return values;
    }

    private float ReadSingle(long element)
    {
        int size = DType.SizeOf();
        ReadOnlySpan<byte> bytes = _storage.AsSpan(checked((int)(element * size)), size);
        return DType switch
        {
            TorchDType.Float32 => _bigEndian ? BinaryPrimitives.ReadSingleBigEndian(bytes) : BinaryPrimitives.ReadSingleLittleEndian(bytes),
            TorchDType.Float64 => (float)(_bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(bytes) : BinaryPrimitives.ReadDoubleLittleEndian(bytes)),
            TorchDType.Float16 => (float)(_bigEndian ? BinaryPrimitives.ReadHalfBigEndian(bytes) : BinaryPrimitives.ReadHalfLittleEndian(bytes)),
            // bfloat16 is the high half of a float32.
            _ => BitConverter.Int32BitsToSingle((_bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes)) << 16),
        };
    }
}
