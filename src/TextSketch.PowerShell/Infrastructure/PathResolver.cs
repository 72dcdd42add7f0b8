using System.Collections.ObjectModel;
using System.Management.Automation;

namespace TextSketch.Infrastructure;

/// <summary>Path / LiteralPath resolution for file inputs, reporting each bad path as its own error.</summary>
internal static class PathResolver
{
    /// <summary>
    /// File-system paths for the given PowerShell paths: wildcards expand when <paramref name="literal"/> is false;
    /// missing paths, non-file-system providers and (unless <paramref name="allowFolders"/>) folders are reported
    /// through <paramref name="cmdlet"/> and skipped.
    /// </summary>
    public static IEnumerable<string> ResolveFiles(PSCmdlet cmdlet, IEnumerable<string> paths, bool literal, bool allowFolders = false)
    {
        foreach (string path in paths)
        {
            Collection<string> resolved;
            ProviderInfo provider;
            try
            {
                if (literal)
                {
                    string single = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
                    resolved = new Collection<string> { single };
                }
                else
                {
                    resolved = cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath(path, out provider);
                }
            }
            catch (ItemNotFoundException e)
            {
                cmdlet.WriteError(new ErrorRecord(e, "PathNotFound", ErrorCategory.ObjectNotFound, path));
                continue;
            }
            catch (Exception e) when (e is ProviderNotFoundException or System.Management.Automation.DriveNotFoundException or PSArgumentException or NotSupportedException)
            {
                cmdlet.WriteError(new ErrorRecord(e, "PathInvalid", ErrorCategory.InvalidArgument, path));
                continue;
            }

            if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
            {
                cmdlet.WriteError(new ErrorRecord(
                    new ArgumentException($"'{path}' is on the {provider.Name} provider; only file-system paths are supported."),
                    "PathNotFileSystem", ErrorCategory.InvalidArgument, path));
                continue;
            }

            foreach (string file in resolved)
            {
                if (allowFolders && Directory.Exists(file))
                {
                    yield return file;
                    continue;
                }

                if (Directory.Exists(file))
                {
                    cmdlet.WriteError(new ErrorRecord(
                        new ArgumentException($"'{file}' is a folder, not a file."), "PathIsFolder", ErrorCategory.InvalidArgument, file));
                    continue;
                }

                if (literal && !File.Exists(file))
                {
                    cmdlet.WriteError(new ErrorRecord(
                        new FileNotFoundException($"Cannot find '{file}' because it does not exist.", file), "PathNotFound", ErrorCategory.ObjectNotFound, file));
                    continue;
                }

                yield return file;
            }
        }
    }
}
