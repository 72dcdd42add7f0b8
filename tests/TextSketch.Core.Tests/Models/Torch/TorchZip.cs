using System.IO.Compression;
using System.Text;

namespace TextSketch.Core.Tests.Models.Torch;

/// <summary>
/// Writes zips laid out as torch.save writes them (&lt;dir&gt;/data.pkl, &lt;dir&gt;/data/&lt;key&gt;, ...) and the
/// pickle opcodes a state_dict uses, so tests can craft checkpoints: strided views, other dtypes, big-endian
/// storages, foreign pickles.
/// </summary>
internal static class TorchZip
{
    public static byte[] Zip(params (string Path, byte[] Data)[] entries)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach ((string path, byte[] data) in entries)
            {
                using Stream entry = zip.CreateEntry(path, CompressionLevel.NoCompression).Open();
                entry.Write(data);
            }
        }

        return stream.ToArray();
    }

    /// <summary>A copy of a zip with some entries replaced (or added), the others unchanged.</summary>
    public static byte[] Replace(byte[] zipBytes, params (string Path, byte[] Data)[] replacements)
    {
        var entries = new List<(string, byte[])>();
        using (var zip = new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read))
        {
            foreach (ZipArchiveEntry entry in zip.Entries)
            {
                byte[]? replaced = replacements.FirstOrDefault(r => r.Path == entry.FullName).Data;
                entries.Add((entry.FullName, replaced ?? Read(entry)));
            }
        }

        entries.AddRange(replacements.Where(r => entries.All(e => e.Item1 != r.Path)));
        return Zip([.. entries]);
    }

    public static byte[] Read(byte[] zipBytes, string path)
    {
        using var zip = new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read);
        return Read(zip.GetEntry(path)!);
    }

    private static byte[] Read(ZipArchiveEntry entry)
    {
        using Stream s = entry.Open();
        using var copy = new MemoryStream();
        s.CopyTo(copy);
        return copy.ToArray();
    }
}

/// <summary>Builds pickle streams opcode by opcode (protocol 2, as torch.save writes them).</summary>
internal sealed class PickleBytes
{
    private readonly MemoryStream _bytes = new();

    public PickleBytes()
    {
        Op(0x80, 2); // PROTO 2
    }

    public PickleBytes Op(params byte[] bytes)
    {
        _bytes.Write(bytes);
        return this;
    }

    public PickleBytes Mark() => Op((byte)'(');

    public PickleBytes Tuple() => Op((byte)'t');

    public PickleBytes Global(string module, string name) => Op((byte)'c').Op(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));

    public PickleBytes String(string value)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(value);
        return Op((byte)'X').Op(BitConverter.GetBytes(utf8.Length)).Op(utf8);
    }

    public PickleBytes Int(int value) => Op((byte)'J').Op(BitConverter.GetBytes(value));

    public PickleBytes Ints(IEnumerable<long> values)
    {
        Mark();
        foreach (long v in values)
        {
            Int((int)v);
        }

        return Tuple();
    }

    /// <summary>torch._utils._rebuild_tensor_v2(storage('storage', torch.&lt;type&gt;, key, 'cpu', count), offset,
    /// size, stride, False, OrderedDict()).</summary>
    public PickleBytes Tensor(string storageClass, string key, long count, long offset, long[] size, long[] stride)
    {
        Global("torch._utils", "_rebuild_tensor_v2").Mark();
        Mark().String("storage").Global("torch", storageClass).String(key).String("cpu").Int((int)count).Tuple().Op((byte)'Q');
        Int((int)offset).Ints(size).Ints(stride).Op(0x89); // NEWFALSE
        Global("collections", "OrderedDict").Op((byte)')', (byte)'R'); // OrderedDict()
        return Tuple().Op((byte)'R');
    }

    public byte[] Stop() => Op((byte)'.')._bytes.ToArray();

    /// <summary>A state_dict pickle: {"state_dict": OrderedDict(name -> tensor)}, or the OrderedDict alone.</summary>
    public static byte[] StateDict(IEnumerable<(string Name, string StorageClass, string Key, long Count, long Offset, long[] Size, long[] Stride)> tensors, bool nested = true)
    {
        var p = new PickleBytes();
        if (nested)
        {
            p.Op((byte)'}').String("state_dict");
        }

        p.Global("collections", "OrderedDict").Op((byte)')', (byte)'R').Mark();
        foreach (var t in tensors)
        {
            p.String(t.Name).Tensor(t.StorageClass, t.Key, t.Count, t.Offset, t.Size, t.Stride);
        }

        p.Op((byte)'u'); // SETITEMS
        if (nested)
        {
            p.Op((byte)'s'); // SETITEM
        }

        return p.Stop();
    }
}
