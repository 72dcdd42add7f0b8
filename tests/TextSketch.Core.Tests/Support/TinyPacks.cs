using TextSketch.TinyModels;

namespace TextSketch.Core.Tests.Support;

/// <summary>The tiny model packs (real layouts and signatures, random weights), written once per test run.</summary>
internal static class TinyPacks
{
    private static readonly Lazy<string> Root = new(() =>
    {
        string root = Path.Combine(Path.GetTempPath(), "ts-tiny-" + Environment.ProcessId);
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        TinyPackWriter.WriteAll(ManifestDirectory, root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return root;
    });

    /// <summary>A model root holding every tiny pack.</summary>
    public static string ModelRoot => Root.Value;

    /// <summary>The repository's models/ folder.</summary>
    public static string ManifestDirectory
    {
        get
        {
            for (string? directory = AppContext.BaseDirectory; directory is not null; directory = Path.GetDirectoryName(directory))
            {
                if (File.Exists(Path.Combine(directory, "models", "hed.json")))
                {
                    return Path.Combine(directory, "models");
                }
            }

            throw new DirectoryNotFoundException("Cannot find the repository's models/ folder above " + AppContext.BaseDirectory);
        }
    }
}
