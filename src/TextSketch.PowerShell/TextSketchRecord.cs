using System.ComponentModel;
using TextSketch.Core.Format;
using TextSketch.Core.Sketch;

namespace TextSketch;

/// <summary>Caption-only (the paper's PIC) or caption + colour + sketch (PICS).</summary>
public enum TextSketchMode
{
    TextSketch,
    Text,
}

/// <summary>Where a record's caption came from.</summary>
public enum CaptionSource
{
    None,
    Explicit,
    Metadata,
    Model,
}

/// <summary>
/// One compressed image, as it flows through the pipeline. The PowerShell-facing view of a .tsk record; it lives
/// in the cmdlet assembly so scripts can name the type (<c>[TextSketch.TextSketchRecord]</c>) while the codec
/// stays isolated in the module's load context. It carries its own .tsk bytes (<see cref="TskBytes"/>), so a copy
/// that crossed a process (Start-Job, remoting, Export-Clixml) turns back into a live record
/// (<see cref="TextSketchRecordConverter"/>) and expands exactly as the original does.
/// </summary>
[TypeConverter(typeof(TextSketchRecordConverter))]
public sealed class TextSketchRecord
{
    internal TextSketchRecord(TskRecord record, string? sourcePath, string? path)
    {
        Encoded = record;
        SourcePath = sourcePath;
        Path = path;
        TskDocument document = record.Document;
        Width = document.Width;
        Height = document.Height;
        Mode = Infrastructure.EnumMap.FromCore(document.Mode);
        Caption = document.Caption;
        CaptionSource = Infrastructure.EnumMap.FromCore(document.CaptionSource);
        SketchWidth = record.SketchWidth;
        SketchHeight = record.SketchHeight;
        SketchModel = document.Sketch is null ? null : SketchSourceNames.Of(document.SketchSource);
        Seed = record.Seed;
        TotalBytes = record.Rate.TotalBytes;
        HeaderBits = record.Rate.HeaderBits;
        CaptionBits = record.Rate.CaptionBits;
        SketchBits = record.Rate.SketchBits;
        ColorBits = record.Rate.ColorBits;
    }

    /// <summary>The table's Name: the source image's file name, else the .tsk file's ('' for a record only in memory).</summary>
    public string Name => System.IO.Path.GetFileName(SourcePath ?? Path ?? string.Empty);

    /// <summary>The table's Size: "WidthxHeight" of the original image (sort by Width or Height for numbers).</summary>
    public string Size => $"{Width}x{Height}";

    /// <summary>The table's Bytes: the size of the whole .tsk encoding (the same as <see cref="TotalBytes"/>).</summary>
    public int Bytes => TotalBytes;

    /// <summary>The image the record was made from ($null for records read from a .tsk file).</summary>
    public string? SourcePath { get; }

    /// <summary>The .tsk file written or read ($null for records only in memory).</summary>
    public string? Path { get; }

    public int Width { get; }

    public int Height { get; }

    public TextSketchMode Mode { get; }

    public string? Caption { get; }

    public CaptionSource CaptionSource { get; }

    public int SketchWidth { get; }

    public int SketchHeight { get; }

    /// <summary>The detector that drew the sketch: 'builtin', 'hed' or 'pidinet' (-SketchModel); $null in Text mode.</summary>
    public string? SketchModel { get; }

    /// <summary>The sketch coded on its own by the record's sketch coder (in the record it shares one stream with the
    /// caption and colour, where it costs <see cref="SketchBits"/>).</summary>
    public byte[] SketchBytes => Encoded.SketchBytes;

    /// <summary>The seed generative decoders start from (Expand-TextSketch -Seed overrides it).</summary>
    public int Seed { get; }

    /// <summary>Size of the whole .tsk encoding.</summary>
    public int TotalBytes { get; }

    /// <summary>Bits per pixel of the original image: TotalBytes * 8 / (Width * Height).</summary>
    public double Bpp => TotalBytes * 8.0 / ((double)Width * Height);

    public int HeaderBits { get; }

    public int CaptionBits { get; }

    public int SketchBits { get; }

    public int ColorBits { get; }

    /// <summary>The whole .tsk encoding (what Expand-TextSketch decodes and what a .tsk file holds; a copy).</summary>
    public byte[] TskBytes => GetBytes();

    /// <summary>The full .tsk bytes (what Expand-TextSketch decodes and what a .tsk file holds).</summary>
    public byte[] GetBytes() => (byte[])Encoded.Bytes.Clone();

    internal TskRecord Encoded { get; }

    public override string ToString() => $"{Name} {Size} {TotalBytes} B ({Bpp:0.0000} bpp)";
}
