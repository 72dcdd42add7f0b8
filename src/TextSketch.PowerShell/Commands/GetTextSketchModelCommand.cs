using System.Management.Automation;
using TextSketch.Core;
using TextSketch.Core.Models;
using TextSketch.Core.Models.Install;
using TextSketch.Infrastructure;

namespace TextSketch.Commands;

/// <summary>Lists the model packs the module knows and the ones installed in the model root (Get-TextSketchModel).</summary>
[Cmdlet(VerbsCommon.Get, "TextSketchModel")]
[OutputType(typeof(ModelPackInfo))]
public sealed class GetTextSketchModelCommand : TextSketchCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AnyPackCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only packs that are installed.</summary>
    [Parameter]
    public SwitchParameter Installed { get; set; }

    protected override void ProcessRecord()
    {
        IReadOnlyList<PackStatus> packs;
        IReadOnlyDictionary<string, ModelManifest> shipped;
        string root;
        try
        {
            root = ResolvedModelRoot;
            packs = ModelCatalog.List(ModelPacks.ShippedManifestDirectory, root);
            shipped = ModelCatalog.Shipped(ModelPacks.ShippedManifestDirectory);
        }
        catch (TextSketchException e)
        {
            ThrowTerminatingError(ErrorRecords.For(e, ModelRoot));
            return;
        }

        foreach (string pattern in Name ?? ["*"])
        {
            var wildcard = new WildcardPattern(pattern, WildcardOptions.IgnoreCase);
            bool any = false;
            foreach (PackStatus pack in packs.Where(p => wildcard.IsMatch(p.Name) && (!Installed || p.Installed)))
            {
                any = true;
                WriteObject(new ModelPackInfo(pack));
            }

            if (!any && !WildcardPattern.ContainsWildcardCharacters(pattern))
            {
                // Under -Installed a shipped pack that is not installed gets its install command, a typo the closest installed name.
                string message = Installed && packs.FirstOrDefault(p => string.Equals(p.Name, pattern, StringComparison.OrdinalIgnoreCase)) is { } known
                    ? ModelPackException.NotInstalled(known.Name, root).Message
                    : PackNames.Unknown(pattern, packs.Where(p => !Installed || p.Installed).ToList(), Installed ? "installed packs" : null, shipped, ownPackHint: false);
                WriteError(new ErrorRecord(new ItemNotFoundException(message), "ModelPackUnknown", ErrorCategory.ObjectNotFound, pattern));
            }
        }
    }
}
