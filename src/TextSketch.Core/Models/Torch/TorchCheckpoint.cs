using System.IO.Compression;
using System.Text;

namespace TextSketch.Core.Models.Torch;

/// <summary>
/// Reads the state_dict of a PyTorch checkpoint in the zip format torch.save writes since PyTorch 1.6:
/// &lt;dir&gt;/data.pkl (the pickled object, read by <see cref="RestrictedUnpickler"/>), &lt;dir&gt;/data/&lt;key&gt;
/// (one raw storage per key), optionally &lt;dir&gt;/byteorder. Every entry read is checked against its CRC-32, every
/// storage against the size its pickle declares, every tensor against its storage. The state_dict is the top-level
/// dict itself or its "state_dict" entry; a "module." prefix (nn.DataParallel) on every name is removed.
/// </summary>
public static class TorchCheckpoint
{
    private const string DataParallelPrefix = "module.";
    private const long MaxEntryBytes = 1L << 30;
    private const long MaxTensorElements = 1L << 28;

    public static TorchStateDict ReadStateDict(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        return ReadStateDict(stream, Path.GetFileName(path));
    }

    /// <summary>Reads from a seekable stream; <paramref name="name"/> only labels errors.</summary>
    public static TorchStateDict ReadStateDict(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new TorchCheckpointException(TorchCheckpointException.Corrupt,
                $"The checkpoint '{name}' is not a readable PyTorch zip checkpoint (damaged, truncated, or not a zip: {e.Message}).", e);
        }

        using (archive)
        {
            ZipArchiveEntry pickle = FindPickle(archive, name);
            string root = pickle.FullName[..^"data.pkl".Length];
            bool bigEndian = ReadByteOrder(archive, root, name);
            object? top = RestrictedUnpickler.Load(ReadEntry(pickle, name), name);
            PickleDict dict = StateDictOf(top, name);

            var storages = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            var tensors = new List<TorchTensor>();
            bool prefixed = dict.Entries.Count > 0 && dict.Entries.All(e => e.Key is string k && k.StartsWith(DataParallelPrefix, StringComparison.Ordinal));
            foreach ((object? key, object? value) in dict.Entries)
            {
                string tensorName = key as string ?? throw Foreign(name, $"a state_dict key that is not a string ({key ?? "None"})");
                if (prefixed)
                {
                    tensorName = tensorName[DataParallelPrefix.Length..];
                }

                TorchTensorView view = value as TorchTensorView ?? throw Foreign(name, $"the entry '{tensorName}' is {Describe(value)}, not a tensor");
                byte[] storage = Storage(archive, root, view.Storage, storages, name);
                CheckExtent(view, tensorName, name);
                tensors.Add(new TorchTensor(tensorName, view.Storage.DType, view.Shape, view.Strides, view.StorageOffset, storage, bigEndian));
            }

            return new TorchStateDict(name, tensors);
        }
    }

    private static ZipArchiveEntry FindPickle(ZipArchive archive, string name)
    {
        List<ZipArchiveEntry> pickles;
        try
        {
            pickles = archive.Entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.IndexOf('/') == e.FullName.Length - "/data.pkl".Length).ToList();
        }
        catch (InvalidDataException e)
        {
            throw new TorchCheckpointException(TorchCheckpointException.Corrupt, $"The checkpoint '{name}' has a damaged zip directory: {e.Message}", e);
        }

        return pickles.Count == 1
            ? pickles[0]
            : throw Foreign(name, pickles.Count == 0 ? "no <folder>/data.pkl: it is a zip, but not a PyTorch checkpoint" : "more than one data.pkl");
    }

    private static bool ReadByteOrder(ZipArchive archive, string root, string name)
    {
        ZipArchiveEntry? entry = archive.GetEntry(root + "byteorder");
        if (entry is null)
        {
            return false;
        }

        string order = Encoding.ASCII.GetString(ReadEntry(entry, name)).Trim();
        return order switch
        {
            "little" => false,
            "big" => true,
            _ => throw new TorchCheckpointException(TorchCheckpointException.Corrupt, $"The checkpoint '{name}' declares the byte order '{order}'."),
        };
    }

    private static PickleDict StateDictOf(object? top, string name)
    {
        if (top is not PickleDict dict)
        {
            throw Foreign(name, $"its pickle holds {Describe(top)}, not a dict of tensors");
        }

        // A training checkpoint: {"epoch": ..., "state_dict": {...}, "optimizer": ...}; else the dict is the state_dict.
        if (dict.TryGet("state_dict", out object? inner))
        {
            return inner as PickleDict ?? throw Foreign(name, $"its \"state_dict\" is {Describe(inner)}, not a dict");
        }

        return dict;
    }

    private static byte[] Storage(ZipArchive archive, string root, TorchStorageRef storage, Dictionary<string, byte[]> cache, string name)
    {
        long expected = storage.ElementCount <= MaxEntryBytes ? storage.ElementCount * storage.DType.SizeOf() : -1;
        if (cache.TryGetValue(storage.Key, out byte[]? bytes))
        {
            return bytes.LongLength == expected
                ? bytes
                : throw Corrupt(name, $"the storage '{storage.Key}' is declared with two different sizes");
        }

        if (storage.Key.Length == 0 || storage.Key.Any(c => c is '/' or '\\') || storage.Key.Contains("..", StringComparison.Ordinal))
        {
            throw Corrupt(name, $"the storage key '{storage.Key}' is not a plain name");
        }

        ZipArchiveEntry entry = archive.GetEntry(root + "data/" + storage.Key)
            ?? throw Corrupt(name, $"the storage '{storage.Key}' is missing (no {root}data/{storage.Key})");
        if (entry.Length != expected)
        {
            throw Corrupt(name, $"the storage '{storage.Key}' holds {entry.Length} bytes; its pickle declares {storage.ElementCount} x {storage.DType} = {expected}");
        }

        bytes = ReadEntry(entry, name);
        cache[storage.Key] = bytes;
        return bytes;
    }

    private static void CheckExtent(TorchTensorView view, string tensorName, string name)
    {
        if (view.StorageOffset < 0)
        {
            throw Corrupt(name, $"the tensor '{tensorName}' starts at the negative offset {view.StorageOffset}");
        }

        // The last element the view reaches must lie inside the storage (an empty view reaches none), and the view
        // must be small enough to load (a stride of 0 repeats elements, so a small storage can claim a huge view).
        if (view.Shape.Any(d => d == 0))
        {
            return;
        }

        long last = view.StorageOffset;
        long count = 1;
        try
        {
            for (int d = 0; d < view.Shape.Length; d++)
            {
                last = checked(last + (view.Shape[d] - 1) * view.Strides[d]);
                count = checked(count * view.Shape[d]);
            }
        }
        catch (OverflowException)
        {
            last = count = long.MaxValue;
        }

        if (count > MaxTensorElements)
        {
            throw Corrupt(name, $"the tensor '{tensorName}' of shape [{string.Join(",", view.Shape)}] has too many elements to load");
        }

        if (last >= view.Storage.ElementCount)
        {
            throw Corrupt(name, $"the tensor '{tensorName}' of shape [{string.Join(",", view.Shape)}] reaches element {last} of a storage of {view.Storage.ElementCount}");
        }
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry, string name)
    {
        if (entry.Length > MaxEntryBytes)
        {
            throw Corrupt(name, $"'{entry.FullName}' declares {entry.Length} bytes");
        }

        var bytes = new byte[entry.Length];
        try
        {
            using Stream stream = entry.Open();
            stream.ReadExactly(bytes);
            if (stream.ReadByte() != -1)
            {
                throw Corrupt(name, $"'{entry.FullName}' holds more bytes than its zip entry declares");
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            throw new TorchCheckpointException(TorchCheckpointException.Corrupt, $"The checkpoint '{name}' is damaged: '{entry.FullName}' cannot be read ({e.Message}).", e);
        }

        if (Crc32.Compute(bytes) != entry.Crc32)
        {
            throw Corrupt(name, $"'{entry.FullName}' fails its CRC-32 check");
        }

        return bytes;
    }

    private static string Describe(object? value) => value switch
    {
        null => "None",
        PickleDict => "a dict",
        List<object?> => "a list",
        PickleTuple => "a tuple",
        string => "a string",
        long or double or bool => $"the number {value}",
        _ => "a " + value.GetType().Name,
    };

    private static TorchCheckpointException Corrupt(string name, string what) =>
        new(TorchCheckpointException.Corrupt, $"The checkpoint '{name}' is damaged: {what}.");

    private static TorchCheckpointException Foreign(string name, string what) =>
        new(TorchCheckpointException.Foreign, $"The checkpoint '{name}' is not a PyTorch state_dict: {what}.");
}
