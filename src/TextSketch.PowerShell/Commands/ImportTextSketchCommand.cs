using System.Management.Automation;
using TextSketch.Core.Coding;
using TextSketch.Core.Format;
using TextSketch.Core.Jobs;
using TextSketch.Infrastructure;

namespace TextSketch.Commands;

/// <summary>Reads .tsk files into records (Import-TextSketch).</summary>
[Cmdlet(VerbsData.Import, "TextSketch", DefaultParameterSetName = PathSet)]
[OutputType(typeof(TextSketchRecord))]
public sealed class ImportTextSketchCommand : TextSketchPathCmdlet
{
    private CaptionCoders? _readers;

    protected override void BeginProcessing() => _readers = RecordFiles.CodersFor(ModelRootPath);

    protected override void ProcessRecord()
    {
        foreach (string file in InputFiles())
        {
            try
            {
                TskRecord record = RecordFiles.Read(file, _readers!);
                WriteObject(new TextSketchRecord(record, sourcePath: null, path: file));
            }
            catch (Exception e) when (e is Core.TextSketchException or IOException or UnauthorizedAccessException)
            {
                WriteError(ErrorRecords.For(e, file));
            }
        }
    }
}
