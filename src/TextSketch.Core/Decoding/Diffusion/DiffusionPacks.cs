using TextSketch.Core.Models;
using TextSketch.Core.Models.Install;
using TextSketch.Core.Sketch;

namespace TextSketch.Core.Decoding.Diffusion;

/// <summary>Which installed diffusion pack decodes: the one named, else (Auto) the first installed pack whose
/// ControlNet was trained on the record's kind of sketch (<see cref="PreferredFor"/>: canny for the built-in
/// detector's contours, the soft-edge and HED ControlNets for learned soft-edge sketches), then any other diffusion
/// pack in the model root. Expand-TextSketch and candidate selection use the same rule, so the candidate an encoder
/// picks is the one a default Expand reproduces.</summary>
public static class DiffusionPacks
{
    /// <summary>The preference for the built-in detector's sketches (and the packs install messages name).</summary>
    public static readonly IReadOnlyList<string> Preferred = ["sd15-canny", "sd15-hed", "sd15-softedge"];

    private static readonly IReadOnlyList<string> ForHed = ["sd15-hed", "sd15-softedge", "sd15-canny"];

    // ControlNet 1.1's soft-edge model takes PiDiNet maps ("SoftEdge_PIDI" is one of its annotators).
    private static readonly IReadOnlyList<string> ForPiDiNet = ["sd15-softedge", "sd15-hed", "sd15-canny"];

    /// <summary>The packs Auto tries, in order, for a record whose sketch came from <paramref name="source"/>.</summary>
    public static IReadOnlyList<string> PreferredFor(SketchSource source) => source switch
    {
        SketchSource.Hed => ForHed,
        SketchSource.PiDiNet => ForPiDiNet,
        _ => Preferred,
    };

    /// <summary>The named pack (required, and of the diffusion kind; <see cref="PackNames.Require"/> words what is wrong).</summary>
    public static InstalledPack Require(string root, string? name) =>
        PackNames.Require(root, name ?? Preferred[0], "-ModelPack", ModelPackKind.Diffusion);

    /// <summary>The pack Auto uses for sketches of <paramref name="source"/>, or null when no diffusion pack is installed.</summary>
    public static InstalledPack? FindDefault(string root, SketchSource source = SketchSource.BuiltIn)
    {
        IReadOnlyList<string> preferred = PreferredFor(source);
        IEnumerable<string> others = Directory.Exists(root)
            ? Directory.EnumerateDirectories(root).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal)
            : [];
        foreach (string name in preferred.Concat(others.Except(preferred)))
        {
            InstalledPack? pack;
            try
            {
                pack = InstalledPack.Find(root, name);
            }
            catch (ModelPackException)
            {
                // A folder with a broken manifest is not a usable pack; Auto moves on.
                continue;
            }

            if (pack?.Manifest.Kind == ModelPackKind.Diffusion)
            {
                return pack;
            }
        }

        return null;
    }
}
