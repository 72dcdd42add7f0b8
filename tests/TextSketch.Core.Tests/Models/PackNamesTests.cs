using TextSketch.Core.Decoding;
using TextSketch.Core.Decoding.Diffusion;
using TextSketch.Core.Encoder;
using TextSketch.Core.Models;
using TextSketch.Core.Models.Install;
using TextSketch.Core.Tests.Support;
using TextSketch.TinyModels.Packs;
using DiffusionTinyPacks = TextSketch.Core.Tests.Decoding.Diffusion.TinyPacks;

namespace TextSketch.Core.Tests.Models;

/// <summary>A pack name that names no pack: the known packs of the parameter's kind, the closest name, and never an
/// install command for a pack the module has no manifest for.</summary>
public class PackNamesTests
{
    private static string EmptyRoot => Path.Combine(TinyPacks.ModelRoot, "empty");

    [Theory]
    [InlineData("pidnet", "pidinet", 1)]
    [InlineData("hde", "hed", 1)]
    [InlineData("sd15-cany", "sd15-canny", 1)]
    [InlineData("SD15-HED", "sd15-hed", 0)]
    [InlineData("florenc2-bse", "florence2-base", 2)]
    [InlineData("", "hed", 3)]
    public void DistanceCountsEditsAndSwapsIgnoringCase(string a, string b, int expected)
    {
        Assert.Equal(expected, PackNames.Distance(a, b));
        Assert.Equal(expected, PackNames.Distance(b, a));
    }

    [Theory]
    [InlineData("pidnet", "pidinet")]
    [InlineData("sd15-cany", "sd15-canny")]
    [InlineData("sd15-hde", "sd15-hed")]
    [InlineData("hd", "hed")]
    [InlineData("zzzz", null)]
    [InlineData("canny", null)]
    public void ClosestIsATypoOrNothing(string name, string? expected)
    {
        string[] shipped = ["clip-vit-b32", "florence2-base", "hed", "onnxruntime-cuda", "pidinet", "sd15-canny", "sd15-hed", "sd15-softedge"];
        Assert.Equal(expected, PackNames.Closest(name, shipped));
    }

    [Fact]
    public void ATypoForASketchPackSuggestsTheShippedOneAndItsInstallCommand()
    {
        ModelPackException e = Assert.Throws<ModelPackException>(() => EncoderModels.Open(new EncoderModelRequest { SketchModel = "pidnet", ModelRoot = EmptyRoot }));
        Assert.Equal("ModelPackUnknown", e.ErrorId);
        Assert.Equal(
            "No model pack named 'pidnet' is known. Did you mean 'pidinet'? It is not installed; install it with: Install-TextSketchModel -Name pidinet. " +
            "Known sketch packs: hed, pidinet. For a pack of your own, use Install-TextSketchModel -Manifest <manifest>.", e.Message);
    }

    [Fact]
    public void ANameWithNoCloseMatchListsTheKnownPacksAndSuggestsNoInstall()
    {
        ModelPackException e = Assert.Throws<ModelPackException>(() => EncoderModels.Open(new EncoderModelRequest { Captioner = "zzzz", ModelRoot = EmptyRoot }));
        Assert.Equal("ModelPackUnknown", e.ErrorId);
        Assert.DoesNotContain("Did you mean", e.Message);
        Assert.DoesNotContain("-Name", e.Message);
        Assert.Contains("Known captioner or clip packs: clip-vit-b32, florence2-base.", e.Message);
    }

    [Fact]
    public void AShippedPackOfAnotherKindIsTheWrongKindNotSomethingToInstall()
    {
        ModelPackException e = Assert.Throws<ModelPackException>(() => EncoderModels.Open(new EncoderModelRequest { SketchModel = "sd15-canny", ModelRoot = EmptyRoot }));
        Assert.Equal("ModelPackWrongKind", e.ErrorId);
        Assert.Equal("The model pack 'sd15-canny' is a Diffusion pack; -SketchModel needs a Sketch pack. Known sketch packs: hed, pidinet.", e.Message);
    }

    [Fact]
    public void ATypoForADiffusionPackNamesTheDiffusionPacksIncludingTheUsersOwn()
    {
        using var packs = new DiffusionTinyPacks();
        packs.Write("sd15-hed", new Sd15TinyOptions(), installAs: "my-diffusion");
        var options = new DecodeOptions { ModelRoot = packs.Root, ModelPack = "sd15-cany" };
        ModelPackException e = Assert.Throws<ModelPackException>(() => DiffusionDecoder.Open(options));
        Assert.Equal("ModelPackUnknown", e.ErrorId);
        Assert.StartsWith("No model pack named 'sd15-cany' is known. Did you mean 'sd15-canny'? It is not installed; install it with: Install-TextSketchModel -Name sd15-canny.", e.Message);
        Assert.Contains("Known diffusion packs: my-diffusion, sd15-canny, sd15-hed, sd15-softedge.", e.Message);

        // The user's own installed pack is suggested by name only (it has no shipped manifest to install from).
        e = Assert.Throws<ModelPackException>(() => DiffusionDecoder.Open(options with { ModelPack = "my-difusion" }));
        Assert.Contains("Did you mean 'my-diffusion'? Known", e.Message);
    }

    [Fact]
    public void AShippedPackNotInstalledStillNamesItsInstallCommand()
    {
        ModelPackException e = Assert.Throws<ModelPackException>(() => DiffusionDecoder.Open(new DecodeOptions { ModelRoot = EmptyRoot, ModelPack = "sd15-softedge" }));
        Assert.Equal("ModelPackNotInstalled", e.ErrorId);
        Assert.EndsWith("Install it with: Install-TextSketchModel -Name sd15-softedge", e.Message);
    }
}
