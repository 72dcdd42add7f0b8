namespace TextSketch.Core.Coding.Text;

/// <summary>
/// A static model of English caption text, for coding UTF-8 bytes one bit at a time. Five context orders (the
/// previous 0 to 4 bytes, with the bits of the current byte so far) each hold bit counts; a logistic mixer, whose
/// weight set depends on the longest order that has seen its context, combines them. Counts and weights are learned
/// once, by reading the embedded corpus, and never change afterwards, so one instance serves every thread and every
/// record codes identically everywhere (all integer arithmetic).
/// </summary>
public sealed class CaptionLanguageModel
{
    /// <summary>The end-of-caption symbol (captions containing NUL use the UTF-8 fallback coder).</summary>
    public const byte EndOfText = 0;

    public const string CorpusResource = "TextSketch.Core.Coding.Text.caption-corpus.txt";

    private const int Orders = 5;
    private const int TableBits = 20;
    private const int CountLimit = 1023;
    private const int MixerInputs = Orders + 1;

    private static readonly Lazy<CaptionLanguageModel> SharedModel = new(() => FromCorpus(ReadEmbeddedCorpus()), LazyThreadSafetyMode.ExecutionAndPublication);

    // Per order: packed counts (n0 in the low 16 bits, n1 in the high 16 bits), indexed by a hash of context and node.
    private readonly uint[][] _counts;
    private readonly int[] _weights;

    private CaptionLanguageModel()
    {
        _counts = new uint[Orders][];
        for (int k = 0; k < Orders; k++)
        {
            _counts[k] = new uint[k == 0 ? 256 : 1 << TableBits];
        }

        _weights = new int[(Orders + 1) * 256 * MixerInputs];
        Array.Fill(_weights, (1 << 16) / 3);
    }

    /// <summary>The model built from the corpus shipped in the assembly (built on first use, about a second).</summary>
    public static CaptionLanguageModel Shared => SharedModel.Value;

    /// <summary>Bytes of corpus the model was built from.</summary>
    public long CorpusBytes { get; private set; }

    /// <summary>Builds a model by reading <paramref name="corpus"/>: one caption-like text per line.</summary>
    public static CaptionLanguageModel FromCorpus(byte[] corpus)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var model = new CaptionLanguageModel { CorpusBytes = corpus.Length };
        var history = new byte[4];
        Span<uint> contexts = stackalloc uint[Orders];
        Span<int> slots = stackalloc int[Orders];
        Span<int> stretched = stackalloc int[MixerInputs];
        int start = 0;
        for (int i = 0; i <= corpus.Length; i++)
        {
            if (i == corpus.Length || corpus[i] == (byte)'\n')
            {
                if (i > start)
                {
                    Array.Clear(history);
                    for (int j = start; j < i; j++)
                    {
                        model.Learn(history, corpus[j], contexts, slots, stretched);
                        Shift(history, corpus[j]);
                    }

                    model.Learn(history, EndOfText, contexts, slots, stretched);
                }

                start = i + 1;
            }
        }

        return model;
    }

    /// <summary>Codes one byte given the (up to four) previous bytes, most recent last.</summary>
    public void Encode(RangeEncoder encoder, ReadOnlySpan<byte> history, byte value)
    {
        Span<uint> contexts = stackalloc uint[Orders];
        Span<int> slots = stackalloc int[Orders];
        Span<int> stretched = stackalloc int[MixerInputs];
        Contexts(history, contexts);
        int node = 1;
        for (int i = 7; i >= 0; i--)
        {
            int bit = (value >> i) & 1;
            encoder.Encode(bit, Predict(contexts, node, slots, stretched, out _) << 4);
            node = (node << 1) | bit;
        }
    }

    public byte Decode(RangeDecoder decoder, ReadOnlySpan<byte> history)
    {
        Span<uint> contexts = stackalloc uint[Orders];
        Span<int> slots = stackalloc int[Orders];
        Span<int> stretched = stackalloc int[MixerInputs];
        Contexts(history, contexts);
        int node = 1;
        for (int i = 0; i < 8; i++)
        {
            node = (node << 1) | decoder.Decode(Predict(contexts, node, slots, stretched, out _) << 4);
        }

        return (byte)node;
    }

    /// <summary>Shifts <paramref name="value"/> into a 4-byte history (most recent last).</summary>
    public static void Shift(Span<byte> history, byte value)
    {
        history[0] = history[1];
        history[1] = history[2];
        history[2] = history[3];
        history[3] = value;
    }

    private void Learn(ReadOnlySpan<byte> history, byte value, Span<uint> contexts, Span<int> slots, Span<int> stretched)
    {
        Contexts(history, contexts);
        int node = 1;
        for (int i = 7; i >= 0; i--)
        {
            int bit = (value >> i) & 1;
            int p = Predict(contexts, node, slots, stretched, out int set);
            // Mixer: a gradient step towards the coded bit.
            int error = ((bit << 12) - p) * 3;
            int offset = set * MixerInputs;
            for (int j = 0; j < MixerInputs; j++)
            {
                _weights[offset + j] += (stretched[j] * error + (1 << 9)) >> 10;
            }

            for (int k = 0; k < Orders; k++)
            {
                ref uint c = ref _counts[k][slots[k]];
                uint n0 = (c & 0xFFFF) + (uint)(1 - bit);
                uint n1 = (c >> 16) + (uint)bit;
                if (n0 > CountLimit || n1 > CountLimit)
                {
                    n0 = (n0 + 1) >> 1;
                    n1 = (n1 + 1) >> 1;
                }

                c = n0 | (n1 << 16);
            }

            node = (node << 1) | bit;
        }
    }

    /// <summary>Hashes of the previous 1..4 bytes (order 0 has none).</summary>
    private static void Contexts(ReadOnlySpan<byte> history, Span<uint> contexts)
    {
        uint hash = 0;
        contexts[0] = 0;
        for (int k = 1; k < Orders; k++)
        {
            hash = (hash + history[4 - k] + 1) * 0x2F0B3A4Du;
            contexts[k] = hash ^ (hash >> 15);
        }
    }

    /// <summary>12-bit P(bit = 1) for the next bit of the current byte (<paramref name="node"/> = 1 followed by the
    /// bits so far); fills the table slots and stretched inputs it used.</summary>
    private int Predict(ReadOnlySpan<uint> contexts, int node, Span<int> slots, Span<int> stretched, out int set)
    {
        int longest = 0;
        for (int k = 0; k < Orders; k++)
        {
            slots[k] = k == 0 ? node : (int)((contexts[k] + (uint)node * 0x9E3779B1u) >> (32 - TableBits));
            uint c = _counts[k][slots[k]];
            uint n0 = c & 0xFFFF, n1 = c >> 16;
            if (n0 + n1 > 0)
            {
                longest = k;
            }

            // Krichevsky-Trofimov style estimate in 12 bits.
            int p = (int)(((n1 * 2 + 1) * 4096) / ((n0 + n1) * 2 + 2));
            stretched[k] = Logistic.Stretch(Math.Clamp(p, 1, 4095));
        }

        stretched[Orders] = 256;
        set = longest * 256 + node;
        int offset = set * MixerInputs;
        long dot = 0;
        for (int j = 0; j < MixerInputs; j++)
        {
            dot += (long)stretched[j] * _weights[offset + j];
        }

        return Math.Clamp(Logistic.Squash((int)(dot >> 16)), 1, 4095);
    }

    private static byte[] ReadEmbeddedCorpus()
    {
        using Stream stream = typeof(CaptionLanguageModel).Assembly.GetManifestResourceStream(CorpusResource)
            ?? throw new InvalidOperationException($"The caption corpus resource '{CorpusResource}' is missing from the assembly.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
