namespace TextSketch.Core.Tests.Sketch.PiDiNet;

/// <summary>
/// The real PiDiNet checkpoint and the authors' reference maps in ../shared/pidinet (next to the repository root,
/// which is found by walking up from the test assembly to TextSketch.slnx). They are never copied into the repository.
/// </summary>
internal static class SharedPiDiNetData
{
    public static string Folder { get; } = Locate();

    public static string Checkpoint => Path.Combine(Folder, "table5_pidinet.pth");

    public static string References => Path.Combine(Folder, "reference");

    /// <summary>The reference names (NAME of NAME.input.png), sorted.</summary>
    public static IReadOnlyList<string> ReferenceNames() => Directory.GetFiles(References, "*.input.png")
        .Select(p => Path.GetFileName(p)[..^".input.png".Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    private static string Locate()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TextSketch.slnx")))
            {
                string folder = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "pidinet"));
                return File.Exists(Path.Combine(folder, "table5_pidinet.pth"))
                    ? folder
                    : throw new InvalidOperationException($"The PiDiNet test data is missing: expected {folder}/table5_pidinet.pth (../shared/pidinet next to the repository).");
            }
        }

        throw new InvalidOperationException($"No TextSketch.slnx above {AppContext.BaseDirectory}: cannot find the repository root.");
    }
}
