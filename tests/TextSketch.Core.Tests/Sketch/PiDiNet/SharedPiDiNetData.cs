using System.Collections.Concurrent;
using TextSketch.Core.Imaging;
using TextSketch.Core.Models;
using TextSketch.Core.Models.Install;
using TextSketch.Core.Onnx;
using TextSketch.Core.Packs;
using TextSketch.Core.Sketch;
using TextSketch.Core.Sketch.PiDiNet;

namespace TextSketch.Core.Tests.Sketch.PiDiNet;

/// <summary>
/// The real PiDiNet checkpoint and the authors' reference maps in ../shared/pidinet (next to the repository root,
/// which is found by walking up from the test assembly to TextSketch.slnx). They are never copied into the repository.
/// What costs time is done once per test run and shared: the conversion, one session on the converted graph, each
/// reference photo's map, and one real install of the pidinet pack (through the installer, from a mirror folder).
/// </summary>
internal static class SharedPiDiNetData
{
    private static readonly string Scratch = Path.Combine(Path.GetTempPath(), "ts-pidinet-" + Environment.ProcessId);
    private static readonly Lazy<byte[]> ConvertedBytes = new(() => PiDiNetConverter.Convert(Checkpoint));
    private static readonly Lazy<PiDiNetRunner> SharedRunner = new(OpenRunner);
    private static readonly Lazy<(string Root, InstallResult Result)> Installed = new(RunInstall);
    private static readonly ConcurrentDictionary<string, Lazy<float[]>> Maps = new(StringComparer.Ordinal);

    public static string Folder { get; } = Locate();

    public static string Checkpoint => Path.Combine(Folder, "table5_pidinet.pth");

    public static string References => Path.Combine(Folder, "reference");

    /// <summary>The checkpoint converted once per run.</summary>
    public static byte[] Converted => ConvertedBytes.Value;

    /// <summary>A CPU session (one thread) on <see cref="Converted"/>, for the whole run.</summary>
    public static PiDiNetRunner Runner => SharedRunner.Value;

    /// <summary>A model root holding the pidinet pack as <c>Install-TextSketchModel -Name pidinet -Mirror</c> installs it.</summary>
    public static string ModelRoot => Installed.Value.Root;

    public static InstallResult InstallOutcome => Installed.Value.Result;

    public static InstalledPack Pack => InstalledPack.Require(ModelRoot, "pidinet");

    /// <summary>The reference names (NAME of NAME.input.png), sorted.</summary>
    public static IReadOnlyList<string> ReferenceNames() => Directory.GetFiles(References, "*.input.png")
        .Select(p => Path.GetFileName(p)[..^".input.png".Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    public static RgbImage ReferenceImage(string name) => ImageReader.Read(Path.Combine(References, name + ".input.png"));

    /// <summary>The converted graph's map of a reference photo at its own size, computed once per run.</summary>
    public static float[] MapOf(string name) =>
        Maps.GetOrAdd(name, n => new Lazy<float[]>(() => Runner.SoftMap(ReferenceImage(n)))).Value;

    /// <summary>A folder laid out like the checkpoint URL's relative path (trained_models/table5_pidinet.pth), as a
    /// user's mirror of github.com/hellozhuo/pidinet/raw/master/ would be.</summary>
    public static Uri MirrorOf(string folder, byte[]? checkpoint = null)
    {
        string models = Path.Combine(folder, "trained_models");
        Directory.CreateDirectory(models);
        string target = Path.Combine(models, "table5_pidinet.pth");
        if (checkpoint is null)
        {
            File.Copy(Checkpoint, target, overwrite: true);
        }
        else
        {
            File.WriteAllBytes(target, checkpoint);
        }

        return new Uri(Path.GetFullPath(folder) + Path.DirectorySeparatorChar);
    }

    /// <summary>The module's own manifest models/pidinet.json.</summary>
    public static ModelManifest ShippedManifest() => ModelManifest.Load(Path.Combine(Support.TinyPacks.ManifestDirectory, "pidinet.json"));

    private static PiDiNetRunner OpenRunner()
    {
        Directory.CreateDirectory(Scratch);
        string path = Path.Combine(Scratch, "converted.onnx");
        File.WriteAllBytes(path, Converted);
        return PiDiNetRunner.Open(new OnnxSessionFactory(ExecutionDevice.Cpu, intraOpThreads: 1), path);
    }

    private static (string, InstallResult) RunInstall()
    {
        string root = Path.Combine(Scratch, "models");
        InstallResult result = PackInstaller.Install(new InstallRequest
        {
            Manifest = ShippedManifest(),
            Root = root,
            Mirror = MirrorOf(Path.Combine(Scratch, "mirror")),
            ContentCheck = PackModelCheck.Instance,
            Conversions = SketchModels.Conversions,
        }, new NoObserver());
        return (root, result);
    }

    private static string Locate()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(Scratch, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // An open session may still hold the file on some platforms; the temp folder is left behind then.
            }
        };
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

    private sealed class NoObserver : IInstallObserver
    {
        public void Progress(InstallProgress progress)
        {
        }

        public void Notice(string message) => throw new InvalidOperationException($"The pidinet install pinned or warned unexpectedly: {message}");
    }
}
