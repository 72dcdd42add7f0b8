using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TextSketch.Core.Models;

namespace TextSketch.Core.Text;

/// <summary>
/// The GPT-2 / BART byte-level BPE tokenizer (Florence-2's): text is split by the GPT-2 pattern, each piece's UTF-8
/// bytes are mapped to printable characters, and merges are applied by rank. Loads a Hugging Face tokenizer.json
/// (model.vocab, model.merges, added_tokens) or the vocab.json + merges.txt pair. Thread-safe after loading.
/// </summary>
public sealed partial class ByteLevelBpeTokenizer
{
    private static readonly char[] ByteToChar = BuildByteMap();
    private static readonly Dictionary<char, byte> CharToByte = ByteToChar.Select((c, b) => (c, b)).ToDictionary(p => p.c, p => (byte)p.b);

    private readonly Dictionary<string, int> _vocab;
    private readonly string[] _byId;
    private readonly Dictionary<(string, string), int> _ranks;
    private readonly HashSet<int> _special;
    private readonly Dictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly object _cacheGate = new();

    private ByteLevelBpeTokenizer(Dictionary<string, int> vocab, List<(string, string)> merges, IEnumerable<(string Content, int Id, bool Special)> added)
    {
        _vocab = vocab;
        _special = [];
        foreach ((string content, int id, bool special) in added)
        {
            _vocab[content] = id;
            if (special)
            {
                _special.Add(id);
            }
        }

        int size = _vocab.Count == 0 ? 0 : _vocab.Values.Max() + 1;
        _byId = new string[size];
        foreach ((string token, int id) in _vocab)
        {
            _byId[id] = token;
        }

        _ranks = new Dictionary<(string, string), int>(merges.Count);
        for (int i = 0; i < merges.Count; i++)
        {
            _ranks.TryAdd(merges[i], i);
        }
    }

    public int VocabularySize => _byId.Length;

    /// <summary>The id of a token, or null when the vocabulary lacks it.</summary>
    public int? IdOf(string token) => _vocab.TryGetValue(token, out int id) ? id : null;

    /// <summary>Whether <paramref name="id"/> is a special (added, non-text) token such as &lt;s&gt; or &lt;loc_12&gt;.</summary>
    public bool IsSpecial(int id) => _special.Contains(id);

    /// <summary>A Hugging Face tokenizer.json.</summary>
    public static ByteLevelBpeTokenizer FromTokenizerJson(string path)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
            JsonElement model = document.RootElement.GetProperty("model");
            var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (JsonProperty entry in model.GetProperty("vocab").EnumerateObject())
            {
                vocab[entry.Name] = entry.Value.GetInt32();
            }

            var merges = new List<(string, string)>();
            foreach (JsonElement merge in model.GetProperty("merges").EnumerateArray())
            {
                // Older files write "a b", newer ones ["a", "b"].
                merges.Add(merge.ValueKind == JsonValueKind.Array
                    ? (merge[0].GetString()!, merge[1].GetString()!)
                    : SplitMerge(merge.GetString()!, path));
            }

            var added = new List<(string, int, bool)>();
            if (document.RootElement.TryGetProperty("added_tokens", out JsonElement tokens))
            {
                foreach (JsonElement token in tokens.EnumerateArray())
                {
                    bool special = token.TryGetProperty("special", out JsonElement s) && s.ValueKind == JsonValueKind.True;
                    added.Add((token.GetProperty("content").GetString()!, token.GetProperty("id").GetInt32(), special));
                }
            }

            return new ByteLevelBpeTokenizer(vocab, merges, added);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ModelPackException("TokenizerInvalid", $"The tokenizer '{path}' is not a byte-level BPE tokenizer.json: {e.Message}", e);
        }
    }

    /// <summary>A vocab.json + merges.txt pair; tokens in &lt;...&gt; are treated as special.</summary>
    public static ByteLevelBpeTokenizer FromVocabAndMerges(string vocabPath, string mergesPath)
    {
        try
        {
            var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocabPath))
                ?? throw new JsonException("empty vocabulary");
            var merges = File.ReadLines(mergesPath)
                .Where(line => line.Length > 0 && !line.StartsWith("#version", StringComparison.Ordinal))
                .Select(line => SplitMerge(line, mergesPath))
                .ToList();
            var added = vocab.Where(kv => kv.Key.Length > 2 && kv.Key[0] == '<' && kv.Key[^1] == '>').Select(kv => (kv.Key, kv.Value, true)).ToList();
            return new ByteLevelBpeTokenizer(vocab, merges, added);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new ModelPackException("TokenizerInvalid", $"The tokenizer files '{vocabPath}' / '{mergesPath}' cannot be read: {e.Message}", e);
        }
    }

    /// <summary>Token ids of <paramref name="text"/>, without any special tokens around them.</summary>
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        foreach (Match piece in Pretokenizer().Matches(text))
        {
            string mapped = string.Concat(Encoding.UTF8.GetBytes(piece.Value).Select(b => ByteToChar[b]));
            ids.AddRange(Bpe(mapped));
        }

        return ids;
    }

    /// <summary>Text of <paramref name="ids"/>; special tokens are left out.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        var bytes = new List<byte>();
        foreach (int id in ids)
        {
            if (id < 0 || id >= _byId.Length || _byId[id] is null || _special.Contains(id))
            {
                continue;
            }

            foreach (char c in _byId[id])
            {
                if (CharToByte.TryGetValue(c, out byte b))
                {
                    bytes.Add(b);
                }
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private int[] Bpe(string piece)
    {
        lock (_cacheGate)
        {
            if (_cache.TryGetValue(piece, out int[]? cached))
            {
                return cached;
            }
        }

        var parts = piece.Select(c => c.ToString()).ToList();
        while (parts.Count > 1)
        {
            int best = -1;
            int bestRank = int.MaxValue;
            for (int i = 0; i < parts.Count - 1; i++)
            {
                if (_ranks.TryGetValue((parts[i], parts[i + 1]), out int rank) && rank < bestRank)
                {
                    bestRank = rank;
                    best = i;
                }
            }

            if (best < 0)
            {
                break;
            }

            parts[best] += parts[best + 1];
            parts.RemoveAt(best + 1);
        }

        int unknown = _vocab.TryGetValue("<unk>", out int unk) ? unk : -1;
        var ids = new List<int>(parts.Count);
        foreach (string part in parts)
        {
            if (_vocab.TryGetValue(part, out int id))
            {
                ids.Add(id);
            }
            else
            {
                // A byte missing from the vocabulary (never in real files): fall back to its single characters.
                foreach (char c in part)
                {
                    if (_vocab.TryGetValue(c.ToString(), out int single))
                    {
                        ids.Add(single);
                    }
                    else if (unknown >= 0)
                    {
                        ids.Add(unknown);
                    }
                }
            }
        }

        int[] result = ids.ToArray();
        lock (_cacheGate)
        {
            if (_cache.Count < 100_000)
            {
                _cache[piece] = result;
            }
        }

        return result;
    }

    private static (string, string) SplitMerge(string line, string source)
    {
        int space = line.IndexOf(' ', StringComparison.Ordinal);
        return space <= 0 || space == line.Length - 1
            ? throw new FormatException($"'{line}' in '{source}' is not a merge ('a b').")
            : (line[..space], line[(space + 1)..]);
    }

    /// <summary>GPT-2's reversible byte-to-printable-character map.</summary>
    private static char[] BuildByteMap()
    {
        var map = new char[256];
        var direct = new bool[256];
        foreach ((int from, int to) in new[] { ('!', '~'), ('¡', '¬'), ('®', 'ÿ') })
        {
            for (int b = from; b <= to; b++)
            {
                direct[b] = true;
                map[b] = (char)b;
            }
        }

        int next = 0;
        for (int b = 0; b < 256; b++)
        {
            if (!direct[b])
            {
                map[b] = (char)(256 + next++);
            }
        }

        return map;
    }

    /// <summary>The printable character GPT-2's byte map gives <paramref name="b"/> (tiny packs write vocabularies with it).</summary>
    public static char CharOfByte(byte b) => ByteToChar[b];

    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Pretokenizer();
}
