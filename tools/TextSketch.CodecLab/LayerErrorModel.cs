using TextSketch.Core.Coding.ColorLayer;
using TextSketch.Core.Imaging;

namespace TextSketch.CodecLab;

/// <summary>
/// How well a coded colour layer will decode, without decoding it: the layer interpolated linearly between its cell
/// centres onto a finer reference grid of the image (a layer size setting with at least <see cref="ReferenceCells"/>
/// times the candidate's cells, else the finest: half the image per side), against the image's box means there; the
/// squared error in YCoCg weighted as RGB error (<see cref="YCoCg.RgbErrorWeights"/>), per reference cell. It sees
/// both what quantisation loses and what a coarser grid cannot hold, so rate control can rank layer settings by it
/// (measured against Paint-decoded PSNR here: no better than a fixed cells-per-bit rule, which the encoder uses).
/// </summary>
public sealed class LayerErrorModel
{
    /// <summary>A reference grid has at least this many times the cells of the layers it ranks.</summary>
    public const int ReferenceCells = 8;

    private readonly RgbImage _image;
    private readonly Dictionary<int, LayerPlanes> _targets = [];

    public LayerErrorModel(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        _image = image;
    }

    /// <summary>The reference grid for layers of up to <paramref name="cells"/> luma cells: the coarsest setting with
    /// at least <see cref="ReferenceCells"/> times as many, else the finest.</summary>
    public LayerGeometry ReferenceFor(long cells)
    {
        IReadOnlyList<(int Width, int Height, int Divisor)> sizes = LayerGeometry.SizesFor(_image.Width, _image.Height);
        int index = 0;
        while (index + 1 < sizes.Count && (long)sizes[index].Width * sizes[index].Height < ReferenceCells * cells)
        {
            index++;
        }

        return LayerGeometry.Create(_image.Width, _image.Height, index, halfChroma: false);
    }

    /// <summary>Mean weighted squared error (pixel levels²) of <paramref name="layer"/> on <paramref name="reference"/>
    /// (one of <see cref="ReferenceFor"/>'s grids; rank layers only on the same one).</summary>
    public double Error(LayerReconstruction layer, LayerGeometry reference)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(reference);
        LayerPlanes target;
        lock (_targets)
        {
            int key = reference.SizeIndex ?? throw new ArgumentException("The reference must be a layer size setting.", nameof(reference));
            if (!_targets.TryGetValue(key, out target!))
            {
                _targets[key] = target = LayerPlanes.FromImage(_image, reference);
            }
        }

        double total = 0;
        for (int c = 0; c < 3; c++)
        {
            float[] decoded = layer.Interpolate(c, reference.Luma);
            float[] plane = target.Plane(c);
            double sum = 0;
            for (int i = 0; i < plane.Length; i++)
            {
                double e = decoded[i] - plane[i];
                sum += e * e;
            }

            total += YCoCg.RgbErrorWeights[c] / 3.0 * sum;
        }

        return total / reference.LumaCount;
    }
}
