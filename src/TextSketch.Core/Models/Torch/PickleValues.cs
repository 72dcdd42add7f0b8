namespace TextSketch.Core.Models.Torch;

// The values the restricted unpickler builds: plain data (null, bool, long, double, string, byte[], List<object?>)
// plus the few things a PyTorch state_dict pickle names. Nothing here can hold code or call anything.

/// <summary>A pickled tuple.</summary>
internal sealed record PickleTuple(object?[] Items);

/// <summary>A dict (or collections.OrderedDict), keys in insertion order.</summary>
internal sealed class PickleDict
{
    private readonly List<KeyValuePair<object?, object?>> _entries = [];
    private readonly Dictionary<object, int> _index = [];
    private int _nullKey = -1;

    public IReadOnlyList<KeyValuePair<object?, object?>> Entries => _entries;

    public bool TryGet(string key, out object? value)
    {
        bool found = _index.TryGetValue(key, out int at);
        value = found ? _entries[at].Value : null;
        return found;
    }

    /// <summary>Sets a key as Python's dict does: a repeated key keeps its first position and takes the new value.</summary>
    public void Set(object? key, object? value)
    {
        int at = key is null ? _nullKey : _index.GetValueOrDefault(key, -1);
        if (at >= 0)
        {
            _entries[at] = new(key, value);
            return;
        }

        if (key is null)
        {
            _nullKey = _entries.Count;
        }
        else
        {
            _index[key] = _entries.Count;
        }

        _entries.Add(new(key, value));
    }
}

/// <summary>One of the allowed globals, by its module and name; only ever compared, never resolved or called.</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>A persistent reference to a raw storage: archive entry data/<see cref="Key"/>.</summary>
internal sealed record TorchStorageRef(TorchDType DType, string Key, string Location, long ElementCount);

/// <summary>What torch._utils._rebuild_tensor_v2 would build: a strided view into a storage.</summary>
internal sealed record TorchTensorView(TorchStorageRef Storage, long StorageOffset, long[] Shape, long[] Strides);
