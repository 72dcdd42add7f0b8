using TextSketch.Core.Coding.ColorLayer;
using TextSketch.Core.Imaging;

namespace TextSketch.Core.Encoder;

/// <summary>
/// Chooses the colour layer of a record for the bits the sketch leaves: the size setting with about
/// <see cref="CellsPerBit"/> luma cells per available bit, chroma at half the luma grid up to
/// <see cref="HalfChromaBitsPerPixel"/>, the image's box means quantised to the budget by the coder's
/// rate-distortion search (<see cref="ColorLayerCoder.FitBudget"/>, filling the budget).
/// <para>The rule was measured on the Paint decoder (tools/TextSketch.CodecLab, the bench photos at 200 to 3200
/// bytes): against the best size and chroma per photo by decoded PSNR it loses 0.2 to 0.4 dB, by decoded MS-SSIM
/// 0.003 to 0.01; ranking two or three sizes per photo by an error model (the layer interpolated to half resolution)
/// recovered under 0.1 dB at two to three times the cost, and the decoder-aware fit of the values
/// (<c>Encoder.Fitting.LayerFitter</c>) changed decoded PSNR by −0.2 to +0.01 dB once quantised, at 60 to 240 ms per
/// image — so neither is used. Fewer cells per bit favour MS-SSIM, more favour PSNR.</para>
/// </summary>
public static class ColorLayerPlanner
{
    /// <summary>Fewer bytes than this buy no useful layer (the smallest setting costs about a dozen).</summary>
    public const int MinimumLayerBytes = 6;

    /// <summary>Layer bits per image pixel up to which chroma is coded at half the luma grid: below it the bits
    /// chroma detail would cost buy more as luma (MS-SSIM gains up to 0.008, PSNR loses under 0.1 dB); above, full
    /// chroma wins on both.</summary>
    public const double HalfChromaBitsPerPixel = 0.04;

    /// <summary>Luma cells per layer bit: 1 up to 0.02 bits per pixel, 1.4 above (where the finer grid keeps PSNR
    /// within reach of the best classical codecs).</summary>
    public static double CellsPerBit(double bitsPerPixel) => bitsPerPixel <= 0.02 ? 1.0 : 1.4;

    /// <summary>The layer for <paramref name="bits"/> (ideal code length in the record's stream), or null when not
    /// even the smallest setting fits. <paramref name="coding"/>: the coder's rate-distortion weights (null: its
    /// defaults, which records use).</summary>
    public static LayerTrial? Choose(RgbImage image, double bits, LayerCodingOptions? coding = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (bits < MinimumLayerBytes * 8)
        {
            return null;
        }

        double bitsPerPixel = bits / ((double)image.Width * image.Height);
        int size = NearestSize(image.Width, image.Height, CellsPerBit(bitsPerPixel) * bits);
        bool half = bitsPerPixel <= HalfChromaBitsPerPixel;
        for (; size >= 0; size--)
        {
            // A setting whose coarsest quantiser is still over the budget gives way to the next smaller one.
            LayerPlanes target = LayerPlanes.FromImage(image, LayerGeometry.Create(image.Width, image.Height, size, half));
            // The finer neighbours FitBudget can try never won on the bench photos (24 of 24 at 1400 to 6000 bits): skipped.
            if (ColorLayerCoder.FitBudget(target, bits, coding, QuantiserHint(bits, target.Geometry.LumaCount), refine: false, fill: true) is { } trial)
            {
                return trial;
            }
        }

        return null;
    }

    /// <summary>The size setting of a W x H image whose luma grid has the number of cells nearest to
    /// <paramref name="cells"/> in log scale, ties to the coarser setting; compared as ratios, so no library logarithm
    /// decides.</summary>
    public static int NearestSize(int imageWidth, int imageHeight, double cells)
    {
        IReadOnlyList<(int Width, int Height, int Divisor)> sizes = LayerGeometry.SizesFor(imageWidth, imageHeight);
        int size = 0;
        for (int i = 1; i < sizes.Count; i++)
        {
            double here = (double)sizes[i].Width * sizes[i].Height;
            double best = (double)sizes[size].Width * sizes[size].Height;
            if (Math.Max(here / cells, cells / here) < Math.Max(best / cells, cells / best))
            {
                size = i;
            }
        }

        return size;
    }

    /// <summary>Where the quantiser search starts: the quantiser photos typically need for this many bits per cell
    /// (a least-squares fit over the bench photos' layers, q ≈ 68 − 8.9 log2(bits per cell), residual 10); any start
    /// gives the same answer, a close one in fewer trials.</summary>
    internal static int QuantiserHint(double bits, long cells) =>
        (int)Math.Clamp(Math.Round(68 - (8.9 * Math.Log2(Math.Max(bits, 1) / cells))), 0, ColorLayerCoder.Quantisers - 1);
}
