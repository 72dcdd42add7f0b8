namespace TextSketch.Core.Models.Torch;

/// <summary>
/// A PyTorch checkpoint that cannot be used. ErrorIds: <see cref="Corrupt"/> (damaged or truncated file, a failed
/// CRC, a storage shorter than its tensors), <see cref="Foreign"/> (the pickle asks for something a state_dict never
/// contains: a foreign global, an object-building opcode; it is refused before anything is built, and nothing in it
/// is ever run), <see cref="Mismatch"/> (the tensors' names or shapes are not those of the architecture).
/// </summary>
public sealed class TorchCheckpointException : ModelPackException
{
    public const string Corrupt = "CheckpointCorrupt";
    public const string Foreign = "CheckpointForeign";
    public const string Mismatch = "CheckpointMismatch";

    public TorchCheckpointException(string errorId, string message, Exception? inner = null)
        : base(errorId, message, inner)
    {
    }
}
