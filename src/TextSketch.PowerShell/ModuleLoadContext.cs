using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace TextSketch;

/// <summary>
/// The module's own load context. TextSketch.Core and everything it needs (ImageSharp, ONNX Runtime, metadata
/// readers) load here from the module's <c>dependencies</c> folder, so another module's copy of the same library,
/// in any version, never collides with ours. Native libraries resolve from <c>runtimes/&lt;rid&gt;/native</c> there.
/// </summary>
internal sealed class ModuleLoadContext : AssemblyLoadContext
{
    private readonly string _dependencyDirectory;

    public ModuleLoadContext(string dependencyDirectory)
        : base("TextSketch", isCollectible: false)
    {
        _dependencyDirectory = dependencyDirectory;
    }

    public string DependencyDirectory => _dependencyDirectory;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        string candidate = Path.Combine(_dependencyDirectory, assemblyName.Name + ".dll");
        // Anything not shipped with the module (the framework, PowerShell itself) comes from the default context.
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        foreach (string candidate in NativeCandidates(unmanagedDllName))
        {
            if (File.Exists(candidate))
            {
                return LoadUnmanagedDllFromPath(candidate);
            }
        }

        return IntPtr.Zero;
    }

    internal IEnumerable<string> NativeCandidates(string name)
    {
        string native = Path.Combine(_dependencyDirectory, "runtimes", RuntimeIdentifier, "native");
        string[] fileNames = RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
            ? [name, name + ".dll"]
            : RuntimeInformation.IsOSPlatform(OSPlatform.OSX)
                ? [name, "lib" + name + ".dylib", name + ".dylib"]
                : [name, "lib" + name + ".so", name + ".so"];
        foreach (string fileName in fileNames)
        {
            yield return Path.Combine(native, fileName);
        }
    }

    /// <summary>The portable RID whose native folder matches this process (linux-x64, win-x64, osx-arm64, ...).</summary>
    internal static string RuntimeIdentifier
    {
        get
        {
            string os = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "win"
                : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "osx"
                : "linux";
            string arch = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 => "x64",
                Architecture.X86 => "x86",
                Architecture.Arm64 => "arm64",
                Architecture.Arm => "arm",
                var other => other.ToString().ToLowerInvariant(),
            };
            return $"{os}-{arch}";
        }
    }
}
