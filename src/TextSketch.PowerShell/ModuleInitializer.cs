using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace TextSketch;

/// <summary>
/// On import, routes the one assembly the cmdlets reference directly (TextSketch.Core) into
/// <see cref="ModuleLoadContext"/>; from there its own dependencies load in that context too.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    internal const string DependencyFolderName = "dependencies";
    private const string CoreAssemblyName = "TextSketch.Core";

    private static readonly Lazy<ModuleLoadContext> Context = new(() =>
    {
        string moduleDirectory = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)
            ?? throw new InvalidOperationException("Cannot locate the TextSketch module folder.");
        return new ModuleLoadContext(Path.Combine(moduleDirectory, DependencyFolderName));
    });

    internal static ModuleLoadContext LoadContext => Context.Value;

    public void OnImport() => AssemblyLoadContext.Default.Resolving += ResolveCore;

    public void OnRemove(PSModuleInfo psModuleInfo) => AssemblyLoadContext.Default.Resolving -= ResolveCore;

    private static Assembly? ResolveCore(AssemblyLoadContext context, AssemblyName name)
    {
        if (!string.Equals(name.Name, CoreAssemblyName, StringComparison.Ordinal))
        {
            return null;
        }

        return LoadContext.LoadFromAssemblyName(name);
    }
}
