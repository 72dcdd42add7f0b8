using System.IO.Compression;
using System.Security.Cryptography;
using TextSketch.Core.Models;
using TextSketch.Core.Models.Install;
using TextSketch.Core.Packs;
using TextSketch.Core.Onnx;
using TextSketch.Core.Tests.Support;

namespace TextSketch.Core.Tests.Models;

/// <summary>Packs whose files come out of a zip archive (the onnxruntime-cuda pack's NuGet packages), and packs with
/// files for one platform only.</summary>
public sealed class PackArchiveTests : IDisposable
{
    private const string ArchiveUri = "runtime.pkg/1.0.0/runtime.pkg.1.0.0.nupkg";
    private readonly LoopbackHttpServer _server = new();
    private readonly TempFolder _root = new();
    private readonly Observer _observer = new();
    private readonly byte[] _library = Bytes(200_000, 3);
    private readonly byte[] _provider = Bytes(50_000, 4);
    private readonly byte[] _other = Bytes(10_000, 5);
    private readonly byte[] _archive;

    public PackArchiveTests()
    {
        _archive = Zip(
            ("runtimes/here/native/libexample.so", _library),
            ("runtimes/here/native/libexample_provider.so", _provider),
            ("runtimes/there/native/example.dll", _other));
        _server.Serve("feed/" + ArchiveUri, _archive);
    }

    public void Dispose()
    {
        _server.Dispose();
        _root.Dispose();
    }

    [Fact]
    public void ExtractsThisPlatformsFilesFromOneDownloadAndKeepsNoArchive()
    {
        InstallResult result = PackInstaller.Install(Request(Manifest()), _observer);

        string pack = Path.Combine(_root.Path, "runtime");
        Assert.Equal(_library, File.ReadAllBytes(Path.Combine(pack, "here", "libexample.so")));
        Assert.Equal(_provider, File.ReadAllBytes(Path.Combine(pack, "here", "libexample_provider.so")));
        Assert.False(File.Exists(Path.Combine(pack, "there", "example.dll")));
        Assert.Single(_server.Requests, r => r.Path == "feed/" + ArchiveUri);
        Assert.Equal(["here/libexample.so", "here/libexample_provider.so"], result.Pack.Manifest.Files.Select(f => f.Path));
        Assert.Equal(["here/libexample.so", "here/libexample_provider.so", "manifest.json"],
            Directory.GetFiles(pack, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(pack, f).Replace('\\', '/')).Order(StringComparer.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(_root.Path, PackInstaller.StagingFolderName)));
        Assert.Empty(result.PinnedFiles);
    }

    [Fact]
    public void RefusesATamperedArchiveAndInstallsNothing()
    {
        byte[] tampered = (byte[])_archive.Clone();
        tampered[^30] ^= 0xFF;
        _server.Serve("feed/" + ArchiveUri, tampered);

        var e = Assert.Throws<ModelDownloadException>(() => PackInstaller.Install(Request(Manifest()), _observer));

        Assert.Equal("ModelFileHashMismatch", e.ErrorId);
        Assert.Contains(ArchiveUri, e.Message, StringComparison.Ordinal);
        Assert.Null(InstalledPack.Find(_root.Path, "runtime"));
    }

    [Fact]
    public void RefusesAnEntryWhoseHashDiffersFromTheManifest()
    {
        ModelManifest manifest = Manifest();
        manifest = manifest with { Files = [manifest.Files[0] with { Sha256 = Sha(_provider) }, .. manifest.Files.Skip(1)] };

        var e = Assert.Throws<ModelDownloadException>(() => PackInstaller.Install(Request(manifest), _observer));

        Assert.Equal("ModelFileHashMismatch", e.ErrorId);
        Assert.Null(InstalledPack.Find(_root.Path, "runtime"));
    }

    [Fact]
    public void FetchesTheArchiveFromAMirrorWithTheSameRelativePath()
    {
        string mirror = Path.Combine(_root.Path, "mirror");
        string copy = Path.Combine(mirror, ArchiveUri.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.WriteAllBytes(copy, _archive);

        InstallResult result = PackInstaller.Install(Request(Manifest()) with { Mirror = new Uri(mirror + Path.DirectorySeparatorChar) }, _observer);

        Assert.Equal(_library, File.ReadAllBytes(Path.Combine(result.Pack.Directory, "here", "libexample.so")));
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public void RefusesAPackWithNoFilesForThisPlatform()
    {
        ModelManifest manifest = Manifest();
        manifest = manifest with { Files = manifest.Files.Where(f => f.Platform != PackPlatforms.Current).ToList() };

        var e = Assert.Throws<ModelPackException>(() => PackInstaller.Install(Request(manifest), _observer));

        Assert.Equal("ModelPackPlatformUnsupported", e.ErrorId);
        Assert.Contains("elsewhere-x64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheShippedCudaManifestPinsEveryArchiveAndFile()
    {
        ModelManifest manifest = ModelManifest.Load(Path.Combine(TinyPacks.ManifestDirectory, OnnxRuntimeLibrary.CudaPackName + ".json"));

        Assert.Equal(ModelPackKind.Runtime, manifest.Kind);
        Assert.NotNull(manifest.Archives);
        Assert.All(manifest.Archives!, a => Assert.True(a.Size > 0 && a.Sha256 is { Length: 64 }));
        Assert.All(manifest.Files, f => Assert.True(f.Size > 0 && f.Sha256 is { Length: 64 } && f.Entry is not null && f.Platform is not null));
        Assert.All(manifest.Files, f => Assert.Contains(manifest.Archives!, a => a.Uri == f.Archive));
        Assert.Equal(["linux-x64", "win-x64"], PackPlatforms.Named(manifest).Order(StringComparer.Ordinal));
        foreach (string platform in PackPlatforms.Named(manifest))
        {
            Assert.Single(manifest.Files, f => f.Platform == platform && f.Role == "onnxruntime");
            Assert.Single(manifest.Files, f => f.Platform == platform && f.Role == "providers_cuda");
        }
    }

    [Fact]
    public void FindsTheCudaBuildOnlyInAnInstalledRuntimePack()
    {
        Assert.Null(OnnxRuntimeLibrary.CudaBuild(_root.Path));

        ModelManifest manifest = Manifest() with { Name = OnnxRuntimeLibrary.CudaPackName };
        PackInstaller.Install(Request(manifest), _observer);

        Assert.Equal(Path.Combine(_root.Path, OnnxRuntimeLibrary.CudaPackName, "here", "libexample.so"), OnnxRuntimeLibrary.CudaBuild(_root.Path));
        File.Delete(Path.Combine(_root.Path, OnnxRuntimeLibrary.CudaPackName, "here", "libexample_provider.so"));
        Assert.Null(OnnxRuntimeLibrary.CudaBuild(_root.Path));
    }

    private InstallRequest Request(ModelManifest manifest) => new()
    {
        Manifest = manifest,
        Root = _root.Path,
        Timeout = TimeSpan.FromSeconds(20),
        ContentCheck = PackModelCheck.Instance,
    };

    /// <summary>Two files for this machine's platform and one for another, all from one archive.</summary>
    private ModelManifest Manifest() => new()
    {
        Name = "runtime",
        Kind = ModelPackKind.Runtime,
        BaseUri = new Uri(_server.BaseUri, "feed/").ToString(),
        Archives = [new ModelArchive { Uri = ArchiveUri, Size = _archive.Length, Sha256 = Sha(_archive) }],
        Files =
        [
            Entry("here/libexample.so", "onnxruntime", PackPlatforms.Current, "runtimes/here/native/libexample.so", _library),
            Entry("here/libexample_provider.so", "providers_cuda", PackPlatforms.Current, "runtimes/here/native/libexample_provider.so", _provider),
            Entry("there/example.dll", "onnxruntime", "elsewhere-x64", "runtimes/there/native/example.dll", _other),
        ],
    };

    private static ModelFile Entry(string path, string role, string platform, string entry, byte[] bytes) => new()
    {
        Path = path,
        Role = role,
        Platform = platform,
        Archive = ArchiveUri,
        Entry = entry,
        Size = bytes.Length,
        Sha256 = Sha(bytes),
    };

    private static byte[] Zip(params (string Name, byte[] Bytes)[] entries)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach ((string name, byte[] bytes) in entries)
            {
                using Stream entry = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                entry.Write(bytes);
            }
        }

        return stream.ToArray();
    }

    private static byte[] Bytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string Sha(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    private sealed class Observer : IInstallObserver
    {
        void IInstallObserver.Progress(InstallProgress progress)
        {
        }

        public void Notice(string message)
        {
        }
    }
}
