using System.Globalization;

namespace TextSketch.Bench;

/// <summary>
/// The rate-distortion section's sheets, one per photo: a row per budget, original | Paint | WebP | JPEG XL at that
/// budget, each labelled with its bytes and PSNR. Panels are downscaled (longer side 240 px), the sheet saved as JPEG.
/// </summary>
public static class RdSheets
{
    private const int LabelHeight = 34;
    private const int MinimumBoxWidth = 200;
    private static readonly string[] Budgets = ["200 B", "800 B", "3200 B"];
    private static readonly string[] Codecs = ["TextSketch (Paint)", "WebP", "JPEG XL"];

    public static IEnumerable<string> Write(IReadOnlyList<ResultRow> rows, string directory)
    {
        foreach (IGrouping<string, ResultRow> photo in rows.GroupBy(r => r.Name))
        {
            ResultRow first = photo.First();
            var grid = new List<(string? Image, bool Nearest, string Title, string Detail, string Extra)>();
            foreach (string budget in Budgets)
            {
                grid.Add((first.Photo, false, "original", $"{first.Width}x{first.Height}, budget {budget}", ""));
                foreach (string codec in Codecs)
                {
                    ResultRow? r = photo.FirstOrDefault(x => x.Codec == codec && x.BudgetLabel == budget);
                    string name = codec.StartsWith("TextSketch", StringComparison.Ordinal) ? "Paint" : codec;
                    grid.Add(r is { Fits: true }
                        ? (r.Path, false, $"{name} {r.Bytes} B", $"{(r.Psnr ?? 0).ToString("0.0", CultureInfo.InvariantCulture)} dB, MS-SSIM {(r.MsSsim ?? 0).ToString("0.00", CultureInfo.InvariantCulture)}", "")
                        : (null, false, $"{name}: does not fit", $"in {budget}", ""));
                }
            }

            string path = Path.Combine(directory, $"rdsheet-{photo.Key}.jpg");
            ContactSheets.Draw(grid, Codecs.Length + 1, LabelHeight, MinimumBoxWidth, first.Width, first.Height, path);
            yield return path;
        }
    }
}
