namespace TextSketch.Core.Models.Torch;

/// <summary>The element types of PyTorch's typed storages (torch.FloatStorage and its siblings).</summary>
public enum TorchDType
{
    Float32,
    Float64,
    Float16,
    BFloat16,
    Int64,
    Int32,
    Int16,
    Int8,
    UInt8,
    Bool,
}

public static class TorchDTypes
{
    /// <summary>The dtype of a storage class named in a pickle (module "torch"), or null for any other name.</summary>
    public static TorchDType? FromStorageClass(string name) => name switch
    {
        "FloatStorage" => TorchDType.Float32,
        "DoubleStorage" => TorchDType.Float64,
        "HalfStorage" => TorchDType.Float16,
        "BFloat16Storage" => TorchDType.BFloat16,
        "LongStorage" => TorchDType.Int64,
        "IntStorage" => TorchDType.Int32,
        "ShortStorage" => TorchDType.Int16,
        "CharStorage" => TorchDType.Int8,
        "ByteStorage" => TorchDType.UInt8,
        "BoolStorage" => TorchDType.Bool,
        _ => null,
    };

    public static int SizeOf(this TorchDType type) => type switch
    {
        TorchDType.Float64 or TorchDType.Int64 => 8,
        TorchDType.Float32 or TorchDType.Int32 => 4,
        TorchDType.Float16 or TorchDType.BFloat16 or TorchDType.Int16 => 2,
        _ => 1,
    };

    public static bool IsFloatingPoint(this TorchDType type) =>
        type is TorchDType.Float32 or TorchDType.Float64 or TorchDType.Float16 or TorchDType.BFloat16;
}
