using System.Security.Cryptography;
using TextSketch.Core.Models;
using TextSketch.Core.Models.Install;
using TextSketch.Core.Packs;
using TextSketch.Core.Tests.Support;

namespace TextSketch.Core.Tests.Models;

public sealed class PackInstallerTests : IDisposable
{
    private readonly LoopbackHttpServer _server = new();
    private readonly TempFolder _root = new();
    private readonly Observer _observer = new();
    private readonly byte[] _weights = Bytes(300_000, 1);
    private readonly byte[] _vocab = Bytes(1_000, 2);

    public PackInstallerTests()
    {
        _server.Serve("repo/weights/model.bin", _weights);
        _server.Serve("repo/vocab.json", _vocab);
    }

    public void Dispose()
    {
        _server.Dispose();
        _root.Dispose();
    }

    [Fact]
    public void InstallsVerifiedFilesAndWritesTheManifestLast()
    {
        InstallResult result = PackInstaller.Install(Request(Manifest()), _observer);

        Assert.False(result.AlreadyInstalled);
        string pack = Path.Combine(_root.Path, "tiny");
        Assert.Equal(_weights, File.ReadAllBytes(Path.Combine(pack, "weights", "model.bin")));
        Assert.Equal(_vocab, File.ReadAllBytes(Path.Combine(pack, "vocab.json")));
        ModelManifest installed = ModelManifest.Load(Path.Combine(pack, ModelManifest.InstalledFileName));
        Assert.All(installed.Files, f => Assert.NotNull(f.Sha256));
        Assert.NotNull(InstalledPack.Find(_root.Path, "tiny"));
        Assert.False(Directory.Exists(Path.Combine(_root.Path, PackInstaller.StagingFolderName)));
        Assert.Equal(_weights.Length + _vocab.Length, result.BytesDownloaded);
        Assert.Contains(_observer.Progress, p => p.PackBytesDone == _weights.Length + _vocab.Length && p.PackBytesTotal == p.PackBytesDone);
    }

    [Fact]
    public void PinsAnUnknownHashAndSaysSo()
    {
        ModelManifest manifest = Manifest() with { Files = [new ModelFile { Path = "vocab.json", Uri = "vocab.json" }] };

        InstallResult result = PackInstaller.Install(Request(manifest), _observer);

        Assert.Equal(["vocab.json"], result.PinnedFiles);
        Assert.Contains(_observer.Notices, n => n.Contains("pinned", StringComparison.Ordinal) && n.Contains(Sha(_vocab), StringComparison.Ordinal));
        Assert.Equal(Sha(_vocab), result.Pack.Manifest.Files[0].Sha256);
        Assert.Equal(_vocab.Length, result.Pack.Manifest.Files[0].Size);
        // The manifest knew no size: progress takes the file's length from the server.
        Assert.Equal(_vocab.Length, _observer.Progress[^1].FileBytesTotal);
        Assert.Null(_observer.Progress[^1].PackBytesTotal);
    }

    [Fact]
    public void ResumesABrokenDownloadWithARangeRequest()
    {
        _server.CutAfter("repo/weights/model.bin", 100_000);

        PackInstaller.Install(Request(Manifest()), _observer);

        Assert.Equal(_weights, File.ReadAllBytes(Path.Combine(_root.Path, "tiny", "weights", "model.bin")));
        var requests = _server.Requests.Where(r => r.Path == "repo/weights/model.bin").ToList();
        Assert.Equal(2, requests.Count);
        Assert.Null(requests[0].Range);
        Assert.Equal("bytes=100000-", requests[1].Range);
        Assert.Contains(_observer.Notices, n => n.Contains("Retrying", StringComparison.Ordinal));
    }

    [Fact]
    public void AnInterruptedInstallLeavesNoPackAndTheNextRunResumes()
    {
        _server.CutAfter("repo/weights/model.bin", 120_000);

        var error = Assert.Throws<ModelDownloadException>(() => PackInstaller.Install(Request(Manifest()) with { MaxAttempts = 1 }, _observer));

        Assert.Equal("ModelDownloadInterrupted", error.ErrorId);
        Assert.Null(InstalledPack.Find(_root.Path, "tiny"));
        Assert.False(Directory.Exists(Path.Combine(_root.Path, "tiny")));
        string part = Path.Combine(_root.Path, PackInstaller.StagingFolderName, "tiny", "weights", "model.bin.part");
        Assert.Equal(120_000, new FileInfo(part).Length);

        InstallResult result = PackInstaller.Install(Request(Manifest()), _observer);

        Assert.Equal(_weights, File.ReadAllBytes(Path.Combine(result.Pack.Directory, "weights", "model.bin")));
        Assert.Equal("bytes=120000-", _server.Requests.Last(r => r.Path == "repo/weights/model.bin").Range);
    }

    [Fact]
    public void RefusesATamperedFileAndInstallsNothing()
    {
        byte[] tampered = (byte[])_weights.Clone();
        tampered[12345] ^= 0xFF;
        _server.Serve("repo/weights/model.bin", tampered);

        var error = Assert.Throws<ModelDownloadException>(() => PackInstaller.Install(Request(Manifest()), _observer));

        Assert.Equal("ModelFileHashMismatch", error.ErrorId);
        Assert.Contains("weights/model.bin", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root.Path, "tiny")));
        Assert.Empty(Directory.GetFiles(_root.Path, "*.part", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData(-10)]
    [InlineData(+10)]
    public void RefusesAFileOfTheWrongSize(int difference)
    {
        _server.Serve("repo/weights/model.bin", Bytes(_weights.Length + difference, 1));

        var error = Assert.Throws<ModelDownloadException>(() => PackInstaller.Install(Request(Manifest()), _observer));

        Assert.Equal("ModelFileSizeMismatch", error.ErrorId);
        Assert.Null(InstalledPack.Find(_root.Path, "tiny"));
    }

    [Theory]
    [InlineData("../evil.onnx")]
    [InlineData("onnx/../../evil.onnx")]
    [InlineData("/etc/evil.onnx")]
    [InlineData("C:/evil.onnx")]
    [InlineData("onnx\\..\\evil.onnx")]
    public void RefusesPathsThatEscapeThePackFolder(string path)
    {
        string json = Manifest().ToJson().Replace("\"weights/model.bin\"", System.Text.Json.JsonSerializer.Serialize(path), StringComparison.Ordinal);

        var error = Assert.Throws<ModelPackException>(() => ModelManifest.Parse(json, "evil.json"));

        Assert.Equal("ModelPathEscapes", error.ErrorId);
    }

    [Fact]
    public void RefusesALinkInsideThePackFolder()
    {
        string outside = Path.Combine(_root.Path, "outside");
        Directory.CreateDirectory(outside);
        string staging = Path.Combine(_root.Path, PackInstaller.StagingFolderName, "tiny");
        Directory.CreateDirectory(staging);
        Directory.CreateSymbolicLink(Path.Combine(staging, "weights"), outside);

        var error = Assert.Throws<ModelPackException>(() => PackInstaller.Install(Request(Manifest()), _observer));

        Assert.Equal("ModelPathEscapes", error.ErrorId);
        Assert.Empty(Directory.GetFiles(outside));
    }

    [Fact]
    public void AcceptsAModelRootThatIsALink()
    {
        string real = Path.Combine(_root.Path, "disk");
        Directory.CreateDirectory(real);
        string linked = Path.Combine(_root.Path, "models");
        Directory.CreateSymbolicLink(linked, real);

        InstallResult result = PackInstaller.Install(Request(Manifest()) with { Root = linked }, _observer);

        Assert.True(File.Exists(Path.Combine(real, "tiny", "weights", "model.bin")));
        Assert.NotNull(InstalledPack.Find(linked, "tiny"));
        Assert.False(result.AlreadyInstalled);
    }

    [Fact]
    public void FetchesTheSameRelativePathsFromAMirror()
    {
        _server.Serve("mirror/weights/model.bin", _weights);
        _server.Serve("mirror/vocab.json", _vocab);
        // The manifest's own host is a closed port: only the mirror can serve.
        ModelManifest manifest = Manifest() with { BaseUri = "http://127.0.0.1:9/repo/" };

        PackInstaller.Install(Request(manifest) with { Mirror = new Uri(_server.BaseUri, "mirror") }, _observer);

        Assert.NotNull(InstalledPack.Find(_root.Path, "tiny"));
        Assert.All(_server.Requests, r => Assert.StartsWith("mirror/", r.Path, StringComparison.Ordinal));
    }

    [Fact]
    public void NamesTheMissingUrlOn404()
    {
        ModelManifest manifest = Manifest() with { Files = [new ModelFile { Path = "gone.onnx", Size = 3 }] };

        var error = Assert.Throws<ModelDownloadException>(() => PackInstaller.Install(Request(manifest), _observer));

        Assert.Equal("ModelDownloadNotFound", error.ErrorId);
        Assert.Contains(new Uri(_server.BaseUri, "repo/gone.onnx").ToString(), error.Message, StringComparison.Ordinal);
        Assert.Null(InstalledPack.Find(_root.Path, "tiny"));
    }

    [Fact]
    public void GivesUpOnAServerThatDoesNotAnswer()
    {
        _server.Stall("repo/vocab.json");

        var error = Assert.Throws<ModelDownloadException>(() =>
            PackInstaller.Install(Request(Manifest()) with { Timeout = TimeSpan.FromMilliseconds(700), MaxAttempts = 1 }, _observer));

        Assert.Equal("ModelDownloadTimeout", error.ErrorId);
    }

    [Fact]
    public void SaysTheDiskIsFullBeforeDownloading()
    {
        ModelManifest manifest = Manifest() with { Files = [new ModelFile { Path = "huge.onnx", Size = long.MaxValue / 4 }] };

        var error = Assert.Throws<ModelDownloadException>(() => PackInstaller.Install(Request(manifest), _observer));

        Assert.Equal("ModelDiskFull", error.ErrorId);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public void KeepsAnInstalledPackUnlessForced()
    {
        PackInstaller.Install(Request(Manifest()), _observer);
        int requests = _server.Requests.Count;

        InstallResult again = PackInstaller.Install(Request(Manifest()), _observer);
        Assert.True(again.AlreadyInstalled);
        Assert.Equal(requests, _server.Requests.Count);

        InstallResult forced = PackInstaller.Install(Request(Manifest()) with { Force = true }, _observer);
        Assert.False(forced.AlreadyInstalled);
        Assert.Equal(requests * 2, _server.Requests.Count);
        Assert.Equal(_weights, File.ReadAllBytes(Path.Combine(forced.Pack.Directory, "weights", "model.bin")));
        Assert.DoesNotContain(Directory.GetDirectories(_root.Path), d => Path.GetFileName(d).StartsWith('.'));
    }

    [Fact]
    public void InstallsAUsersOwnManifestWithFilesBesideIt()
    {
        _server.Serve("mine/manifest.json", System.Text.Encoding.UTF8.GetBytes(
            """{ "name": "mine", "kind": "Sketch", "files": [ { "path": "edges.onnx", "role": "hed" } ] }"""));
        byte[] edges = File.ReadAllBytes(Path.Combine(TinyPacks.ModelRoot, "hed", "hed.onnx"));
        _server.Serve("mine/edges.onnx", edges);

        (ModelManifest manifest, Uri location) = ModelCatalog.LoadManifest(new Uri(_server.BaseUri, "mine/manifest.json").ToString(), TimeSpan.FromSeconds(10));
        InstallResult result = PackInstaller.Install(new InstallRequest { Manifest = manifest, Root = _root.Path, ManifestLocation = location, ContentCheck = PackModelCheck.Instance }, _observer);

        Assert.Equal(edges, File.ReadAllBytes(result.Pack.PathOf("hed")));
        Assert.Equal(["edges.onnx"], result.PinnedFiles);
    }

    [Fact]
    public void InstallsFromFileUris()
    {
        string source = Path.Combine(_root.Path, "source");
        Directory.CreateDirectory(Path.Combine(source, "weights"));
        File.WriteAllBytes(Path.Combine(source, "weights", "model.bin"), _weights);
        File.WriteAllBytes(Path.Combine(source, "vocab.json"), _vocab);

        InstallResult result = PackInstaller.Install(Request(Manifest() with { BaseUri = new Uri(source + "/").ToString() }), _observer);

        Assert.Equal(_weights, File.ReadAllBytes(Path.Combine(result.Pack.Directory, "weights", "model.bin")));
    }

    private InstallRequest Request(ModelManifest manifest) => new()
    {
        Manifest = manifest,
        Root = _root.Path,
        Timeout = TimeSpan.FromSeconds(20),
        ContentCheck = PackModelCheck.Instance,
    };

    private ModelManifest Manifest() => new()
    {
        Name = "tiny",
        Kind = ModelPackKind.Sketch,
        BaseUri = new Uri(_server.BaseUri, "repo/").ToString(),
        Files =
        [
            new ModelFile { Path = "weights/model.bin", Size = _weights.Length, Sha256 = Sha(_weights), Role = "weights" },
            new ModelFile { Path = "vocab.json", Size = _vocab.Length, Sha256 = Sha(_vocab), Role = "vocab" },
        ],
    };

    private static byte[] Bytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string Sha(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    private sealed class Observer : IInstallObserver
    {
        public List<InstallProgress> Progress { get; } = [];

        public List<string> Notices { get; } = [];

        void IInstallObserver.Progress(InstallProgress progress) => Progress.Add(progress);

        public void Notice(string message) => Notices.Add(message);
    }
}
