using TextSketch.Core.Coding;
using TextSketch.Core.Coding.ColorLayer;
using TextSketch.Core.Imaging;

namespace TextSketch.LayerLab;

/// <summary>Shared measurements: our coder's bytes and thumbnail PSNR at a setting.</summary>
internal static class Lab
{
    /// <summary>The setting whose divisor is <paramref name="divisor"/> (768x512 / 8 = 96x64).</summary>
    public static LayerGeometry GeometryFor(RgbImage image, int divisor, bool halfChroma)
    {
        var sizes = LayerGeometry.SizesFor(image.Width, image.Height);
        int index = sizes.ToList().FindIndex(s => s.Divisor == divisor);
        if (index < 0)
        {
            throw new InvalidOperationException($"No layer size with divisor {divisor} for {image.Width}x{image.Height}.");
        }

        return LayerGeometry.Create(image.Width, image.Height, index, halfChroma);
    }

    /// <summary>The thumbnail the layer stands for: the image box-averaged to the luma grid, 8-bit RGB.</summary>
    public static RgbImage Reference(RgbImage image, LayerGeometry geometry)
    {
        int[] rgb = Resampling.AreaRgb(image, geometry.LumaWidth, geometry.LumaHeight);
        return new RgbImage(geometry.LumaWidth, geometry.LumaHeight, rgb.Select(v => (byte)v).ToArray());
    }

    /// <summary>Bytes of the layer coded alone and the PSNR of its RGB thumbnail against <see cref="Reference"/>.</summary>
    public static (double Bytes, double Psnr) Measure(RgbImage image, int divisor, int quantiser, LayerCoderVariant variant, bool halfChroma, LayerCodingOptions options)
    {
        LayerGeometry geometry = GeometryFor(image, divisor, halfChroma);
        LayerPlanes target = LayerPlanes.FromImage(image, geometry);
        var encoder = new RangeEncoder();
        LayerReconstruction reconstruction = ColorLayerCoder.Encode(encoder, target, quantiser, options, variant);
        byte[] stream = encoder.Finish();
        LayerReconstruction decoded = ColorLayerCoder.Decode(new RangeDecoder(stream), image.Width, image.Height, variant);
        if (!decoded.SameAs(reconstruction))
        {
            throw new InvalidOperationException($"Round trip failed at divisor {divisor}, q {quantiser}, {variant}.");
        }

        return (stream.Length, Psnr(Reference(image, geometry), reconstruction.ToThumbnail()));
    }

    public static double Psnr(RgbImage a, RgbImage b)
    {
        double sum = 0;
        for (int i = 0; i < a.Pixels.Length; i++)
        {
            double e = a.Pixels[i] - b.Pixels[i];
            sum += e * e;
        }

        double mse = sum / a.Pixels.Length;
        return mse <= 0 ? 99 : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    /// <summary>PSNR at <paramref name="bytes"/> on the curve's upper hull, linear in log bytes (clamped at its ends).</summary>
    public static double Interpolate(IEnumerable<(double Bytes, double Psnr)> curve, double bytes)
    {
        var points = curve.OrderBy(p => p.Bytes).ToList();
        // Keep the points that improve on every cheaper one.
        var hull = new List<(double Bytes, double Psnr)>();
        foreach (var p in points)
        {
            if (hull.Count == 0 || p.Psnr > hull[^1].Psnr)
            {
                hull.Add(p);
            }
        }

        if (bytes <= hull[0].Bytes)
        {
            return hull[0].Psnr;
        }

        for (int i = 1; i < hull.Count; i++)
        {
            if (bytes <= hull[i].Bytes)
            {
                double t = Math.Log(bytes / hull[i - 1].Bytes) / Math.Log(hull[i].Bytes / hull[i - 1].Bytes);
                return hull[i - 1].Psnr + t * (hull[i].Psnr - hull[i - 1].Psnr);
            }
        }

        return hull[^1].Psnr;
    }

    /// <summary>The best PSNR among points of at most <paramref name="bytes"/> (NaN when none fits).</summary>
    public static double BestAt(IEnumerable<(double Bytes, double Psnr)> curve, double bytes)
    {
        double best = double.NaN;
        foreach ((double b, double p) in curve)
        {
            if (b <= bytes && (double.IsNaN(best) || p > best))
            {
                best = p;
            }
        }

        return best;
    }
}
