using TextSketch.Core.Coding.ColorLayer;
using TextSketch.Core.Imaging;

namespace TextSketch.Core.Tests.Support;

/// <summary>Coded colour layers for the records tests make.</summary>
internal static class TestLayers
{
    /// <summary>The box means of <paramref name="image"/> at layer size <paramref name="sizeIndex"/> (clamped to the
    /// image's sizes), coded at <paramref name="quantiser"/>: what a record's colour layer holds.</summary>
    public static LayerReconstruction Coded(RgbImage image, int sizeIndex = 2, int quantiser = 40, bool halfChroma = false)
    {
        int size = Math.Min(sizeIndex, LayerGeometry.SizeCount(image.Width, image.Height) - 1);
        LayerPlanes target = LayerPlanes.FromImage(image, LayerGeometry.Create(image.Width, image.Height, size, halfChroma));
        return ColorLayerCoder.Trial(target, quantiser).Reconstruction;
    }
}
