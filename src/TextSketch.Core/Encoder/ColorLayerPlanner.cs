using TextSketch.Core.Coding.ColorLayer;
using TextSketch.Core.Imaging;

namespace TextSketch.Core.Encoder;

/// <summary>
/// Splits the bytes rate control leaves after header and caption between the sketch and the colour layer, and
/// chooses the layer's setting and values.
/// </summary>
public static class ColorLayerPlanner
{
    /// <summary>Fewer bytes than this buy no useful layer (the smallest setting costs about a dozen).</summary>
    public const int MinimumLayerBytes = 6;

    /// <summary>A split: the sketch step, and the coded layer (null: none).</summary>
    public sealed record Plan(SketchLadder.Step Sketch, LayerTrial? Layer, double LayerBits);

    public static Plan Choose(ImageAnalysis analysis, SketchLadder ladder, SketchLadder.Step floor, int available)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(ladder);
        int layerBytes = available - floor.Bytes - 1;
        return WithLayer(analysis, floor, layerBytes * 8.0);
    }

    /// <summary>The plan made <paramref name="over"/> bytes smaller: from the layer, else from the sketch.</summary>
    public static Plan Shrink(ImageAnalysis analysis, SketchLadder ladder, Plan plan, int over)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Layer is not null)
        {
            return WithLayer(analysis, plan.Sketch, plan.LayerBits - (8.0 * over) - 2);
        }

        return plan with { Sketch = ladder.Fit(plan.Sketch.Bytes - over, plan.Sketch.Index + 1) };
    }

    private static Plan WithLayer(ImageAnalysis analysis, SketchLadder.Step sketch, double bits)
    {
        RgbImage? image = analysis.Image;
        if (image is null || bits < MinimumLayerBytes * 8)
        {
            return new Plan(sketch, null, 0);
        }

        IReadOnlyList<(int Width, int Height, int Divisor)> sizes = LayerGeometry.SizesFor(image.Width, image.Height);
        int size = 0;
        while (size + 1 < sizes.Count && (long)sizes[size + 1].Width * sizes[size + 1].Height <= 2 * bits)
        {
            size++;
        }

        for (; size >= 0; size--)
        {
            LayerPlanes target = LayerPlanes.FromImage(image, LayerGeometry.Create(image.Width, image.Height, size, halfChroma: false));
            if (ColorLayerCoder.FitBudget(target, bits) is { } trial)
            {
                return new Plan(sketch, trial, bits);
            }
        }

        return new Plan(sketch, null, 0);
    }
}
