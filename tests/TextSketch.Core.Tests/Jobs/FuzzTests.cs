using TextSketch.Fuzz;

namespace TextSketch.Core.Tests.Jobs;

/// <summary>A short fixed-seed fuzz pass in every test run; `build.ps1 -Task Fuzz` runs the full 100,000 + 10,000.</summary>
public class FuzzTests
{
    [Fact]
    public void MutatedRecordsOnlyEverGiveTheDocumentedErrors()
    {
        FuzzReport report = Fuzzer.Records(2500, seed: 11);
        Assert.True(report.Failures.Count == 0, string.Join("\n", report.Failures.Take(10)));
        Assert.True(report.Accepted > 0 && report.Refused > 0, report.ToString());
    }

    [Fact]
    public void MutatedImagesOnlyEverGiveTheDocumentedErrors()
    {
        FuzzReport report = Fuzzer.Images(1500, seed: 11);
        Assert.True(report.Failures.Count == 0, string.Join("\n", report.Failures.Take(10)));
        Assert.True(report.Accepted > 0 && report.Refused > 0, report.ToString());
    }
}
