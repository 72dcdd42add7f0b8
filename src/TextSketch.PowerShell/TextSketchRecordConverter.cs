using System.Management.Automation;
using TextSketch.Core.Format;
using TextSketch.Core.Jobs;

namespace TextSketch;

/// <summary>
/// Turns a record that crossed a process boundary (a <c>Deserialized.TextSketch.TextSketchRecord</c> from Start-Job,
/// remoting or Import-Clixml: a property bag) back into a live <see cref="TextSketchRecord"/>, by reading the .tsk
/// bytes it carries (<see cref="TextSketchRecord.TskBytes"/>): the same bytes, so the same record, the same checks
/// (checksum, version) and the same decode. PowerShell asks it when such an object is bound to a parameter of type
/// TextSketchRecord (Expand-TextSketch -InputObject) or cast with [TextSketch.TextSketchRecord].
/// </summary>
public sealed class TextSketchRecordConverter : PSTypeConverter
{
    private const string DeserializedTypeName = "Deserialized." + nameof(TextSketch) + "." + nameof(TextSketchRecord);

    public override bool CanConvertFrom(object sourceValue, Type destinationType) =>
        sourceValue is PSObject bag && CanConvertFrom(bag, destinationType);

    public override bool CanConvertFrom(PSObject sourceValue, Type destinationType) =>
        destinationType == typeof(TextSketchRecord) && sourceValue is not null && sourceValue.BaseObject is not TextSketchRecord
        && sourceValue.TypeNames.Contains(DeserializedTypeName) && BytesOf(sourceValue) is not null;

    public override object ConvertFrom(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
        sourceValue is PSObject bag ? ConvertFrom(bag, destinationType, formatProvider, ignoreCase)
            : throw new PSInvalidCastException($"Only a deserialized {nameof(TextSketchRecord)} converts to one.");

    public override object ConvertFrom(PSObject sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase)
    {
        ArgumentNullException.ThrowIfNull(sourceValue);
        byte[] bytes = BytesOf(sourceValue) ?? throw new PSInvalidCastException($"The object carries no {nameof(TextSketchRecord.TskBytes)}.");
        string? sourcePath = sourceValue.Properties[nameof(TextSketchRecord.SourcePath)]?.Value as string;
        string? path = sourceValue.Properties[nameof(TextSketchRecord.Path)]?.Value as string;
        try
        {
            // Token-coded captions need CLIP's vocabulary: from the default model root, as Import-TextSketch without -ModelRoot.
            TskRecord record = TskFile.Read(bytes, path ?? sourcePath ?? "deserialized record", RecordFiles.CodersFor(null));
            return new TextSketchRecord(record, sourcePath, path);
        }
        catch (Core.TextSketchException e)
        {
            throw new PSInvalidCastException(e.Message, e);
        }
    }

    public override bool CanConvertTo(object sourceValue, Type destinationType) => false;

    public override object ConvertTo(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
        throw new PSInvalidCastException($"{nameof(TextSketchRecordConverter)} only converts to {nameof(TextSketchRecord)}.");

    private static byte[]? BytesOf(PSObject bag) => bag.Properties[nameof(TextSketchRecord.TskBytes)]?.Value switch
    {
        byte[] bytes => bytes,
        PSObject { BaseObject: byte[] wrapped } => wrapped,
        _ => null,
    };
}
