using TextSketch.TinyModels;

// Usage: TextSketch.TinyModels <models folder with manifests> <output root>
if (args.Length != 2)
{
    Console.Error.WriteLine("Usage: TextSketch.TinyModels <manifest folder> <output root>");
    return 2;
}

foreach (string directory in TinyPackWriter.WriteAll(args[0], args[1]))
{
    long bytes = Directory.GetFiles(directory, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
    Console.WriteLine($"{Path.GetFileName(directory),-16} {bytes,12:N0} bytes  {directory}");
}

return 0;
