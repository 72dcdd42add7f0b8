using System.Runtime.InteropServices;

namespace TextSketch.Core.Onnx;

/// <summary>
/// Which of the CUDA libraries ONNX Runtime's CUDA provider needs cannot be loaded, so a CPU fallback can say why
/// in words a user can act on (ONNX Runtime's own message only says a shared library failed to load).
/// </summary>
public static class CudaLibraries
{
    /// <summary>What the CUDA provider of ONNX Runtime 1.31 (the version this module ships) loads: the NVIDIA driver,
    /// the CUDA 13 runtime, cuBLAS/cuBLASLt 13, cuRAND 10 and cuDNN 9 (checked with ldd on the shipped provider).</summary>
    public static IReadOnlyList<string> Required { get; } = OperatingSystem.IsWindows()
        ? ["nvcuda.dll", "cudart64_13.dll", "cublas64_13.dll", "cublasLt64_13.dll", "curand64_10.dll", "cudnn64_9.dll"]
        : ["libcuda.so.1", "libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libcurand.so.10", "libcudnn.so.9"];

    public static IReadOnlyList<string> Missing()
    {
        var missing = new List<string>();
        foreach (string library in Required)
        {
            if (NativeLibrary.TryLoad(library, out IntPtr handle))
            {
                NativeLibrary.Free(handle);
            }
            else
            {
                missing.Add(library);
            }
        }

        return missing;
    }

    /// <summary>A sentence explaining a CUDA fallback: the missing libraries when there are any, else ORT's reason.</summary>
    public static string Explain(string reason)
    {
        IReadOnlyList<string> missing = Missing();
        if (missing.Count == 0)
        {
            return reason;
        }

        string libraries = $"{string.Join(", ", missing)} cannot be loaded (install the NVIDIA driver, the CUDA 13 runtime and cuDNN 9, or put them on the library path)";
        // Running the module's CPU build, both are needed: the CUDA build (a pack) and the libraries it loads.
        return reason.Contains(Onnx.OnnxRuntimeLibrary.CudaPackName, StringComparison.Ordinal) ? $"{reason}; and {libraries}" : libraries;
    }
}
