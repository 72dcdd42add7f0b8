using System.Globalization;
using SkiaSharp;

namespace TextSketch.Bench;

/// <summary>
/// The rate-distortion section's sheets, one per photo: a row per budget, original | Paint | WebP | JPEG XL at that
/// budget, each labelled with its bytes and PSNR. Panels are downscaled (longer side 240 px), the sheet saved as JPEG.
/// </summary>
public static class RdSheets
{
    private const int PanelLong = 240;
    private const int LabelHeight = 34;
    private const int MinimumBoxWidth = 200;
    private const int Gap = 6;
    private static readonly string[] Budgets = ["200 B", "800 B", "3200 B"];
    private static readonly string[] Codecs = ["TextSketch (Paint)", "WebP", "JPEG XL"];

    public static IEnumerable<string> Write(IReadOnlyList<ResultRow> rows, string directory)
    {
        foreach (IGrouping<string, ResultRow> photo in rows.GroupBy(r => r.Name))
        {
            ResultRow first = photo.First();
            var grid = new List<(string? Image, string Title, string Detail)>();
            foreach (string budget in Budgets)
            {
                grid.Add((first.Photo, "original", $"{first.Width}x{first.Height}, budget {budget}"));
                foreach (string codec in Codecs)
                {
                    ResultRow? r = photo.FirstOrDefault(x => x.Codec == codec && x.BudgetLabel == budget);
                    string name = codec.StartsWith("TextSketch", StringComparison.Ordinal) ? "Paint" : codec;
                    grid.Add(r is { Fits: true }
                        ? (r.Path, $"{name} {r.Bytes} B", $"{(r.Psnr ?? 0).ToString("0.0", CultureInfo.InvariantCulture)} dB, MS-SSIM {(r.MsSsim ?? 0).ToString("0.00", CultureInfo.InvariantCulture)}")
                        : (null, $"{name}: does not fit", $"in {budget}"));
                }
            }

            string path = Path.Combine(directory, $"rdsheet-{photo.Key}.jpg");
            Draw(grid, Codecs.Length + 1, first.Width, first.Height, path);
            yield return path;
        }
    }

    private static void Draw(List<(string? Image, string Title, string Detail)> panels, int columns, int width, int height, string path)
    {
        double scale = (double)PanelLong / Math.Max(width, height);
        int pw = (int)Math.Round(width * scale);
        int ph = (int)Math.Round(height * scale);
        int box = Math.Max(pw, MinimumBoxWidth);
        int rowsCount = (panels.Count + columns - 1) / columns;
        int sheetWidth = columns * box + (columns + 1) * Gap;
        int sheetHeight = rowsCount * (ph + LabelHeight) + (rowsCount + 1) * Gap;
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
            int y = Gap + i / columns * (ph + LabelHeight + Gap);
            (string? image, string title, string detail) = panels[i];
            if (image is not null && File.Exists(image))
            {
                using SKBitmap source = SKBitmap.Decode(image) ?? throw new InvalidDataException($"Cannot decode {image}.");
                using SKImage picture = SKImage.FromBitmap(source);
                canvas.DrawImage(picture, new SKRect(x, y, x + pw, y + ph), new SKSamplingOptions(SKCubicResampler.Mitchell));
            }
            else
            {
                canvas.DrawRect(new SKRect(x, y, x + pw, y + ph), grey);
            }

            canvas.DrawText(title, left, y + ph + 14, SKTextAlign.Left, titleFont, ink);
            canvas.DrawText(detail, left, y + ph + 29, SKTextAlign.Left, detailFont, ink);
        }

        using SKImage snapshot = surface.Snapshot();
        using SKData data = snapshot.Encode(SKEncodedImageFormat.Jpeg, 82);
        File.WriteAllBytes(path, data.ToArray());
    }
}
