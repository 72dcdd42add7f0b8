using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using TextSketch.Core.Models;

namespace TextSketch.Core.Text;

/// <summary>
/// CLIP's byte-level BPE tokenizer (vocab.json + merges.txt as OpenAI and Hugging Face ship them): lower-cased,
/// whitespace-collapsed text split by CLIP's pattern, each word's UTF-8 bytes mapped to printable characters with
/// "&lt;/w&gt;" marking the word end, merges applied by rank. Thread-safe after loading.
/// </summary>
public sealed partial class ClipTokenizer
{
    private const string WordEnd = "</w>";
    private static readonly char[] ByteToChar = BuildByteMap();
    private static readonly Dictionary<char, byte> CharToByte = ByteToChar.Select((c, b) => (c, b)).ToDictionary(p => p.c, p => (byte)p.b);

    private readonly Dictionary<string, int> _vocab;
    private readonly string[] _byId;
    private readonly Dictionary<(string, string), int> _ranks;
    private readonly Dictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly object _cacheGate = new();

    private ClipTokenizer(Dictionary<string, int> vocab, List<(string, string)> merges)
    {
        _vocab = vocab;
        _byId = new string[vocab.Values.Max() + 1];
        foreach ((string token, int id) in vocab)
        {
            _byId[id] = token;
        }

        _ranks = new Dictionary<(string, string), int>(merges.Count);
        for (int i = 0; i < merges.Count; i++)
        {
            _ranks.TryAdd(merges[i], i);
        }

        BeginOfText = vocab.TryGetValue("<|startoftext|>", out int bos) ? bos
            : throw new ModelPackException("TokenizerInvalid", "The CLIP vocabulary has no <|startoftext|> token.");
        EndOfText = vocab.TryGetValue("<|endoftext|>", out int eos) ? eos
            : throw new ModelPackException("TokenizerInvalid", "The CLIP vocabulary has no <|endoftext|> token.");
    }

    public int VocabularySize => _byId.Length;

    public int BeginOfText { get; }

    public int EndOfText { get; }

    public static ClipTokenizer Load(string vocabJsonPath, string mergesTxtPath)
    {
        try
        {
            var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocabJsonPath))
                ?? throw new JsonException("empty vocabulary");
            var merges = new List<(string, string)>();
            foreach (string line in File.ReadLines(mergesTxtPath))
            {
                if (line.Length == 0 || line.StartsWith("#version", StringComparison.Ordinal))
                {
                    continue;
                }

                int space = line.IndexOf(' ', StringComparison.Ordinal);
                if (space <= 0 || space == line.Length - 1)
                {
                    throw new FormatException($"'{line}' is not a merge ('a b').");
                }

                merges.Add((line[..space], line[(space + 1)..]));
            }

            return new ClipTokenizer(vocab, merges);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new ModelPackException("TokenizerInvalid", $"The CLIP tokenizer files '{vocabJsonPath}' / '{mergesTxtPath}' cannot be read: {e.Message}", e);
        }
    }

    /// <summary>BOS, the text's tokens (cut to fit), EOS, then EOS padding up to <paramref name="maxLength"/>.</summary>
    public int[] Encode(string text, int maxLength = 77)
    {
        if (maxLength < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(maxLength));
        }

        IReadOnlyList<int> tokens = EncodeTokens(text);
        var ids = new int[maxLength];
        ids[0] = BeginOfText;
        int count = Math.Min(tokens.Count, maxLength - 2);
        for (int i = 0; i < count; i++)
        {
            ids[i + 1] = tokens[i];
        }

        for (int i = count + 1; i < maxLength; i++)
        {
            ids[i] = EndOfText;
        }

        return ids;
    }

    /// <summary>The text's tokens, without BOS/EOS.</summary>
    public IReadOnlyList<int> EncodeTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string clean = Whitespace().Replace(text, " ").Trim().ToLowerInvariant();
        var ids = new List<int>();
        foreach (Match piece in Pattern().Matches(clean))
        {
            if (_vocab.TryGetValue(piece.Value, out int special) && piece.Value.StartsWith("<|", StringComparison.Ordinal))
            {
                ids.Add(special);
                continue;
            }

            string mapped = string.Concat(Encoding.UTF8.GetBytes(piece.Value).Select(b => ByteToChar[b]));
            ids.AddRange(Bpe(mapped));
        }

        return ids;
    }

    /// <summary>Text of the tokens: BOS/EOS dropped, word ends become spaces.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var text = new StringBuilder();
        foreach (int id in ids)
        {
            if (id == BeginOfText || id == EndOfText || id < 0 || id >= _byId.Length || _byId[id] is null)
            {
                continue;
            }

            text.Append(_byId[id]);
        }

        string joined = text.ToString().Replace(WordEnd, " ", StringComparison.Ordinal);
        var bytes = new List<byte>(joined.Length);
        foreach (char c in joined)
        {
            if (c == ' ')
            {
                bytes.Add((byte)' ');
            }
            else if (CharToByte.TryGetValue(c, out byte b))
            {
                bytes.Add(b);
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray()).Trim();
    }

    private int[] Bpe(string word)
    {
        lock (_cacheGate)
        {
            if (_cache.TryGetValue(word, out int[]? cached))
            {
                return cached;
            }
        }

        var parts = word.Select(c => c.ToString()).ToList();
        parts[^1] += WordEnd;
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

        var ids = new List<int>(parts.Count);
        foreach (string part in parts)
        {
            if (_vocab.TryGetValue(part, out int id))
            {
                ids.Add(id);
                continue;
            }

            // Not in the vocabulary (never with the real files): its characters one by one.
            string bare = part.EndsWith(WordEnd, StringComparison.Ordinal) ? part[..^WordEnd.Length] : part;
            for (int i = 0; i < bare.Length; i++)
            {
                string single = bare[i].ToString() + (i == bare.Length - 1 && bare.Length != part.Length ? WordEnd : string.Empty);
                if (_vocab.TryGetValue(single, out int singleId) || _vocab.TryGetValue(bare[i].ToString(), out singleId))
                {
                    ids.Add(singleId);
                }
            }
        }

        int[] result = ids.ToArray();
        lock (_cacheGate)
        {
            if (_cache.Count < 100_000)
            {
                _cache[word] = result;
            }
        }

        return result;
    }

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

    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
