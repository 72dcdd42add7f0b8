using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Memory;

namespace TextSketch.Core.Imaging;

/// <summary>The one ImageSharp configuration the codec uses.</summary>
internal static class ImageSharpSetup
{
    /// <summary>
    /// Single-threaded per image (the pipeline parallelises across images, and per-image results must not depend on
    /// thread count), and a bounded buffer pool so memory stays flat over long batch jobs.
    /// </summary>
    public static Configuration Configuration { get; } = Create();

    private static Configuration Create()
    {
        Configuration configuration = Configuration.Default.Clone();
        configuration.MaxDegreeOfParallelism = 1;
        configuration.MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions
        {
            MaximumPoolSizeMegabytes = 64,
        });
        return configuration;
    }
}
