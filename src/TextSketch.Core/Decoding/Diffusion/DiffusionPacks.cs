using TextSketch.Core.Models;

namespace TextSketch.Core.Decoding.Diffusion;

/// <summary>Which installed diffusion pack decodes: the one named, else (Auto) sd15-canny, sd15-hed, then any other
/// diffusion pack in the model root. Expand-TextSketch and candidate selection use the same rule, so the candidate an
/// encoder picks is the one a default Expand reproduces.</summary>
public static class DiffusionPacks
{
    public static readonly IReadOnlyList<string> Preferred = ["sd15-canny", "sd15-hed"];

    /// <summary>The named pack (required, and of the diffusion kind).</summary>
    public static InstalledPack Require(string root, string? name)
    {
        InstalledPack pack = InstalledPack.Require(root, name ?? Preferred[0]);
        if (pack.Manifest.Kind != ModelPackKind.Diffusion)
        {
            throw new ModelPackException("ModelPackWrongKind",
                $"The model pack '{pack.Name}' is a {pack.Manifest.Kind} pack, not a diffusion pack (use sd15-canny or sd15-hed).");
        }

        return pack;
    }

    /// <summary>The pack Auto uses, or null when no diffusion pack is installed.</summary>
    public static InstalledPack? FindDefault(string root)
    {
        IEnumerable<string> others = Directory.Exists(root)
            ? Directory.EnumerateDirectories(root).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal)
            : [];
        foreach (string name in Preferred.Concat(others.Except(Preferred)))
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
