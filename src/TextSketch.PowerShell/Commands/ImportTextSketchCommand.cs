using System.Management.Automation;
using TextSketch.Core.Format;
using TextSketch.Infrastructure;

namespace TextSketch.Commands;

/// <summary>Reads .tsk files into records (Import-TextSketch).</summary>
[Cmdlet(VerbsData.Import, "TextSketch", DefaultParameterSetName = PathSet)]
[OutputType(typeof(TextSketchRecord))]
public sealed class ImportTextSketchCommand : PSCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    protected override void ProcessRecord()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        foreach (string file in PathResolver.ResolveFiles(this, literal ? LiteralPath : Path, literal))
        {
            try
            {
                var info = new FileInfo(file);
                if (info.Length > TskFile.MaxRecordBytes)
                {
                    throw new TskFormatException(TskFormatError.NotTsk, file, $"{info.Length:N0} bytes is far larger than any TextSketch record.");
                }

                TskRecord record = TskFile.Read(File.ReadAllBytes(file), file);
                WriteObject(new TextSketchRecord(record, sourcePath: null, path: file));
            }
            catch (Exception e) when (e is Core.TextSketchException or IOException or UnauthorizedAccessException)
            {
                WriteError(ErrorRecords.For(e, file));
            }
        }
    }
}
