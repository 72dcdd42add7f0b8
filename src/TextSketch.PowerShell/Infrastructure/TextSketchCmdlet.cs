using System.Management.Automation;
using TextSketch.Core.Models;

namespace TextSketch.Infrastructure;

/// <summary>
/// Base of every TextSketch cmdlet: -ModelRoot, and PowerShell paths turned into file-system paths the one way
/// (provider checked, each bad path its own error). Cmdlets only bind, report and format; the work is in Core.
/// </summary>
public abstract class TextSketchCmdlet : PSCmdlet
{
    /// <summary>Folder of installed model packs (default: $env:TEXTSKETCH_MODELS, else the user's local data folder).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ModelRoot { get; set; }

    /// <summary>-ModelRoot as a file-system path, else a relative $env:TEXTSKETCH_MODELS resolved the same way (from
    /// the current location, which PowerShell does not make the process's working folder); null when neither is
    /// given. A non-file-system path terminates.</summary>
    protected string? ModelRootPath =>
        ModelRoot is not null ? FileSystemPath(ModelRoot, "ModelRootInvalid")
        : Environment.GetEnvironmentVariable(ModelPaths.EnvironmentVariable) is { } variable && !string.IsNullOrWhiteSpace(variable) && !System.IO.Path.IsPathFullyQualified(variable)
            ? FileSystemPath(variable, "ModelRootInvalid")
            : null;

    /// <summary>The model root packs are looked for in: -ModelRoot, else $env:TEXTSKETCH_MODELS, else the data folder.</summary>
    protected string ResolvedModelRoot => ModelPaths.ResolveRoot(ModelRootPath);

    /// <summary>A PowerShell path (it need not exist) as a file-system path; another provider terminates with <paramref name="errorId"/>.</summary>
    protected string FileSystemPath(string path, string errorId)
    {
        string resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
        if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
        {
            Terminate(new PSArgumentException($"'{path}' is on the {provider.Name} provider; only file-system paths are supported."), errorId, path);
        }

        return resolved;
    }

    /// <summary>A folder parameter (-DestinationPath): a file-system path that is not a file.</summary>
    protected string FolderPath(string path, string errorId)
    {
        string resolved = FileSystemPath(path, errorId);
        if (File.Exists(resolved))
        {
            Terminate(new PSArgumentException($"The destination '{path}' is a file; it must be a folder."), errorId, path);
        }

        return resolved;
    }

    /// <summary>Files (and, with <paramref name="allowFolders"/>, folders) that -Path (wildcards) or -LiteralPath name;
    /// missing paths and other providers are reported as errors and skipped.</summary>
    protected IEnumerable<string> ResolveInputs(IEnumerable<string> paths, bool literal, bool allowFolders = false) =>
        PathResolver.ResolveFiles(this, paths, literal, allowFolders);

    /// <summary>Ends the command with <paramref name="exception"/> (argument errors; Core errors keep their own id).</summary>
    protected void Terminate(Exception exception, string errorId, object? target = null) =>
        ThrowTerminatingError(exception is Core.TextSketchException known
            ? ErrorRecords.For(known, target)
            : new ErrorRecord(exception, errorId, ErrorCategory.InvalidArgument, target));
}

/// <summary>A cmdlet over files: -Path (wildcards, from the pipeline) and -LiteralPath (alias PSPath, bound by
/// property name, so Get-ChildItem output binds) in the parameter sets "Path" and "LiteralPath".</summary>
public abstract class TextSketchPathCmdlet : TextSketchCmdlet
{
    protected const string PathSet = "Path";
    protected const string LiteralPathSet = "LiteralPath";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>The files of this call's -Path or -LiteralPath.</summary>
    protected List<string> InputFiles()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        return ResolveInputs(literal ? LiteralPath : Path, literal).ToList();
    }
}
