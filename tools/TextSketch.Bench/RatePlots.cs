using ScottPlot;

namespace TextSketch.Bench;

/// <summary>Rate-distortion plots: bits per pixel (log scale) against each metric, one line per codec.</summary>
public static class RatePlots
{
    // The legend goes where the curves are not: top left when higher is better, bottom left when lower is.
    private static readonly (string File, string Title, Func<ResultRow, double?> Value, string Better, Alignment Legend)[] Metrics =
    [
        ("psnr.png", "PSNR (dB)", r => r.Psnr, "higher is better", Alignment.UpperLeft),
        ("msssim.png", "MS-SSIM", r => r.MsSsim, "higher is better", Alignment.UpperLeft),
        ("edgef1.png", "Edge F1 (2 px tolerance)", r => r.EdgeF1, "higher is better", Alignment.UpperLeft),
        ("featuredistance.png", "ResNet-18 feature distance", r => r.FeatureDistance, "lower is better", Alignment.LowerLeft),
    ];

    public static IEnumerable<string> Write(IReadOnlyList<ResultRow> rows, string directory, string prefix = "rd-")
    {
        int photos = rows.Select(r => r.Name).Distinct().Count();
        List<string> codecs = rows.Select(r => r.Codec).Distinct().ToList();
        var palette = new ScottPlot.Palettes.Category10();
        foreach ((string file, string title, Func<ResultRow, double?> value, string better, Alignment legend) in Metrics)
        {
            var plot = new Plot();
            for (int c = 0; c < codecs.Count; c++)
            {
                Color color = palette.GetColor(c);
                List<ResultRow> mine = rows.Where(r => r.Codec == codecs[c] && r.Fits && value(r) is double v && double.IsFinite(v)).ToList();
                if (mine.Count == 0)
                {
                    continue;
                }

                // Every photo as a faint dot …
                var dots = plot.Add.ScatterPoints(mine.Select(r => Math.Log10(r.Bpp)).ToArray(), mine.Select(r => value(r)!.Value).ToArray());
                dots.Color = color.WithAlpha(0.35);
                dots.MarkerSize = 4;

                // … and the mean over the photos as the line, at budgets every photo met (a mean over only the photos
                // that fit would flatter the codec).
                var levels = mine.GroupBy(r => r.BudgetLabel).Where(g => g.Count() == photos)
                    .Select(g => (Bpp: g.Average(r => r.Bpp), Value: g.Average(r => value(r)!.Value)))
                    .OrderBy(p => p.Bpp).ToList();
                if (levels.Count > 0)
                {
                    var line = plot.Add.Scatter(levels.Select(l => Math.Log10(l.Bpp)).ToArray(), levels.Select(l => l.Value).ToArray());
                    line.Color = color;
                    line.LineWidth = 2;
                    line.MarkerSize = 7;
                    line.LegendText = codecs[c];
                }
            }

            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = v => Math.Pow(10, v).ToString("0.####", System.Globalization.CultureInfo.InvariantCulture),
            };
            plot.Title($"{title} vs rate, {photos} photos ({better})");
            plot.XLabel("bits per pixel (log scale)");
            plot.YLabel(title);
            plot.ShowLegend(legend);
            string path = Path.Combine(directory, prefix + file);
            plot.SavePng(path, 640, 400);
            yield return path;
        }
    }
}
