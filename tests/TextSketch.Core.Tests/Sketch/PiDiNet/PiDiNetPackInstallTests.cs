using System.Security.Cryptography;
using System.Text.Json;
using TextSketch.Core.Models;
using TextSketch.Core.Models.Install;
using TextSketch.Core.Models.Torch;
using TextSketch.Core.Onnx;
using TextSketch.Core.Packs;
using TextSketch.Core.Sketch;
using TextSketch.Core.Sketch.PiDiNet;
using TextSketch.Core.Tests.Models.Torch;
using TextSketch.Core.Tests.Support;

namespace TextSketch.Core.Tests.Sketch.PiDiNet;

/// <summary>Install-TextSketchModel -Name pidinet: the checkpoint is downloaded (here from a mirror), checked,
/// converted on the machine and proven to load; anything else installs nothing.</summary>
public sealed class PiDiNetPackInstallTests : IDisposable
{
    private const string CheckpointPath = "trained_models/table5_pidinet.pth";
    private readonly TempFolder _root = new();
    private readonly LoopbackHttpServer _server = new();

    public void Dispose()
    {
        _server.Dispose();
        _root.Dispose();
    }

    [Fact]
    public void The_shipped_manifest_pins_the_authors_file_and_the_converted_graph()
    {
        ModelManifest manifest = SharedPiDiNetData.ShippedManifest();
        ModelArchive source = Assert.Single(manifest.Archives!);
        ModelFile graph = Assert.Single(manifest.Files);

        Assert.Equal(ModelPackKind.Sketch, manifest.Kind);
        Assert.Equal(new Uri("https://github.com/hellozhuo/pidinet/raw/master/trained_models/table5_pidinet.pth"),
            PackSources.Resolve(new ModelFile { Path = source.Uri, Uri = source.Uri }, manifest, null, null));
        Assert.Equal(new FileInfo(SharedPiDiNetData.Checkpoint).Length, source.Size);
        Assert.Equal(PackInstaller.Sha256Of(SharedPiDiNetData.Checkpoint), source.Sha256);
        Assert.Equal((PiDiNetRunner.ModelRole, "pidinet-checkpoint", source.Uri), (graph.Role, graph.Convert, graph.Archive));
        // The converter is deterministic, so the graph the install writes is known in advance.
        Assert.Equal(SharedPiDiNetData.Converted.Length, graph.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(SharedPiDiNetData.Converted)), graph.Sha256);
        Assert.Contains("MIT", manifest.License, StringComparison.Ordinal);
        Assert.Contains("just for research purpose, and commercial use should be contacted with authors first", manifest.License, StringComparison.Ordinal);
    }

    [Fact]
    public void Installs_by_converting_the_checkpoint_and_keeps_only_the_graph()
    {
        InstallResult result = SharedPiDiNetData.InstallOutcome;
        InstalledPack pack = SharedPiDiNetData.Pack;

        Assert.False(result.AlreadyInstalled);
        Assert.Empty(result.PinnedFiles);
        Assert.Equal(["manifest.json", "pidinet.onnx"], Directory.GetFiles(pack.Directory, "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(SharedPiDiNetData.Converted, File.ReadAllBytes(pack.PathOf(PiDiNetRunner.ModelRole)));
        // The installed manifest records the converted file's own hash (the one on disk).
        ModelFile graph = Assert.Single(pack.Manifest.Files);
        Assert.Equal(PackInstaller.Sha256Of(pack.PathOf(PiDiNetRunner.ModelRole)), graph.Sha256);
        Assert.False(Directory.Exists(Path.Combine(SharedPiDiNetData.ModelRoot, PackInstaller.StagingFolderName)));
        OnnxSignature.Check(pack.PathOf(PiDiNetRunner.ModelRole), "pidinet", PiDiNetRunner.Signature);
    }

    [Fact]
    public void Installs_over_http_and_a_second_install_is_a_no_op()
    {
        _server.Serve("mirror/" + CheckpointPath, File.ReadAllBytes(SharedPiDiNetData.Checkpoint));
        var conversion = new CountingConversion();

        InstallResult first = PackInstaller.Install(Request(SharedPiDiNetData.ShippedManifest(), conversion), new Observer());
        InstallResult again = PackInstaller.Install(Request(SharedPiDiNetData.ShippedManifest(), conversion), new Observer());

        Assert.Equal(1, conversion.Runs);
        Assert.True(again.AlreadyInstalled);
        Assert.Equal(SharedPiDiNetData.Converted, File.ReadAllBytes(first.Pack.PathOf(PiDiNetRunner.ModelRole)));
        Assert.Contains(_server.Requests, r => r.Path == "mirror/" + CheckpointPath);
    }

    [Fact]
    public void A_checkpoint_with_the_wrong_hash_is_refused_before_conversion()
    {
        byte[] damaged = File.ReadAllBytes(SharedPiDiNetData.Checkpoint);
        damaged[damaged.Length / 2] ^= 0x40;
        _server.Serve("mirror/" + CheckpointPath, damaged);
        var conversion = new CountingConversion();

        var e = Assert.Throws<ModelDownloadException>(() => PackInstaller.Install(Request(SharedPiDiNetData.ShippedManifest(), conversion), new Observer()));

        Assert.Equal("ModelFileHashMismatch", e.ErrorId);
        Assert.Contains("nothing was installed", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, conversion.Runs);
        AssertNothingInstalled();
    }

    public static TheoryData<string, string> ForeignFiles() => new()
    {
        { "not a zip", TorchCheckpointException.Corrupt },
        { "another network's state_dict", TorchCheckpointException.Mismatch },
        { "a pickle that calls os.system", TorchCheckpointException.Foreign },
    };

    /// <summary>A user's manifest (-Manifest) may trust any file by its hash; what is no PiDiNet checkpoint is one
    /// clear error naming the pack, and nothing of it stays.</summary>
    [Theory]
    [MemberData(nameof(ForeignFiles))]
    public void A_trusted_file_that_is_no_pidinet_checkpoint_installs_nothing(string what, string errorId)
    {
        byte[] file = what switch
        {
            "not a zip" => "this is not a checkpoint"u8.ToArray(),
            "another network's state_dict" => TorchZip.Zip(
                ("archive/data.pkl", PickleBytes.StateDict([("fc.weight", "FloatStorage", "0", 4, 0, [2, 2], [2, 1])])),
                ("archive/data/0", new byte[16])),
            _ => TorchZip.Zip(("archive/data.pkl", new PickleBytes().Global("os", "system").String("true").Op(0x85, (byte)'R').Stop())),
        };
        _server.Serve("mine/weights.pth", file);
        string hash = Convert.ToHexStringLower(SHA256.HashData(file));
        ModelManifest mine = ModelManifest.Parse($$"""
            { "name": "my-pidinet", "kind": "Sketch", "baseUri": "{{_server.BaseUri}}mine/",
              "archives": [ { "uri": "weights.pth", "sha256": "{{hash}}" } ],
              "files": [ { "path": "pidinet.onnx", "role": "pidinet", "archive": "weights.pth", "convert": "pidinet-checkpoint" } ] }
            """, "my-pidinet.json");

        var e = Assert.Throws<TorchCheckpointException>(() => PackInstaller.Install(new InstallRequest
        {
            Manifest = mine,
            Root = _root.Path,
            ContentCheck = PackModelCheck.Instance,
            Conversions = SketchModels.Conversions,
        }, new Observer()));

        Assert.Equal(errorId, e.ErrorId);
        Assert.StartsWith("The download for the pack 'my-pidinet' is not a PiDiNet checkpoint", e.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was installed", e.Message, StringComparison.Ordinal);
        Assert.Null(InstalledPack.Find(_root.Path, "my-pidinet"));
        Assert.False(Directory.Exists(Path.Combine(_root.Path, "my-pidinet")));
        Assert.Empty(Directory.GetFiles(_root.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_conversion_the_installer_does_not_know_is_refused()
    {
        _server.Serve("mirror/" + CheckpointPath, File.ReadAllBytes(SharedPiDiNetData.Checkpoint));

        var e = Assert.Throws<ModelPackException>(() => PackInstaller.Install(Request(SharedPiDiNetData.ShippedManifest(), null), new Observer()));

        Assert.Equal("ModelConversionUnknown", e.ErrorId);
        Assert.Contains("'pidinet-checkpoint'", e.Message, StringComparison.Ordinal);
        AssertNothingInstalled();
    }

    [Fact]
    public void A_converted_file_without_a_download_to_convert_is_an_invalid_manifest()
    {
        var e = Assert.Throws<ModelPackException>(() => ModelManifest.Parse(
            """{ "name": "x", "kind": "Sketch", "files": [ { "path": "pidinet.onnx", "convert": "pidinet-checkpoint" } ] }""", "x.json"));
        Assert.Equal("ModelManifestInvalid", e.ErrorId);
    }

    [Fact]
    public void WhatIf_counts_the_checkpoint_download_and_a_mirror_needs_no_trust()
    {
        var request = new InstallRequest { Manifest = SharedPiDiNetData.ShippedManifest(), Root = _root.Path, ContentCheck = PackModelCheck.Instance };
        InstallPlan plan = InstallPlan.For(request);

        // What comes over the wire is the checkpoint (2,871,148 bytes), not the graph made from it (2,897,912).
        Assert.Equal(2_871_148, plan.DownloadBytes);
        Assert.Equal(1, plan.Downloads);
        Assert.Equal(
            "Install model pack 'pidinet' (1 file converted on this machine, download 2.7 MiB) from github.com; every file checked against the sha256 " +
            "in the manifest; the ONNX model is loaded and signature-checked before the pack counts as installed",
            plan.Describe(PackModelCheck.Instance));

        InstallPlan mirrored = InstallPlan.For(request with { Mirror = new Uri(_server.BaseUri, "mirror/") });
        Assert.False(mirrored.Refused);
        Assert.Empty(mirrored.UncheckedFiles);
        mirrored.RequireTrustedSources();
    }

    /// <summary>A manifest that pins only the checkpoint: the graph is made from bytes its hash vouches for, so an
    /// untrusted mirror may serve it; the graph's own hash is pinned, and the warning says it was converted here.</summary>
    [Fact]
    public void A_checkpoint_with_a_known_hash_comes_from_an_untrusted_mirror_and_the_graphs_hash_is_pinned()
    {
        _server.Serve("mirror/weights.pth", File.ReadAllBytes(SharedPiDiNetData.Checkpoint));
        var observer = new Observer();

        InstallResult result = PackInstaller.Install(Request(MyPidinet(PackInstaller.Sha256Of(SharedPiDiNetData.Checkpoint)), PiDiNetPackConversion.Instance), observer);

        Assert.Equal(["pidinet.onnx"], result.PinnedFiles);
        string expected = Convert.ToHexStringLower(SHA256.HashData(SharedPiDiNetData.Converted));
        Assert.Equal(expected, Assert.Single(result.Pack.Manifest.Files).Sha256);
        Assert.Contains(observer.Notices, n => n.Contains(
            $"pinned {expected} ({SharedPiDiNetData.Converted.Length:N0} bytes) from the file converted on this machine (pidinet-checkpoint) from '{_server.BaseUri}mirror/weights.pth'",
            StringComparison.Ordinal));
        Assert.Equal(["manifest.json", "pidinet.onnx"], Directory.GetFiles(result.Pack.Directory, "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_checkpoint_without_a_known_hash_from_an_untrusted_mirror_is_refused_before_any_download()
    {
        _server.Serve("mirror/weights.pth", File.ReadAllBytes(SharedPiDiNetData.Checkpoint));

        var e = Assert.Throws<ModelPackException>(() => PackInstaller.Install(Request(MyPidinet(null), PiDiNetPackConversion.Instance), new Observer()));

        Assert.Equal("ModelMirrorUntrusted", e.ErrorId);
        Assert.Contains("no sha256 for pidinet.onnx", e.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
        Assert.Null(InstalledPack.Find(_root.Path, "my-pidinet"));
    }

    /// <summary>The converted file goes through the same model check as a downloaded one, by its role ("pidinet":
    /// <see cref="PiDiNetRunner.Signature"/>): a conversion that writes no model, or another model, installs nothing,
    /// and the checkpoint is not kept either.</summary>
    [Theory]
    [InlineData("random bytes", "ModelLoadFailed")]
    [InlineData("the tiny CLIP text model", "ModelSignatureMismatch")]
    public void A_converted_file_that_is_not_a_pidinet_graph_fails_the_model_check(string what, string errorId)
    {
        byte[] checkpoint = "stand-in checkpoint"u8.ToArray();
        _server.Serve("mirror/weights.pth", checkpoint);
        byte[] written = what == "random bytes"
            ? Enumerable.Range(0, 4096).Select(i => (byte)(i * 131 + 7)).ToArray()
            : File.ReadAllBytes(Path.Combine(TinyPacks.ModelRoot, "clip-vit-b32", "onnx", "text_model.onnx"));

        var e = Assert.Throws<ModelPackException>(() => PackInstaller.Install(
            Request(MyPidinet(Convert.ToHexStringLower(SHA256.HashData(checkpoint))), new WritingConversion(written)), new Observer()));

        Assert.Equal(errorId, e.ErrorId);
        Assert.StartsWith($"'pidinet.onnx' of the pack 'my-pidinet' (from '{_server.BaseUri}mirror/weights.pth') is not a model the pack can use", e.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was installed", e.Message, StringComparison.Ordinal);
        Assert.Null(InstalledPack.Find(_root.Path, "my-pidinet"));
        Assert.False(Directory.Exists(Path.Combine(_root.Path, "my-pidinet")));
        Assert.Empty(Directory.GetFiles(_root.Path, "*", SearchOption.AllDirectories));
    }

    /// <summary>A user's pidinet pack: the checkpoint at weights.pth with <paramref name="checkpointSha256"/> (or none),
    /// the converted graph without a size or hash.</summary>
    private ModelManifest MyPidinet(string? checkpointSha256) => ModelManifest.Parse($$"""
        { "name": "my-pidinet", "kind": "Sketch", "baseUri": "{{_server.BaseUri}}mine/",
          "archives": [ { "uri": "weights.pth", "sha256": {{JsonSerializer.Serialize(checkpointSha256)}} } ],
          "files": [ { "path": "pidinet.onnx", "role": "pidinet", "archive": "weights.pth", "convert": "pidinet-checkpoint" } ] }
        """, "my-pidinet.json");

    private InstallRequest Request(ModelManifest manifest, IPackConversion? conversion) => new()
    {
        Manifest = manifest,
        Root = _root.Path,
        Mirror = new Uri(_server.BaseUri, "mirror/"),
        ContentCheck = PackModelCheck.Instance,
        Conversions = conversion is null ? [] : [conversion],
    };

    private void AssertNothingInstalled()
    {
        Assert.Null(InstalledPack.Find(_root.Path, "pidinet"));
        Assert.False(Directory.Exists(Path.Combine(_root.Path, "pidinet")));
        Assert.Empty(Directory.GetFiles(_root.Path, "*.onnx*", SearchOption.AllDirectories));
    }

    private sealed class CountingConversion : IPackConversion
    {
        public int Runs { get; private set; }

        public string Name => PiDiNetPackConversion.Instance.Name;

        public void Convert(string sourcePath, string targetPath, string packName, CancellationToken cancellationToken)
        {
            Runs++;
            PiDiNetPackConversion.Instance.Convert(sourcePath, targetPath, packName, cancellationToken);
        }
    }

    /// <summary>A "pidinet-checkpoint" conversion that writes fixed bytes, whatever it is given.</summary>
    private sealed class WritingConversion(byte[] bytes) : IPackConversion
    {
        public string Name => PiDiNetPackConversion.Instance.Name;

        public void Convert(string sourcePath, string targetPath, string packName, CancellationToken cancellationToken) => File.WriteAllBytes(targetPath, bytes);
    }

    private sealed class Observer : IInstallObserver
    {
        public List<string> Notices { get; } = [];

        public void Progress(InstallProgress progress)
        {
        }

        public void Notice(string message) => Notices.Add(message);
    }
}
