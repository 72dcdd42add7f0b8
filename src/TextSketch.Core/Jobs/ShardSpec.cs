using System.Text;

namespace TextSketch.Core.Jobs;

/// <summary>
/// "i/N": this worker's share of a job split N ways with no coordination. A source belongs to shard
/// FNV-1a-64(its key) mod N, where the key is its path relative to the job's base (or its file name), '/'-separated,
/// with the extension removed: sources that would collide on one output name always land in the same shard.
/// </summary>
public sealed record ShardSpec(int Index, int Count)
{
    public static ShardSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int count)
            || count < 1 || index >= count)
        {
            throw new FormatException($"'{text}' is not a shard: use i/N with 0 <= i < N, e.g. 0/4.");
        }

        return new ShardSpec(index, count);
    }

    public bool Includes(string key) => Count == 1 || (int)(Hash(key) % (ulong)Count) == Index;

    /// <summary>The shard key of a source: relative path without extension, '/'-separated.</summary>
    public static string KeyOf(string relativePath)
    {
        string normalised = relativePath.Replace('\\', '/');
        string directory = Path.GetDirectoryName(normalised)?.Replace('\\', '/') ?? string.Empty;
        string stem = Path.GetFileNameWithoutExtension(normalised);
        return directory.Length == 0 ? stem : directory + "/" + stem;
    }

    /// <summary>FNV-1a 64 over UTF-8: stable across machines, processes and runtimes (string.GetHashCode is not).</summary>
    public static ulong Hash(string key)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(key))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }

        return hash;
    }

    public override string ToString() => $"{Index}/{Count}";
}
