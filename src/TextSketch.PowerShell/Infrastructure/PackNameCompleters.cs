using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using TextSketch.Core;
using TextSketch.Core.Models;
using TextSketch.Core.Models.Install;

namespace TextSketch.Infrastructure;

/// <summary>
/// Tab completion for pack-name parameters: the packs whose manifests ship with the module and the packs installed in
/// the model root the command would use (its -ModelRoot when typed, else $env:TEXTSKETCH_MODELS, else the data
/// folder), of the kinds the parameter takes. The tooltip gives the kind, whether it is installed, and the description.
/// </summary>
public abstract class PackNameCompleter : IArgumentCompleter
{
    /// <summary>The kinds offered; empty: every kind.</summary>
    protected abstract IReadOnlyList<ModelPackKind> Kinds { get; }

    /// <summary>Offer packs that are only installed (no shipped manifest) too.</summary>
    protected virtual bool IncludeInstalledOnly => true;

    /// <summary>Names that are not packs but mean something to the parameter (e.g. the built-in sketch detector).</summary>
    protected virtual IEnumerable<CompletionResult> Extra() => [];

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = new WildcardPattern((wordToComplete ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        var results = new List<CompletionResult>();
        foreach (CompletionResult extra in Extra())
        {
            if (pattern.IsMatch(extra.CompletionText))
            {
                results.Add(extra);
            }
        }

        IReadOnlyList<PackStatus> packs;
        try
        {
            IReadOnlyDictionary<string, ModelManifest> shipped = ModelCatalog.Shipped(ModelPacks.ShippedManifestDirectory);
            packs = ModelCatalog.List(ModelPacks.ShippedManifestDirectory, ModelPaths.ResolveRoot(RootFrom(fakeBoundParameters!)))
                .Where(p => IncludeInstalledOnly || shipped.ContainsKey(p.Name))
                .ToList();
        }
        catch (Exception e) when (e is TextSketchException or IOException or UnauthorizedAccessException or ArgumentException or RuntimeException or PSInvalidOperationException)
        {
            // Completion never fails a command line; an unreadable model root offers only what shipped.
            packs = [];
        }

        foreach (PackStatus pack in packs.Where(p => (Kinds.Count == 0 || Kinds.Contains(p.Kind)) && pattern.IsMatch(p.Name)))
        {
            string state = pack.Installed ? "installed" : "not installed";
            results.Add(new CompletionResult(pack.Name, pack.Name, CompletionResultType.ParameterValue, $"{pack.Kind}, {state}: {pack.Description ?? pack.Name}"));
        }

        return results;
    }

    /// <summary>-ModelRoot as typed on the command line, resolved from the current location the way the cmdlet will
    /// resolve it (through a nested pipeline: completion runs while the command line's pipeline is active), else null.</summary>
    private static string? RootFrom(IDictionary fakeBoundParameters)
    {
        if (fakeBoundParameters?["ModelRoot"] is not { } value || value.ToString() is not { Length: > 0 } root)
        {
            return null;
        }

        using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
        shell.AddScript("param($p) $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p)").AddArgument(root);
        return shell.Invoke<string>().FirstOrDefault() ?? root;
    }
}

/// <summary>-ModelPack: diffusion packs.</summary>
public sealed class DiffusionPackCompleter : PackNameCompleter
{
    protected override IReadOnlyList<ModelPackKind> Kinds { get; } = [ModelPackKind.Diffusion];
}

/// <summary>-Captioner: captioner packs and CLIP packs (prompt inversion).</summary>
public sealed class CaptionerPackCompleter : PackNameCompleter
{
    protected override IReadOnlyList<ModelPackKind> Kinds { get; } = [ModelPackKind.Captioner, ModelPackKind.Clip];
}

/// <summary>-SketchModel: sketch packs, and the built-in detector's name.</summary>
public sealed class SketchPackCompleter : PackNameCompleter
{
    protected override IReadOnlyList<ModelPackKind> Kinds { get; } = [ModelPackKind.Sketch];

    protected override IEnumerable<CompletionResult> Extra() =>
    [
        new CompletionResult(TextSketchDefaults.BuiltinSketchDetector, TextSketchDefaults.BuiltinSketchDetector, CompletionResultType.ParameterValue,
            "The built-in edge detector (the default; needs no pack)"),
    ];
}

/// <summary>Get-TextSketchModel -Name: every pack, shipped or installed.</summary>
public sealed class AnyPackCompleter : PackNameCompleter
{
    protected override IReadOnlyList<ModelPackKind> Kinds { get; } = [];
}

/// <summary>Install-TextSketchModel -Name: the packs the module has manifests for (other packs install with -Manifest).</summary>
public sealed class ShippedPackCompleter : PackNameCompleter
{
    protected override IReadOnlyList<ModelPackKind> Kinds { get; } = [];

    protected override bool IncludeInstalledOnly => false;
}
