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

/// <summary>The inputs and outputs code expects of a model (others may exist; these must, with these types and ranks).</summary>
public sealed record OnnxSignatureSpec(IReadOnlyList<TensorSpec> Inputs, IReadOnlyList<TensorSpec> Outputs)
{
    /// <summary>Nothing required up front: for models whose wrapper checks the signature itself.</summary>
    public static OnnxSignatureSpec Any { get; } = new([], []);
}

/// <summary>Checks a model against what the code expects, so a wrong export fails with a list, not deep in a run.</summary>
public static class OnnxSignature
{
    public static void Require(InferenceSession session, string modelName, OnnxSignatureSpec signature)
    {
        ArgumentNullException.ThrowIfNull(session);
        Require(session.InputMetadata, session.OutputMetadata, modelName, signature);
    }

    /// <summary>Checks an open model (e.g. for inputs whose presence decides the rest of its signature).</summary>
    public static void Require(OnnxModel model, IReadOnlyList<TensorSpec> inputs, IReadOnlyList<TensorSpec> outputs)
    {
        ArgumentNullException.ThrowIfNull(model);
        Require(model.InputMetadata, model.OutputMetadata, model.Name, new OnnxSignatureSpec(inputs, outputs));
    }

    /// <summary>Checks a model's declared inputs and outputs against <paramref name="signature"/>.</summary>
    public static void Require(IReadOnlyDictionary<string, NodeMetadata> inputs, IReadOnlyDictionary<string, NodeMetadata> outputs, string modelName, OnnxSignatureSpec signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var problems = new List<string>();
        Check("input", inputs, signature.Inputs, problems);
        Check("output", outputs, signature.Outputs, problems);
        if (problems.Count > 0)
        {
            string found = "inputs " + Describe(inputs) + "; outputs " + Describe(outputs);
            throw new Models.ModelPackException("ModelSignatureMismatch",
                $"The model '{modelName}' does not have the expected signature: {string.Join("; ", problems)}. Found {found}.");
        }
    }

    /// <summary>Checks the ONNX file <paramref name="path"/> on its own (e.g. when a pack is installed): loads it on the
    /// CPU, checks it, releases it. A file ONNX Runtime cannot load is <c>ModelLoadFailed</c>; a wrong one
    /// <c>ModelSignatureMismatch</c>.</summary>
    public static void Check(string path, string modelName, OnnxSignatureSpec signature)
    {
        using OnnxModel model = OnnxModel.Open(new OnnxSessionFactory(ExecutionDevice.Cpu, intraOpThreads: 1), path, modelName, signature);
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
