using TextSketch.Core.Decoding;
using TextSketch.Core.Decoding.Diffusion;
using TextSketch.Core.Decoding.Paint;
using TextSketch.Core.Decoding.Preview;
using TextSketch.Core.Models;
using TextSketch.Core.Tests.Support;
using TextSketch.TinyModels.Packs;
using DiffusionTinyPacks = TextSketch.Core.Tests.Decoding.Diffusion.TinyPacks;

namespace TextSketch.Core.Tests.Decoding;

/// <summary>The one selection rule: a name selects its decoder; Auto the first that can run, warning once when it
/// falls back from a decoder that needs weights to one that does not.</summary>
public class DecoderSelectionTests
{
    [Fact]
    public void AutoFallsBackToTheWeightFreeDecoderWithAWarningNamingTheInstallCommand()
    {
        using var empty = new TempFolder();
        TskDecoderChoice choice = TskDecoders.Choose(new DecodeOptions { ModelRoot = empty.Path });
        Assert.Same(PaintDecoder.Entry, choice.Entry);
        Assert.Same(PaintDecoder.Entry, TskDecoders.WeightFree);
        Assert.Equal("No diffusion model pack is installed, so images come from the Paint decoder (the colour layer painted edge-aware between the sketch's contours). " +
            "Install one with: Install-TextSketchModel -Name sd15-canny. Use -Decoder Paint to silence this warning.", choice.FallbackWarning);
    }

    [Fact]
    public void AutoPicksTheDiffusionDecoderWhenAPackIsInstalled()
    {
        using var packs = new DiffusionTinyPacks();
        packs.Write("sd15-hed", new Sd15TinyOptions());
        TskDecoderChoice choice = TskDecoders.Choose(new DecodeOptions { ModelRoot = packs.Root });
        Assert.Same(DiffusionDecoder.Entry, choice.Entry);
        Assert.Null(choice.FallbackWarning);
        using ITskDecoder decoder = TskDecoders.Open(choice, new DecodeOptions { ModelRoot = packs.Root });
        Assert.Equal("sd15-hed", ((DiffusionDecoder)decoder).PackName);
        Assert.False(decoder.RunsInParallel);
    }

    [Fact]
    public void AModelPackMakesAutoMeanDiffusionAndAMissingOneIsAnErrorNotAFallback()
    {
        using var empty = new TempFolder();
        var options = new DecodeOptions { ModelRoot = empty.Path, ModelPack = "sd15-hed" };
        TskDecoderChoice choice = TskDecoders.Choose(options);
        Assert.Same(DiffusionDecoder.Entry, choice.Entry);
        ModelPackException e = Assert.Throws<ModelPackException>(() => TskDecoders.Open(choice, options));
        Assert.Equal("ModelPackNotInstalled", e.ErrorId);
        Assert.Contains("Install-TextSketchModel -Name sd15-hed", e.Message);
    }

    [Theory]
    [InlineData("Preview", "Preview")]
    [InlineData("preview", "Preview")]
    [InlineData("PREVIEW", "Preview")]
    [InlineData("Paint", "Paint")]
    [InlineData("paint", "Paint")]
    public void ANameSelectsItsDecoderWhateverIsInstalled(string name, string selected)
    {
        using var packs = new DiffusionTinyPacks();
        packs.Write("sd15-canny", new Sd15TinyOptions());
        TskDecoderChoice choice = TskDecoders.Choose(new DecodeOptions { ModelRoot = packs.Root, Decoder = name });
        Assert.Same(selected == "Paint" ? PaintDecoder.Entry : PreviewDecoder.Entry, choice.Entry);
        Assert.Null(choice.FallbackWarning);
    }

    [Fact]
    public void ExplicitDiffusionWithoutAPackNamesTheDefaultPack()
    {
        using var empty = new TempFolder();
        var options = new DecodeOptions { ModelRoot = empty.Path, Decoder = "Diffusion" };
        ModelPackException e = Assert.Throws<ModelPackException>(() => TskDecoders.Open(TskDecoders.Choose(options), options));
        Assert.Contains("Install-TextSketchModel -Name sd15-canny", e.Message);
    }

    [Fact]
    public void AnUnknownNameListsTheDecoders()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => TskDecoders.Choose(new DecodeOptions { Decoder = "Magic" }));
        Assert.Contains("Auto, Diffusion, Paint, Preview", e.Message);
    }

    [Fact]
    public void EveryDecoderHasOneNameAndAutoPrefersModelsThenTheWeightFreeOne()
    {
        List<string> names = TskDecoders.All.SelectMany(e => e.Aliases.Prepend(e.Name)).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.DoesNotContain(TskDecoders.Auto, names, StringComparer.OrdinalIgnoreCase);
        // The last decoder is Auto's floor: it needs no weights and can always run.
        TskDecoderEntry floor = TskDecoders.All[^1];
        Assert.False(floor.NeedsWeights);
        Assert.Null(floor.Availability(new DecodeOptions { ModelRoot = "/nonexistent" }));
    }
}
