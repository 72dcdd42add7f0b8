using Microsoft.ML.OnnxRuntime;

namespace TextSketch.Core.Onnx;

/// <summary>
/// One ONNX model file as the codec runs it: its session (owned: Dispose releases it and its device memory), its
/// signature checked when opened so a wrong export fails with the expected and found lists rather than deep in a
/// run, and one tensor API — <see cref="OrtValue"/> in, <see cref="OrtValue"/> out (<see cref="OnnxTensors"/>
/// converts). Thread-safe for <see cref="Run"/> (ONNX Runtime sessions are).
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;

    private OnnxModel(InferenceSession session, string name)
    {
        _session = session;
        Name = name;
    }

    /// <summary>"pack/role" or another name for messages.</summary>
    public string Name { get; }

    public IReadOnlyDictionary<string, NodeMetadata> InputMetadata => _session.InputMetadata;

    public IReadOnlyDictionary<string, NodeMetadata> OutputMetadata => _session.OutputMetadata;

    /// <summary>Creates the session for <paramref name="path"/> with <paramref name="sessions"/>' provider and
    /// threads, and checks it against <paramref name="signature"/> (the session is released when the check fails).</summary>
    public static OnnxModel Open(OnnxSessionFactory sessions, string path, string name, OnnxSignatureSpec signature)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(signature);
        return Checked(sessions.Create(path), name, signature);
    }

    /// <summary>Like <see cref="Open(OnnxSessionFactory, string, string, OnnxSignatureSpec)"/>, for a model held in memory.</summary>
    public static OnnxModel Open(OnnxSessionFactory sessions, byte[] model, string name, OnnxSignatureSpec signature)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(signature);
        return Checked(sessions.Create(model, name), name, signature);
    }

    private static OnnxModel Checked(InferenceSession session, string name, OnnxSignatureSpec signature)
    {
        try
        {
            OnnxSignature.Require(session, name, signature);
            return new OnnxModel(session, name);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Runs the model; the caller disposes the returned outputs (in <paramref name="outputNames"/> order).</summary>
    public IDisposableReadOnlyCollection<OrtValue> Run(IReadOnlyCollection<string> inputNames, IReadOnlyCollection<OrtValue> inputs, IReadOnlyCollection<string> outputNames, RunOptions? runOptions = null)
    {
        if (runOptions is not null)
        {
            return _session.Run(runOptions, inputNames, inputs, outputNames);
        }

        using var options = new RunOptions();
        return _session.Run(options, inputNames, inputs, outputNames);
    }

    /// <summary>Runs with float inputs (created and released here) and returns one float output, copied out.</summary>
    public FloatTensor RunFloats(IReadOnlyList<(string Name, OrtValue Value)> inputs, string output)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        using IDisposableReadOnlyCollection<OrtValue> results = Run(inputs.Select(i => i.Name).ToList(), inputs.Select(i => i.Value).ToList(), [output]);
        return FloatTensor.From(results[0]);
    }

    public void Dispose() => _session.Dispose();
}

/// <summary>Float data and its shape, in managed memory (what a run's outputs are copied into).</summary>
public sealed record FloatTensor(float[] Data, long[] Shape)
{
    public static FloatTensor From(OrtValue value) => new(OnnxTensors.ToFloats(value), OnnxTensors.Shape(value));

    public int Dimension(int axis) => (int)Shape[axis];

    public OrtValue ToOrtValue() => OrtValue.CreateTensorValueFromMemory(Data, Shape);
}
