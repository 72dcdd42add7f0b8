namespace TextSketch.Core.Models.Torch;

/// <summary>
/// The tensor names and shapes an architecture needs from a state_dict. <see cref="Check"/> accepts a state_dict
/// only when it has exactly these names, each with this shape and a floating-point dtype; otherwise the error lists
/// every missing, unexpected and mis-shaped name.
/// </summary>
public sealed class StateDictSchema
{
    private readonly List<(string Name, long[] Shape)> _entries = [];

    public StateDictSchema(string architecture)
    {
        Architecture = architecture;
    }

    /// <summary>What the schema describes, for messages (e.g. "PiDiNet carv4 (CSAM + CDCM)").</summary>
    public string Architecture { get; }

    public IReadOnlyList<(string Name, long[] Shape)> Entries => _entries;

    public StateDictSchema Add(string name, params long[] shape)
    {
        if (_entries.Any(e => e.Name == name))
        {
            throw new ArgumentException($"'{name}' is in the schema twice.", nameof(name));
        }

        _entries.Add((name, shape));
        return this;
    }

    public void Check(TorchStateDict stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var problems = new List<string>();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string name, long[] shape) in _entries)
        {
            expected.Add(name);
            if (!stateDict.Contains(name))
            {
                problems.Add($"'{name}' {Text(shape)} is missing");
                continue;
            }

            TorchTensor tensor = stateDict[name];
            if (!tensor.Shape.SequenceEqual(shape))
            {
                problems.Add($"'{name}' has the shape {tensor.ShapeText}, expected {Text(shape)}");
            }
            else if (!tensor.DType.IsFloatingPoint())
            {
                problems.Add($"'{name}' holds {tensor.DType}, expected floating point");
            }
        }

        problems.AddRange(stateDict.Tensors.Where(t => !expected.Contains(t.Name)).Select(t => $"'{t.Name}' {t.ShapeText} is not part of it"));
        if (problems.Count > 0)
        {
            const int Shown = 8;
            string list = string.Join("; ", problems.Take(Shown)) + (problems.Count > Shown ? $"; and {problems.Count - Shown} more" : string.Empty);
            throw new TorchCheckpointException(TorchCheckpointException.Mismatch,
                $"The checkpoint '{stateDict.Source}' does not hold the weights of {Architecture}: {list}.");
        }
    }

    private static string Text(long[] shape) => "[" + string.Join(",", shape) + "]";
}
