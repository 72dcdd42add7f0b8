using System.Security.Cryptography;
using TextSketch.Core.Models;
using TextSketch.Core.Models.Install;
using TextSketch.Core.Packs;
using TextSketch.Core.Tests.Support;

namespace TextSketch.Core.Tests.Models;

/// <summary>
/// The install rule for hashes and models: known hashes are checked; unknown ones are pinned from the manifest's own
/// source with a warning, and refused from a mirror unless it is trusted; every ONNX model loads and has its role's
/// signature before the pack counts as installed, else nothing is installed.
/// </summary>
public sealed class InstallPolicyTests : IDisposable
{
    private readonly LoopbackHttpServer _server = new();
    private readonly TempFolder _root = new();
    private readonly Observer _observer = new();
    private readonly byte[] _tinyHed = File.ReadAllBytes(Path.Combine(TinyPacks.ModelRoot, "hed", "hed.onnx"));
    private readonly byte[] _randomBytes = RandomBytes(4096);

    public void Dispose()
    {
        _server.Dispose();
        _root.Dispose();
    }

    [Fact]
    public void RandomBytesAsHedFromAnUntrustedMirrorAreRefusedBeforeAnyDownload()
    {
        _server.Serve("mirror/annotators/hed.onnx", _randomBytes);

        var error = Assert.Throws<ModelPackException>(() => PackInstaller.Install(Request(ShippedHed()) with { Mirror = Mirror }, _observer));

        Assert.Equal("ModelMirrorUntrusted", error.ErrorId);
        Assert.Contains("hed.onnx", error.Message, StringComparison.Ordinal);
        Assert.Contains("-TrustMirror", error.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
        Assert.Null(InstalledPack.Find(_root.Path, "hed"));
    }

    [Fact]
    public void RandomBytesAsHedFromATrustedMirrorFailTheModelCheckAndInstallNothing()
    {
        _server.Serve("mirror/annotators/hed.onnx", _randomBytes);

        var error = Assert.Throws<ModelPackException>(() => PackInstaller.Install(Request(ShippedHed()) with { Mirror = Mirror, TrustMirror = true }, _observer));

        Assert.Equal("ModelLoadFailed", error.ErrorId);
        Assert.StartsWith("'hed.onnx' of the pack 'hed' (from '" + new Uri(Mirror, "annotators/hed.onnx"), error.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was installed", error.Message, StringComparison.Ordinal);
        Assert.Null(InstalledPack.Find(_root.Path, "hed"));
        Assert.False(Directory.Exists(Path.Combine(_root.Path, "hed")));
        Assert.Empty(Directory.GetFiles(_root.Path, "hed.onnx*", SearchOption.AllDirectories));
        Assert.DoesNotContain(_observer.Notices, n => n.Contains("pinned", StringComparison.Ordinal));
    }

    [Fact]
    public void RandomBytesFromTheManifestsOwnSourceFailTheModelCheckToo()
    {
        _server.Serve("hub/annotators/hed.onnx", _randomBytes);

        var error = Assert.Throws<ModelPackException>(() => PackInstaller.Install(Request(ShippedHed()), _observer));

        Assert.Equal("ModelLoadFailed", error.ErrorId);
        Assert.Contains("'hed.onnx' of the pack 'hed'", error.Message, StringComparison.Ordinal);
        Assert.Null(InstalledPack.Find(_root.Path, "hed"));
    }

    [Fact]
    public void AModelWithAnotherSignatureIsRefusedNamingWhatIsMissing()
    {
        _server.Serve("hub/annotators/hed.onnx", File.ReadAllBytes(Path.Combine(TinyPacks.ModelRoot, "clip-vit-b32", "onnx", "text_model.onnx")));

        var error = Assert.Throws<ModelPackException>(() => PackInstaller.Install(Request(ShippedHed()), _observer));

        Assert.Equal("ModelSignatureMismatch", error.ErrorId);
        Assert.Contains("missing input input: float", error.Message, StringComparison.Ordinal);
        Assert.Null(InstalledPack.Find(_root.Path, "hed"));
    }

    [Fact]
    public void AnUnhashedModelFromItsOwnSourceIsPinnedWithAWarning()
    {
        _server.Serve("hub/annotators/hed.onnx", _tinyHed);

        InstallResult result = PackInstaller.Install(Request(ShippedHed()), _observer);

        Assert.Equal(["hed.onnx"], result.PinnedFiles);
        Assert.Equal(Sha(_tinyHed), result.Pack.Manifest.Files[0].Sha256);
        string notice = Assert.Single(_observer.Notices);
        Assert.Contains($"pinned {Sha(_tinyHed)} ({_tinyHed.Length:N0} bytes) from its first download", notice, StringComparison.Ordinal);
    }

    [Fact]
    public void ATrustedMirrorsCopyIsPinnedAndTheWarningNamesTheMirror()
    {
        _server.Serve("mirror/annotators/hed.onnx", _tinyHed);

        InstallResult result = PackInstaller.Install(Request(ShippedHed()) with { Mirror = Mirror, TrustMirror = true }, _observer);

        Assert.Equal(["hed.onnx"], result.PinnedFiles);
        Assert.Contains(_observer.Notices, n => n.Contains("from the trusted mirror's copy (" + new Uri(Mirror, "annotators/hed.onnx"), StringComparison.Ordinal));
    }

    [Fact]
    public void AFileWithAKnownHashComesFromAnyMirrorAndIsCheckedAgainstIt()
    {
        ModelManifest hashed = ShippedHed() with { Files = [ShippedHed().Files[0] with { Sha256 = Sha(_tinyHed), Size = _tinyHed.Length }] };
        _server.Serve("mirror/annotators/hed.onnx", _tinyHed);

        InstallResult result = PackInstaller.Install(Request(hashed) with { Mirror = Mirror }, _observer);

        Assert.Empty(result.PinnedFiles);
        Assert.Empty(_observer.Notices);

        _server.Serve("mirror/annotators/hed.onnx", RandomBytes(_tinyHed.Length));
        var error = Assert.Throws<ModelDownloadException>(() => PackInstaller.Install(Request(hashed) with { Mirror = Mirror, Force = true }, _observer));
        Assert.Equal("ModelFileHashMismatch", error.ErrorId);
    }

    [Theory]
    [InlineData("clip-vit-b32")]
    [InlineData("florence2-base")]
    [InlineData("hed")]
    [InlineData("sd15-canny")]
    [InlineData("sd15-hed")]
    [InlineData("sd15-softedge")]
    [InlineData("pidinet")]
    public void EveryTinyPackPassesTheModelCheckOfItsKind(string pack)
    {
        // The tiny packs have the real exports' names, types and ranks: the check must accept each of their models.
        // (The tiny pidinet graph is what the install-time conversion writes: installed here as a plain file.)
        string manifestPath = Path.Combine(TinyPacks.ModelRoot, pack, ModelManifest.InstalledFileName);
        ModelManifest manifest = ModelManifest.Load(manifestPath);
        manifest = manifest with { Archives = null, Files = manifest.Files.Select(f => f.Convert is null ? f : f with { Archive = null, Convert = null }).ToList() };
        Assert.Contains(manifest.Files, f => PackModelCheck.Instance.Applies(manifest, f));

        InstallResult result = PackInstaller.Install(Request(manifest) with { ManifestLocation = new Uri(manifestPath) }, _observer);

        Assert.False(result.AlreadyInstalled);
        Assert.NotNull(InstalledPack.Find(_root.Path, pack));
    }

    [Fact]
    public void EveryShippedModelRoleHasASignature()
    {
        foreach ((string name, ModelManifest manifest) in ModelCatalog.Shipped(TinyPacks.ManifestDirectory))
        {
            foreach (ModelFile file in manifest.Files.Where(f => f.Path.EndsWith(".onnx", StringComparison.Ordinal)))
            {
                Assert.True(PackSignatures.For(manifest.Kind, file.Role) is not null, $"{name}: {file.Path} (role {file.Role})");
            }
        }
    }

    [Fact]
    public void WhatIfCountsTheRuntimePacksArchiveNotItsExtractedFiles()
    {
        ModelManifest runtime = ModelManifest.Load(Path.Combine(TinyPacks.ManifestDirectory, "onnxruntime-cuda.json"));
        InstallPlan plan = InstallPlan.For(Request(runtime));
        ModelArchive? archive = runtime.Archives!.SingleOrDefault(a => plan.Manifest.Files.Any(f => f.Archive == a.Uri));
        if (archive is null)
        {
            // No CUDA build for this platform: nothing to download.
            Assert.Empty(plan.Manifest.Files);
            return;
        }

        Assert.Equal(archive.Size, plan.DownloadBytes);
        Assert.Equal(1, plan.Downloads);
        Assert.NotEqual(plan.Manifest.TotalSize, plan.DownloadBytes);
        string text = plan.Describe(PackModelCheck.Instance);
        Assert.Contains($"3 files from 1 archive, download {InstallPlan.FormatBytes(archive.Size!.Value)}", text, StringComparison.Ordinal);
        Assert.Contains("every file checked against the sha256 in the manifest", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ONNX", text, StringComparison.Ordinal);
    }

    [Fact]
    public void WhatIfSaysHowUnhashedFilesAreTreated()
    {
        string own = InstallPlan.For(Request(ShippedHed())).Describe(PackModelCheck.Instance);
        Assert.Equal($"Install model pack 'hed' (1 file, download size unknown (the manifest gives none)) from 127.0.0.1; no sha256 in the manifest: " +
            "each file's hash is pinned from this first download (with a warning); the ONNX model is loaded and signature-checked before the pack counts as installed", own);

        string untrusted = InstallPlan.For(Request(ShippedHed()) with { Mirror = Mirror }).Describe(PackModelCheck.Instance);
        Assert.Contains("refused: no sha256 in the manifest for hed.onnx, and the mirror is not trusted (-TrustMirror)", untrusted, StringComparison.Ordinal);

        string trusted = InstallPlan.For(Request(ShippedHed()) with { Mirror = Mirror, TrustMirror = true }).Describe(PackModelCheck.Instance);
        Assert.Contains($"from the mirror {Mirror}; no sha256 in the manifest: each file's hash is pinned from this mirror's download", trusted, StringComparison.Ordinal);
    }

    private Uri Mirror => new(_server.BaseUri, "mirror/");

    /// <summary>The module's own hed manifest (no sha256, no size), its source moved to the loopback server.</summary>
    private ModelManifest ShippedHed() =>
        ModelManifest.Load(Path.Combine(TinyPacks.ManifestDirectory, "hed.json")) with { BaseUri = new Uri(_server.BaseUri, "hub/").ToString() };

    private InstallRequest Request(ModelManifest manifest) => new()
    {
        Manifest = manifest,
        Root = _root.Path,
        Timeout = TimeSpan.FromSeconds(20),
        ContentCheck = PackModelCheck.Instance,
    };

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(14).NextBytes(bytes);
        return bytes;
    }

    private static string Sha(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    private sealed class Observer : IInstallObserver
    {
        public List<string> Notices { get; } = [];

        public void Progress(InstallProgress progress)
        {
        }

        public void Notice(string message) => Notices.Add(message);
    }
}
