using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace TextSketch.Core.Onnx;

/// <summary>The one tensor API: managed arrays to and from <see cref="OrtValue"/>s of whatever element type a model
/// declares (float, float16, double; int64, int32; bool).</summary>
public static class OnnxTensors
{
    public static OrtValue FromFloats(TensorElementType type, float[] data, long[] shape)
    {
        switch (type)
        {
            case TensorElementType.Float:
                return OrtValue.CreateTensorValueFromMemory(data, shape);
            case TensorElementType.Float16:
                var half = new Float16[data.Length];
                for (int i = 0; i < data.Length; i++)
                {
                    half[i] = new Float16(BitConverter.HalfToUInt16Bits((Half)data[i]));
                }

                return OrtValue.CreateTensorValueFromMemory(half, shape);
            case TensorElementType.Double:
                return OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(data, v => (double)v), shape);
            default:
                throw new NotSupportedException($"Element type {type} is not a floating-point type.");
        }
    }

    public static OrtValue FromIntegers(TensorElementType type, long[] data, long[] shape) => type switch
    {
        TensorElementType.Int64 => OrtValue.CreateTensorValueFromMemory(data, shape),
        TensorElementType.Int32 => OrtValue.CreateTensorValueFromMemory(Array.ConvertAll(data, v => checked((int)v)), shape),
        _ => throw new NotSupportedException($"Element type {type} is not an integer type."),
    };

    public static OrtValue FromFloats(float[] data, params long[] shape) => FromFloats(TensorElementType.Float, data, shape);

    public static OrtValue FromLongs(long[] data, params long[] shape) => OrtValue.CreateTensorValueFromMemory(data, shape);

    public static OrtValue FromBools(bool[] data, params long[] shape) => OrtValue.CreateTensorValueFromMemory(data, shape);

    /// <summary>A scalar or 1-D numeric value of the declared type (timesteps, conditioning scales).</summary>
    public static OrtValue Number(TensorElementType type, double value, long[] shape)
    {
        int count = (int)shape.Aggregate(1L, (a, b) => a * b);
        return type switch
        {
            TensorElementType.Int64 or TensorElementType.Int32 =>
                FromIntegers(type, Enumerable.Repeat((long)Math.Round(value, MidpointRounding.ToEven), count).ToArray(), shape),
            _ => FromFloats(type, Enumerable.Repeat((float)value, count).ToArray(), shape),
        };
    }

    public static float[] ToFloats(OrtValue value)
    {
        TensorElementType type = value.GetTensorTypeAndShape().ElementDataType;
        switch (type)
        {
            case TensorElementType.Float:
                return value.GetTensorDataAsSpan<float>().ToArray();
            case TensorElementType.Float16:
                ReadOnlySpan<Float16> half = value.GetTensorDataAsSpan<Float16>();
                var result = new float[half.Length];
                for (int i = 0; i < half.Length; i++)
                {
                    result[i] = (float)BitConverter.UInt16BitsToHalf(half[i].value);
                }

                return result;
            case TensorElementType.Double:
                return Array.ConvertAll(value.GetTensorDataAsSpan<double>().ToArray(), v => (float)v);
            default:
                throw new NotSupportedException($"Element type {type} is not a floating-point type.");
        }
    }

    public static long[] Shape(OrtValue value) => value.GetTensorTypeAndShape().Shape;

    public static bool IsFloating(TensorElementType type) => type is TensorElementType.Float or TensorElementType.Float16 or TensorElementType.Double;

    public static bool IsInteger(TensorElementType type) => type is TensorElementType.Int64 or TensorElementType.Int32;
}
