using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace TextSketch.Core.Text;

/// <summary>
/// The CLIP byte-level BPE tokenizer (as used by Stable Diffusion's text encoder and by CLIP itself), read from the
/// usual <c>vocab.json</c> + <c>merges.txt</c> pair. Text is cleaned the way CLIP cleans it (HTML entities decoded,
/// whitespace collapsed, lower-cased; Unicode NFC stands in for ftfy's repairs), split by CLIP's pre-tokenizer
/// pattern, and each piece is byte-level BPE-encoded with "&lt;/w&gt;" marking the end of a word.
/// </summary>
public sealed class ClipTokenizer
{
    public const string StartOfTextToken = "<|startoftext|>";
    public const string EndOfTextToken = "<|endoftext|>";

    // CLIP's pre-tokenizer: special tokens, English contractions, letter runs, single digits, other non-space runs.
    private const string PreTokenizerPattern =
        @"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+";

    private static readonly Regex Whitespace = new(@"\s+", RegexOptions.CultureInvariant);
    private static readonly Dictionary<char, byte> UnicodeToByte = BuildUnicodeToByte();

    private readonly BpeTokenizer _bpe;
    private readonly Dictionary<int, string> _tokensById;

    private ClipTokenizer(BpeTokenizer bpe, Dictionary<string, int> vocabulary, int beginOfText, int endOfText)
    {
        _bpe = bpe;
        _tokensById = new Dictionary<int, string>(vocabulary.Count);
        foreach ((string token, int id) in vocabulary)
        {
            _tokensById[id] = token;
        }

        VocabularySize = vocabulary.Count;
        BeginOfText = beginOfText;
        EndOfText = endOfText;
    }

    public int VocabularySize { get; }

    /// <summary>Id of "&lt;|startoftext|&gt;" in this vocabulary (49406 in CLIP's).</summary>
    public int BeginOfText { get; }

    /// <summary>Id of "&lt;|endoftext|&gt;" in this vocabulary (49407 in CLIP's); also the padding id, as in CLIP/SD.</summary>
    public int EndOfText { get; }

    public static ClipTokenizer Load(string vocabJsonPath, string mergesTxtPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(vocabJsonPath);
        ArgumentException.ThrowIfNullOrEmpty(mergesTxtPath);
        Dictionary<string, int> vocabulary;
        try
        {
            vocabulary = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocabJsonPath))
                ?? throw new JsonException("the file holds no object");
        }
        catch (JsonException e)
        {
            throw new Models.ModelPackException("TokenizerInvalid", $"The tokenizer vocabulary '{vocabJsonPath}' is not a JSON object of token ids: {e.Message}", e);
        }

        if (!vocabulary.TryGetValue(StartOfTextToken, out int begin) || !vocabulary.TryGetValue(EndOfTextToken, out int end))
        {
            throw new Models.ModelPackException("TokenizerInvalid",
                $"The tokenizer vocabulary '{vocabJsonPath}' has no {StartOfTextToken} / {EndOfTextToken} tokens; it is not a CLIP vocabulary.");
        }

        // merges.txt: an optional "#version" header, then one "left right" pair per line in rank order.
        List<string> merges = File.ReadLines(mergesTxtPath)
            .Where(line => line.Length > 0 && !line.StartsWith("#version", StringComparison.Ordinal))
            .ToList();
        var specialTokens = new Dictionary<string, int>(StringComparer.Ordinal) { [StartOfTextToken] = begin, [EndOfTextToken] = end };
        var options = new BpeOptions(vocabulary)
        {
            Merges = merges,
            SpecialTokens = specialTokens,
            PreTokenizer = new RegexPreTokenizer(new Regex(PreTokenizerPattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant), specialTokens),
            ByteLevel = true,
            EndOfWordSuffix = "</w>",
        };
        BpeTokenizer bpe;
        try
        {
            bpe = BpeTokenizer.Create(options);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new Models.ModelPackException("TokenizerInvalid", $"The tokenizer files '{vocabJsonPath}' / '{mergesTxtPath}' do not form a BPE tokenizer: {e.Message}", e);
        }

        return new ClipTokenizer(bpe, vocabulary, begin, end);
    }

    /// <summary>
    /// The text encoder's input: BOS, the BPE ids, EOS, padded with EOS to <paramref name="maxLength"/>. Longer text
    /// is truncated so that the last id is still EOS.
    /// </summary>
    public int[] Encode(string text, int maxLength = 77)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        IReadOnlyList<int> tokens = EncodeTokens(text);
        var ids = new int[maxLength];
        Array.Fill(ids, EndOfText);
        ids[0] = BeginOfText;
        int count = Math.Min(tokens.Count, maxLength - 2);
        for (int i = 0; i < count; i++)
        {
            ids[i + 1] = tokens[i];
        }

        return ids;
    }

    /// <summary>The BPE ids of the cleaned text, without BOS/EOS or padding.</summary>
    public IReadOnlyList<int> EncodeTokens(string text)
    {
        string cleaned = Clean(text ?? string.Empty);
        return cleaned.Length == 0 ? [] : _bpe.EncodeToIds(cleaned);
    }

    /// <summary>Text of the ids: BOS/EOS (and padding) dropped, bytes re-assembled, "&lt;/w&gt;" read as a space.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        foreach (int id in ids)
        {
            if (id == BeginOfText || id == EndOfText || !_tokensById.TryGetValue(id, out string? token))
            {
                continue;
            }

            string piece = token.EndsWith("</w>", StringComparison.Ordinal) ? token[..^4] : token;
            foreach (char c in piece)
            {
                if (UnicodeToByte.TryGetValue(c, out byte b))
                {
                    bytes.Add(b);
                }
            }

            if (piece.Length != token.Length)
            {
                bytes.Add((byte)' ');
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray()).Trim();
    }

    /// <summary>CLIP's cleaning: HTML entities decoded (twice, as CLIP does), NFC, whitespace collapsed, lower case.</summary>
    internal static string Clean(string text)
    {
        string decoded = WebUtility.HtmlDecode(WebUtility.HtmlDecode(text)).Normalize(NormalizationForm.FormC);
        return Whitespace.Replace(decoded, " ").Trim().ToLowerInvariant();
    }

    /// <summary>GPT-2/CLIP byte-to-character table, inverted: printable Latin-1 bytes map to themselves, the other
    /// 68 bytes to U+0100 onwards.</summary>
    private static Dictionary<char, byte> BuildUnicodeToByte()
    {
        var map = new Dictionary<char, byte>(256);
        int extra = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char)b : (char)(256 + extra++);
            map[c] = (byte)b;
        }

        return map;
    }
}
