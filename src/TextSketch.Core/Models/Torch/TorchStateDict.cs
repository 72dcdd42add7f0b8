namespace TextSketch.Core.Models.Torch;

/// <summary>The tensors of a checkpoint's state_dict, in the checkpoint's order, looked up by name.</summary>
public sealed class TorchStateDict
{
    private readonly Dictionary<string, TorchTensor> _byName;

    internal TorchStateDict(string source, IReadOnlyList<TorchTensor> tensors)
    {
        Source = source;
        Tensors = tensors;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The checkpoint's name, for messages.</summary>
    public string Source { get; }

    public IReadOnlyList<TorchTensor> Tensors { get; }

    public TorchTensor this[string name] => _byName.TryGetValue(name, out TorchTensor? tensor)
        ? tensor
        : throw new TorchCheckpointException(TorchCheckpointException.Mismatch, $"The checkpoint '{Source}' has no tensor '{name}'.");

    public bool Contains(string name) => _byName.ContainsKey(name);
}
