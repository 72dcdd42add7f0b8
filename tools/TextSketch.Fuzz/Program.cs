using TextSketch.Fuzz;

// Usage: TextSketch.Fuzz [recordCount] [imageCount] [seed]
int records = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
int images = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
int seed = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1;
int failures = 0;
foreach (FuzzReport report in new[] { Fuzzer.Records(records, seed), Fuzzer.Images(images, seed) })
{
    Console.WriteLine(report);
    foreach (string failure in report.Failures.Take(20))
    {
        Console.WriteLine("  " + failure);
    }

    failures += report.Failures.Count;
}

return failures == 0 ? 0 : 1;
