using TextSketch.Core.Models;

namespace TextSketch.Core.Models.Install;

/// <summary>
/// What a pack name given by the user can mean: the packs the module ships manifests for and the packs installed in
/// the model root. The one wording for a name that names none of them (the known packs of the kind the parameter
/// takes, and the closest name when one is a likely typo), used by every command that takes a pack name. It never
/// tells the user to install a pack the module has no manifest for.
/// </summary>
public static class PackNames
{
    private static string? _shipped;

    /// <summary>The module's manifests (models/*.json): beside TextSketch.Core.dll, or one folder up (the module
    /// keeps Core in its dependencies/ folder and models/ beside its own assembly). Core's tests set the repository's
    /// models/ folder (they run from a build folder without one).</summary>
    public static string ShippedManifestDirectory
    {
        get => _shipped ??= FindShippedManifestDirectory();
        internal set => _shipped = value;
    }

    /// <summary>The installed pack <paramref name="name"/> of one of <paramref name="kinds"/>, for
    /// <paramref name="parameter"/>. Otherwise a <see cref="ModelPackException"/>: ModelPackNotInstalled (with the
    /// install command) for a shipped pack of a fitting kind, ModelPackWrongKind for a pack of another kind,
    /// ModelPackUnknown for a name that is no pack (see <see cref="Unknown"/>).</summary>
    public static InstalledPack Require(string root, string name, string parameter, params ModelPackKind[] kinds) =>
        Require(root, name, parameter, ShippedManifestDirectory, kinds);

    internal static InstalledPack Require(string root, string name, string parameter, string manifestDirectory, params ModelPackKind[] kinds)
    {
        ArgumentNullException.ThrowIfNull(name);
        InstalledPack? pack = InstalledPack.Find(root, name);
        if (pack is not null && kinds.Contains(pack.Manifest.Kind))
        {
            return pack;
        }

        IReadOnlyDictionary<string, ModelManifest> shipped = ModelCatalog.Shipped(manifestDirectory);
        IReadOnlyList<PackStatus> all = ModelCatalog.List(manifestDirectory, root);
        IReadOnlyList<PackStatus> fitting = all.Where(p => kinds.Contains(p.Kind)).ToList();
        PackStatus? same = all.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));
        ModelPackKind? kind = pack?.Manifest.Kind ?? same?.Kind;
        if (kind is ModelPackKind found && !kinds.Contains(found))
        {
            throw new ModelPackException("ModelPackWrongKind",
                $"The model pack '{name}' is a {found} pack; {parameter} needs a {string.Join(" or ", kinds)} pack. Known {KindsLabel(kinds)}: {List(fitting)}.");
        }

        if (same is not null && shipped.ContainsKey(same.Name))
        {
            throw ModelPackException.NotInstalled(same.Name, root);
        }

        throw new ModelPackException("ModelPackUnknown", Unknown(name, fitting, KindsLabel(kinds), shipped, ownPackHint: true));
    }

    /// <summary>"No model pack named 'x' is known. Did you mean 'y'? Known … packs: …." The suggestion is the known
    /// name closest to <paramref name="name"/> (<see cref="Closest"/>); one that is shipped (in
    /// <paramref name="shipped"/>) but not installed comes with its install command. <paramref name="kindsLabel"/>
    /// qualifies the list ("sketch packs"; null: "packs").</summary>
    public static string Unknown(string name, IReadOnlyCollection<PackStatus> known, string? kindsLabel, IReadOnlyDictionary<string, ModelManifest> shipped, bool ownPackHint)
    {
        ArgumentNullException.ThrowIfNull(known);
        ArgumentNullException.ThrowIfNull(shipped);
        string suggestion = string.Empty;
        if (Closest(name, known.Select(p => p.Name)) is string closest)
        {
            bool installable = shipped.ContainsKey(closest) && !known.First(p => p.Name == closest).Installed;
            suggestion = installable
                ? $" Did you mean '{closest}'? It is not installed; install it with: Install-TextSketchModel -Name {closest}."
                : $" Did you mean '{closest}'?";
        }

        string own = ownPackHint ? " For a pack of your own, use Install-TextSketchModel -Manifest <manifest>." : string.Empty;
        return $"No model pack named '{name}' is known.{suggestion} Known {kindsLabel ?? "packs"}: {List(known)}.{own}";
    }

    /// <summary>The candidate nearest <paramref name="name"/> by edit distance (case-insensitive, a swap of
    /// neighbours counts one), if near enough to be a typo: at most one edit per three letters of the candidate, at
    /// least one, at most three. Ties go to the first in ordinal order.</summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(candidates);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates.Order(StringComparer.Ordinal))
        {
            int distance = Distance(name, candidate);
            if (distance <= Math.Clamp(candidate.Length / 3, 1, 3) && distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }

        return best;
    }

    /// <summary>Optimal string alignment distance (insertions, deletions, substitutions, adjacent swaps), ignoring case.</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private static string List(IReadOnlyCollection<PackStatus> packs) => packs.Count == 0 ? "none" : string.Join(", ", packs.Select(p => p.Name));

    private static string KindsLabel(ModelPackKind[] kinds) =>
        string.Join(" or ", kinds.Select(k => k.ToString().ToLowerInvariant())) + " packs";

    private static string FindShippedManifestDirectory()
    {
        string here = Path.GetDirectoryName(typeof(PackNames).Assembly.Location) ?? ".";
        string beside = Path.Combine(here, "models");
        string above = Path.Combine(Path.GetDirectoryName(here) ?? here, "models");
        return Directory.Exists(beside) || !Directory.Exists(above) ? beside : above;
    }
}
