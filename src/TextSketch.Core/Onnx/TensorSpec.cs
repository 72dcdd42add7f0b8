using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace TextSketch.Core.Onnx;

/// <summary>An input or output a pipeline expects of a model: name, element types it accepts, and rank.</summary>
public sealed record TensorSpec(string Name, IReadOnlyList<TensorElementType> ElementTypes, int Rank)
{
    public static TensorSpec Float(string name, int rank) => new(name, [TensorElementType.Float, TensorElementType.Float16], rank);

    public static TensorSpec Of(string name, TensorElementType type, int rank) => new(name, [type], rank);

    public override string ToString() =>
        $"{Name}: {string.Join("|", ElementTypes.Select(t => t.ToString().ToLowerInvariant()))}[rank {Rank}]";
}

/// <summary>Checks a session against what the code expects, so a wrong export fails with a list, not deep in a run.</summary>
public static class OnnxSignature
{
    public static void Require(InferenceSession session, string modelName, IEnumerable<TensorSpec> inputs, IEnumerable<TensorSpec> outputs)
    {
        var problems = new List<string>();
        Check("input", session.InputMetadata, inputs, problems);
        Check("output", session.OutputMetadata, outputs, problems);
        if (problems.Count > 0)
        {
            string found = "inputs " + Describe(session.InputMetadata) + "; outputs " + Describe(session.OutputMetadata);
            throw new Models.ModelPackException("ModelSignatureMismatch",
                $"The model '{modelName}' does not have the expected signature: {string.Join("; ", problems)}. Found {found}.");
        }
    }

    public static string Describe(IReadOnlyDictionary<string, NodeMetadata> metadata) =>
        string.Join(", ", metadata.Select(kv => $"{kv.Key}: {(kv.Value.IsTensor ? kv.Value.ElementDataType.ToString().ToLowerInvariant() : kv.Value.OnnxValueType.ToString())}[rank {kv.Value.Dimensions.Length}]"));

    private static void Check(string what, IReadOnlyDictionary<string, NodeMetadata> actual, IEnumerable<TensorSpec> expected, List<string> problems)
    {
        foreach (TensorSpec spec in expected)
        {
            if (!actual.TryGetValue(spec.Name, out NodeMetadata? meta))
            {
                problems.Add($"missing {what} {spec}");
            }
            else if (!meta.IsTensor || !spec.ElementTypes.Contains(meta.ElementDataType) || meta.Dimensions.Length != spec.Rank)
            {
                problems.Add($"{what} '{spec.Name}' should be {spec}");
            }
        }
    }
}
