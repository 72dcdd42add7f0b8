using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using TextSketch.Core.Models;

namespace TextSketch.Core.Onnx;

/// <summary>
/// Which ONNX Runtime native library the process loads. The module ships the CPU build for each platform; when the
/// onnxruntime-cuda pack (the CUDA build of the same release, from Microsoft.ML.OnnxRuntime.Gpu) is installed in the
/// model root ($env:TEXTSKETCH_MODELS, else the user's default), that one loads instead, and ONNX Runtime then finds
/// its CUDA provider library beside it. The choice is made once, when ONNX Runtime is first used in the process.
/// </summary>
public static class OnnxRuntimeLibrary
{
    public const string CudaPackName = "onnxruntime-cuda";
    private const string LibraryRole = "onnxruntime";

    /// <summary>The library file loaded from the onnxruntime-cuda pack; null while none is (the module's own CPU
    /// build, or ONNX Runtime not loaded yet).</summary>
    public static string? LoadedFromPack { get; private set; }

    /// <summary>Whether ONNX Runtime's native library has been asked for in this process (it stays loaded).</summary>
    public static bool Resolved { get; private set; }

    /// <summary>The onnxruntime-cuda pack's library for this machine in <paramref name="root"/>, or null.</summary>
    public static string? CudaBuild(string root)
    {
        try
        {
            InstalledPack? pack = InstalledPack.Find(root, CudaPackName);
            return pack?.Manifest.Kind == ModelPackKind.Runtime && pack.Manifest.FileWithRole(LibraryRole) is not null
                ? pack.PathOf(LibraryRole)
                : null;
        }
        catch (ModelPackException)
        {
            // A broken pack folder is no CUDA build; Install-TextSketchModel -Force replaces it.
            return null;
        }
    }

    // Runs when TextSketch.Core loads, before any ONNX Runtime type initialises: ONNX Runtime's managed assembly
    // registers its own resolver in its first static constructor, and an assembly takes only one.
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "The resolver must be registered before any ONNX Runtime type is touched, whichever Core type is used first.")]
    internal static void Register()
    {
        OrtEnv.DisableDllImportResolver = true;
        NativeLibrary.SetDllImportResolver(typeof(OrtEnv).Assembly, Resolve);
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!string.Equals(libraryName, LibraryRole, StringComparison.Ordinal))
        {
            return IntPtr.Zero;
        }

        Resolved = true;
        string? cuda = CudaBuild(ModelPaths.ResolveRoot());
        if (cuda is not null && NativeLibrary.TryLoad(cuda, out IntPtr handle))
        {
            LoadedFromPack = cuda;
            return handle;
        }

        // Zero hands the name on to the load context: the module's (dependencies/runtimes/<rid>/native), or the
        // application's own probing (deps.json) outside the module.
        return IntPtr.Zero;
    }
}
