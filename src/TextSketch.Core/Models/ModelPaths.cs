using System.Runtime.InteropServices;

namespace TextSketch.Core.Models;

/// <summary>Where packs live, and the rule that a pack's files stay inside its folder.</summary>
public static class ModelPaths
{
    public const string EnvironmentVariable = "TEXTSKETCH_MODELS";

    /// <summary>The model root: <paramref name="explicitRoot"/>, else $env:TEXTSKETCH_MODELS, else the user's local
    /// data folder (~/.local/share/TextSketch/models, %LOCALAPPDATA%\TextSketch\models).</summary>
    public static string ResolveRoot(string? explicitRoot = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitRoot))
        {
            return Path.GetFullPath(explicitRoot);
        }

        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }

        string data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(data))
        {
            data = RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "AppData", "Local")
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }

        return Path.Combine(data, "TextSketch", "models");
    }

    /// <summary>Refuses absolute paths, '..' segments, and anything else that could leave the pack folder.</summary>
    public static void CheckRelative(string relativePath, string source)
    {
        if (string.IsNullOrWhiteSpace(relativePath)
            || Path.IsPathRooted(relativePath)
            || relativePath.Contains('\\', StringComparison.Ordinal)
            || relativePath.Contains(':', StringComparison.Ordinal)
            || relativePath.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            throw new ModelPackException("ModelPathEscapes",
                $"The model manifest '{source}' names the file '{relativePath}', which is not a plain relative path inside the pack folder.");
        }
    }

    /// <summary>The full path of a pack file, checked to stay inside <paramref name="packDirectory"/>.</summary>
    public static string FileInPack(string packDirectory, string relativePath)
    {
        CheckRelative(relativePath, packDirectory);
        string root = Path.GetFullPath(packDirectory);
        string full = Path.GetFullPath(Path.Combine(root, relativePath.Replace('/', Path.DirectorySeparatorChar)));
        if (!full.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ModelPackException("ModelPathEscapes", $"'{relativePath}' resolves outside the pack folder '{root}'.");
        }

        return full;
    }
}
