using System.Globalization;
using SkiaSharp;

namespace TextSketch.Bench;

/// <summary>
/// One sheet per photo: original | sketch layer | TextSketch (Paint decoder) | WebP | AVIF | JPEG XL, the last three at the
/// TextSketch record's byte budget, each labelled with its bytes and bits per pixel. Panels are downscaled (longer side
/// 240 px) and the sheet saved as JPEG so the committed pictures stay small.
/// </summary>
public static class ContactSheets
{
    private const int PanelLong = 240;
    private const int LabelHeight = 48;

    /// <summary>Panels are at least this wide so the labels fit beside portrait photos.</summary>
    private const int MinimumBoxWidth = 220;
    private const int Gap = 6;
    private const string SheetBudget = "TextSketch";

    public static IEnumerable<string> Write(IReadOnlyList<ResultRow> rows, string directory)
    {
        foreach (IGrouping<string, ResultRow> photo in rows.GroupBy(r => r.Name))
        {
            ResultRow? textSketch = photo.FirstOrDefault(r => r.Codec.StartsWith("TextSketch", StringComparison.Ordinal) && r.BudgetLabel == SheetBudget);
            if (textSketch is null)
            {
                continue;
            }

            var panels = new List<(string? Image, bool Nearest, string Title, string Detail, string Extra)>
            {
                (textSketch.Photo, false, "original", $"{textSketch.Width}x{textSketch.Height}", ""),
                (textSketch.SketchPath, true, "sketch layer (as coded)", "black edges on white", ""),
                (textSketch.Path, false, $"TextSketch (Paint) {textSketch.Bytes} B", Bpp(textSketch.Bpp), Psnr(textSketch.Psnr)),
            };
            foreach (string codec in new[] { "WebP", "AVIF", "JPEG XL" })
            {
                ResultRow? anchor = photo.FirstOrDefault(r => r.Codec == codec && r.BudgetLabel == SheetBudget);
                panels.Add(anchor is { Fits: true }
                    ? (anchor.Path, false, $"{codec} {anchor.Bytes} B", Bpp(anchor.Bpp), $"{Psnr(anchor.Psnr)}, {anchor.Setting}")
                    : (null, false, $"{codec}: does not fit", $"in {textSketch.Bytes} B", ""));
            }

            string path = Path.Combine(directory, $"sheet-{photo.Key}.jpg");
            Draw(panels, 3, LabelHeight, MinimumBoxWidth, textSketch.Width, textSketch.Height, path);
            yield return path;
        }
    }

    private static string Bpp(double bpp) => bpp.ToString("0.0000", CultureInfo.InvariantCulture) + " bpp";

    private static string Psnr(double? psnr) => psnr is double p ? p.ToString("0.0", CultureInfo.InvariantCulture) + " dB" : "";

    /// <summary>A sheet of <paramref name="panels"/> (a photo of <paramref name="width"/> x <paramref name="height"/>
    /// each, downscaled to <see cref="PanelLong"/> px; nearest-neighbour for bitmaps; a grey box where the image is
    /// missing), <paramref name="columns"/> to a row, with up to three label lines under each; saved as JPEG. Also
    /// draws the rate-distortion sheets (<see cref="RdSheets"/>).</summary>
    internal static void Draw(List<(string? Image, bool Nearest, string Title, string Detail, string Extra)> panels, int columns, int labelHeight, int minimumBoxWidth,
        int width, int height, string path)
    {
        double scale = (double)PanelLong / Math.Max(width, height);
        int pw = (int)Math.Round(width * scale);
        int ph = (int)Math.Round(height * scale);
        int box = Math.Max(pw, minimumBoxWidth);
        int rowsCount = (panels.Count + columns - 1) / columns;
        int sheetWidth = columns * box + (columns + 1) * Gap;
        int sheetHeight = rowsCount * (ph + labelHeight) + (rowsCount + 1) * Gap;
        using SKSurface surface = SKSurface.Create(new SKImageInfo(sheetWidth, sheetHeight, SKColorType.Rgba8888, SKAlphaType.Premul));
        SKCanvas canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var titleFont = new SKFont(SKTypeface.Default, 13) { Embolden = true };
        using var detailFont = new SKFont(SKTypeface.Default, 11);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var grey = new SKPaint { Color = new SKColor(225, 225, 225) };
        for (int i = 0; i < panels.Count; i++)
        {
            int left = Gap + i % columns * (box + Gap);
            int x = left + (box - pw) / 2;
            int y = Gap + i / columns * (ph + labelHeight + Gap);
            (string? image, bool nearest, string title, string detail, string extra) = panels[i];
            if (image is not null && File.Exists(image))
            {
                using SKBitmap source = SKBitmap.Decode(image) ?? throw new InvalidDataException($"Cannot decode {image}.");
                SKSamplingOptions sampling = nearest ? new SKSamplingOptions(SKFilterMode.Nearest) : new SKSamplingOptions(SKCubicResampler.Mitchell);
                using SKImage picture = SKImage.FromBitmap(source);
                canvas.DrawImage(picture, new SKRect(x, y, x + pw, y + ph), sampling);
            }
            else
            {
                canvas.DrawRect(new SKRect(x, y, x + pw, y + ph), grey);
            }

            canvas.DrawText(title, left, y + ph + 14, SKTextAlign.Left, titleFont, ink);
            canvas.DrawText(detail, left, y + ph + 29, SKTextAlign.Left, detailFont, ink);
            canvas.DrawText(extra, left, y + ph + 43, SKTextAlign.Left, detailFont, ink);
        }

        using SKImage snapshot = surface.Snapshot();
        using SKData data = snapshot.Encode(SKEncodedImageFormat.Jpeg, 82);
        File.WriteAllBytes(path, data.ToArray());
    }
}
