using TextSketch.Commands;
using TextSketch.Core.Decoding;
using TextSketch.Core.Decoding.Diffusion.Schedulers;
using TextSketch.Core.Imaging;
using TextSketch.Core.Models;
using CoreCaptionSource = TextSketch.Core.Caption.CaptionSource;
using CoreMode = TextSketch.Core.Format.TextSketchMode;

namespace TextSketch.Infrastructure;

/// <summary>Every mapping between a PowerShell-facing enum and Core's, as an explicit switch (never a cast of the
/// underlying integers, so reordering either side cannot silently change a meaning).</summary>
internal static class EnumMap
{
    public static CoreMode ToCore(TextSketchMode mode) => mode switch
    {
        TextSketchMode.TextSketch => CoreMode.TextSketch,
        TextSketchMode.Text => CoreMode.Text,
        _ => throw Unknown(mode),
    };

    public static TextSketchMode FromCore(CoreMode mode) => mode switch
    {
        CoreMode.TextSketch => TextSketchMode.TextSketch,
        CoreMode.Text => TextSketchMode.Text,
        _ => throw Unknown(mode),
    };

    public static CaptionSource FromCore(CoreCaptionSource source) => source switch
    {
        CoreCaptionSource.None => CaptionSource.None,
        CoreCaptionSource.Explicit => CaptionSource.Explicit,
        CoreCaptionSource.Metadata => CaptionSource.Metadata,
        CoreCaptionSource.Model => CaptionSource.Model,
        _ => throw Unknown(source),
    };

    public static ModelKind FromCore(ModelPackKind kind) => kind switch
    {
        ModelPackKind.Diffusion => ModelKind.Diffusion,
        ModelPackKind.Sketch => ModelKind.Sketch,
        ModelPackKind.Captioner => ModelKind.Captioner,
        ModelPackKind.Clip => ModelKind.Clip,
        ModelPackKind.Runtime => ModelKind.Runtime,
        _ => throw Unknown(kind),
    };

    public static SchedulerKind ToCore(TextSketchScheduler scheduler) => scheduler switch
    {
        TextSketchScheduler.UniPC => SchedulerKind.UniPC,
        TextSketchScheduler.DDIM => SchedulerKind.Ddim,
        TextSketchScheduler.Euler => SchedulerKind.Euler,
        TextSketchScheduler.LCM => SchedulerKind.Lcm,
        _ => throw Unknown(scheduler),
    };

    public static ImageFileFormat ToCore(TextSketchImageFormat format) => format switch
    {
        TextSketchImageFormat.Png => ImageFileFormat.Png,
        TextSketchImageFormat.Jpeg => ImageFileFormat.Jpeg,
        TextSketchImageFormat.Webp => ImageFileFormat.Webp,
        _ => throw Unknown(format),
    };

    public static DecodeLayer ToCore(TextSketchLayer layer) => layer switch
    {
        TextSketchLayer.Image => DecodeLayer.Image,
        TextSketchLayer.Sketch => DecodeLayer.Sketch,
        _ => throw Unknown(layer),
    };

    /// <summary>-Decoder: a name of Core's decoder registry (TskDecoders), which resolves it; a decoder added there
    /// needs only its name in <see cref="TextSketchDecoder"/>.</summary>
    public static string ToCoreName(TextSketchDecoder decoder) => decoder.ToString();

    private static ArgumentOutOfRangeException Unknown<T>(T value) where T : struct, Enum =>
        new(typeof(T).Name, value, $"{typeof(T).Name}.{value} has no counterpart.");
}
