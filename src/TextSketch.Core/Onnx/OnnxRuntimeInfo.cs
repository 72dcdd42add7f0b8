using Microsoft.ML.OnnxRuntime;

namespace TextSketch.Core.Onnx;

/// <summary>Facts about the ONNX Runtime native library this process loaded.</summary>
public static class OnnxRuntimeInfo
{
    /// <summary>The native library's version (loading it if needed): proves the native library resolves.</summary>
    public static string NativeVersion() => OrtEnv.Instance().GetVersionString();

    /// <summary>Execution providers compiled into the native library (not all may load: CUDA needs its own libraries).</summary>
    public static IReadOnlyList<string> CompiledProviders() => OrtEnv.Instance().GetAvailableProviders();
}
