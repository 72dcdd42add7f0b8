using TextSketch.Core.Models;
using TextSketch.Core.Models.Install;
using TextSketch.Core.Onnx;
using TextSketch.Core.Sketch.PiDiNet;

namespace TextSketch.Core.Sketch;

/// <summary>
/// The learned sketch models behind -SketchModel: which detector runs a Sketch pack — PiDiNet when the pack has a
/// "pidinet" file, else HED (a "hed" file) — and the install-time conversions their packs need (the installer is
/// given <see cref="Conversions"/>; it knows no model itself).
/// </summary>
public static class SketchModels
{
    public static IReadOnlyList<IPackConversion> Conversions { get; } = [PiDiNetPackConversion.Instance];

    /// <summary>The detector for <paramref name="pack"/> (a Sketch pack), its model opened and its signature checked.</summary>
    public static ISketchDetector Open(InstalledPack pack, OnnxSessionFactory sessions)
    {
        ArgumentNullException.ThrowIfNull(pack);
        return pack.Manifest.FileWithRole(PiDiNetRunner.ModelRole) is not null
            ? new PiDiNetSketchDetector(pack, sessions)
            : new HedSketchDetector(pack, sessions);
    }
}
