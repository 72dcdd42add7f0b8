using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TextSketch.Core.Imaging;
using TextSketch.Core.Models;
using TextSketch.Core.Onnx;
using TextSketch.Core.Text;

namespace TextSketch.Core.Caption;

/// <summary>
/// Captions with Florence-2 (the onnx-community export: vision_encoder, embed_tokens, encoder_model,
/// decoder_model_merged with KV cache; byte-level BPE tokenizer). The image features and the task prompt's token
/// embeddings form the encoder input; the decoder then runs greedily from the decoder start token with BOS forced
/// first, no repeated n-grams, and a cap on new tokens that keeps captions within a record's budget.
/// </summary>
public sealed partial class Florence2Captioner : ICaptioner, IDisposable
{
    private const string VisionRole = "vision_encoder";
    private const string EmbedRole = "embed_tokens";
    private const string EncoderRole = "encoder_model";
    private const string DecoderRole = "decoder_model_merged";

    private readonly List<OnnxModel> _models = [];
    private readonly OnnxModel _vision;
    private readonly OnnxModel _embed;
    private readonly OnnxModel _encoder;
    private readonly OnnxModel _decoder;
    private readonly ByteLevelBpeTokenizer _tokenizer;
    private readonly int _layers;
    private readonly int _heads;
    private readonly int _headSize;
    private readonly int _imageHeight;
    private readonly int _imageWidth;
    private readonly float[] _mean;
    private readonly float[] _std;
    private readonly long[] _promptIds;
    private readonly int _maxNewTokens;
    private readonly int _noRepeatNgram;
    private readonly int _decoderStart;
    private readonly int _bos;
    private readonly int _eos;

    /// <summary>Opens the pack's four models (the captioner owns their sessions: dispose it).</summary>
    public Florence2Captioner(InstalledPack pack, OnnxSessionFactory sessions)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(sessions);
        Name = pack.Name;
        try
        {
            _vision = Open(sessions, pack, VisionRole);
            _embed = Open(sessions, pack, EmbedRole);
            _encoder = Open(sessions, pack, EncoderRole);
            _decoder = Open(sessions, pack, DecoderRole);
            // The cache's inputs and outputs, one set per layer: how many layers there are, the file says.
            _layers = _decoder.InputMetadata.Keys.Count(k => PastName().IsMatch(k) && k.EndsWith(".decoder.key", StringComparison.Ordinal));
            var inputs = new List<TensorSpec>(DecoderInputs);
            var outputs = new List<TensorSpec>(Signatures[DecoderRole].Outputs);
            for (int i = 0; i < Math.Max(1, _layers); i++)
            {
                foreach (string part in KvParts)
                {
                    inputs.Add(TensorSpec.Of($"past_key_values.{i}.{part}", TensorElementType.Float, 4));
                    outputs.Add(TensorSpec.Of($"present.{i}.{part}", TensorElementType.Float, 4));
                }
            }

            OnnxSignature.Require(_decoder.InputMetadata, _decoder.OutputMetadata, _decoder.Name, new OnnxSignatureSpec(inputs, outputs));
        }
        catch
        {
            Dispose();
            throw;
        }

        int[] kvDims = _decoder.InputMetadata["past_key_values.0.decoder.key"].Dimensions;
        _heads = kvDims[1];
        _headSize = kvDims[3];
        if (_heads <= 0 || _headSize <= 0)
        {
            Dispose();
            throw new ModelPackException("ModelSignatureMismatch",
                $"The model '{pack.Name}/{DecoderRole}' leaves the attention heads or head size of its KV cache open ([{string.Join(",", kvDims)}]); the captioner needs them fixed.");
        }

        _tokenizer = ByteLevelBpeTokenizer.FromTokenizerJson(pack.PathOf("tokenizer"));
        var settings = new PackSettings(pack.Manifest);
        int[] pixelDims = _vision.InputMetadata["pixel_values"].Dimensions;
        int size = settings.Int("imageSize", 768);
        _imageHeight = pixelDims[2] > 0 ? pixelDims[2] : size;
        _imageWidth = pixelDims[3] > 0 ? pixelDims[3] : size;
        _mean = settings.Floats("imageMean", [0.485f, 0.456f, 0.406f]);
        _std = settings.Floats("imageStd", [0.229f, 0.224f, 0.225f]);
        _maxNewTokens = Math.Clamp(settings.Int("maxNewTokens", 32), 1, 256);
        _noRepeatNgram = Math.Max(0, settings.Int("noRepeatNgramSize", 3));
        _decoderStart = settings.Int("decoderStartTokenId", 2);
        _bos = settings.Int("bosTokenId", 0);
        _eos = settings.Int("eosTokenId", 2);
        Task = settings.String("task", "<CAPTION>");
        string prompt = PromptOf(Task);
        _promptIds = [_bos, .. _tokenizer.Encode(prompt).Select(id => (long)id), _eos];
    }

    private static readonly string[] KvParts = ["decoder.key", "decoder.value", "encoder.key", "encoder.value"];

    private static readonly TensorSpec[] DecoderInputs =
    [
        TensorSpec.Of("encoder_attention_mask", TensorElementType.Int64, 2),
        TensorSpec.Of("encoder_hidden_states", TensorElementType.Float, 3),
        TensorSpec.Of("inputs_embeds", TensorElementType.Float, 3),
        TensorSpec.Of("use_cache_branch", TensorElementType.Bool, 1),
    ];

    /// <summary>What the captioner needs of each model of a pack, by role (the decoder's KV-cache inputs, one set per
    /// layer, are checked once its layer count is known). Also checkable on their own: <see cref="OnnxSignature.Check"/>.</summary>
    public static IReadOnlyDictionary<string, OnnxSignatureSpec> Signatures { get; } = new Dictionary<string, OnnxSignatureSpec>(StringComparer.Ordinal)
    {
        [VisionRole] = new([TensorSpec.Of("pixel_values", TensorElementType.Float, 4)], [TensorSpec.Of("image_features", TensorElementType.Float, 3)]),
        [EmbedRole] = new([TensorSpec.Of("input_ids", TensorElementType.Int64, 2)], [TensorSpec.Of("inputs_embeds", TensorElementType.Float, 3)]),
        [EncoderRole] = new(
            [TensorSpec.Of("attention_mask", TensorElementType.Int64, 2), TensorSpec.Of("inputs_embeds", TensorElementType.Float, 3)],
            [TensorSpec.Of("last_hidden_state", TensorElementType.Float, 3)]),
        [DecoderRole] = new(DecoderInputs, [TensorSpec.Of("logits", TensorElementType.Float, 3)]),
    };

    public string Name { get; }

    /// <summary>Florence-2 writes text, not CLIP token sequences.</summary>
    public ClipTokenizer? TokenVocabulary => null;

    /// <summary>The Florence-2 task token the captions answer (e.g. "&lt;CAPTION&gt;").</summary>
    public string Task { get; }

    /// <summary>The prompt text Florence-2's processor substitutes for a task token.</summary>
    public static string PromptOf(string task) => task switch
    {
        "<CAPTION>" => "What does the image describe?",
        "<DETAILED_CAPTION>" => "Describe in detail what is shown in the image.",
        "<MORE_DETAILED_CAPTION>" => "Describe with a paragraph what is shown in the image.",
        _ => task,
    };

    public string? Caption(RgbImage image, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<int> tokens = Generate(image, cancellationToken);
        return CaptionText.CleanModel(_tokenizer.Decode(tokens).Trim());
    }

    /// <summary>The generated token ids (without the decoder start, BOS and EOS).</summary>
    public IReadOnlyList<int> Generate(RgbImage image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        float[] pixels = ImageTensors.Resize(image, _imageWidth, _imageHeight, _mean, _std);
        FloatTensor features;
        using (OrtValue pixelValues = OnnxTensors.FromFloats(pixels, 1, 3, _imageHeight, _imageWidth))
        {
            features = _vision.RunFloats([("pixel_values", pixelValues)], "image_features");
        }

        FloatTensor promptEmbeds = Embed(_promptIds);
        cancellationToken.ThrowIfCancellationRequested();

        int hidden = features.Dimension(2);
        if (promptEmbeds.Dimension(2) != hidden)
        {
            throw new ModelPackException("ModelOutputUnexpected", $"The pack '{Name}' embeds tokens in {promptEmbeds.Dimension(2)} dimensions but its image features have {hidden}.");
        }

        int imageTokens = features.Dimension(1);
        int length = imageTokens + _promptIds.Length;
        float[] joined = [.. features.Data, .. promptEmbeds.Data];
        long[] mask = Enumerable.Repeat(1L, length).ToArray();
        using OrtValue maskValue = OnnxTensors.FromLongs(mask, 1, length);
        using OrtValue encoded = EncodeJoined(maskValue, joined, length, hidden);
        cancellationToken.ThrowIfCancellationRequested();

        var past = new FloatTensor[_layers * 4];
        for (int i = 0; i < past.Length; i++)
        {
            past[i] = new FloatTensor([], [1, _heads, 0, _headSize]);
        }

        string[] inputNames = ["encoder_attention_mask", "encoder_hidden_states", "inputs_embeds", "use_cache_branch",
            .. Enumerable.Range(0, _layers * 4).Select(i => $"past_key_values.{i / 4}.{KvParts[i % 4]}")];
        string[] outputNames = ["logits", .. Enumerable.Range(0, _layers * 4).Select(i => $"present.{i / 4}.{KvParts[i % 4]}")];
        var generated = new List<int>();
        var sequence = new List<int> { _decoderStart };
        bool useCache = false;
        while (generated.Count < _maxNewTokens)
        {
            cancellationToken.ThrowIfCancellationRequested();
            FloatTensor step = Embed([sequence[^1]]);
            var inputs = new List<OrtValue> { maskValue, encoded };
            var owned = new List<OrtValue> { step.ToOrtValue(), OnnxTensors.FromBools([useCache], 1) };
            owned.AddRange(past.Select(p => p.ToOrtValue()));
            inputs.AddRange(owned);
            int next;
            try
            {
                using IDisposableReadOnlyCollection<OrtValue> results = _decoder.Run(inputNames, inputs, outputNames);
                FloatTensor logits = FloatTensor.From(results[0]);
                int vocab = logits.Dimension(2);
                int last = logits.Dimension(1) - 1;
                next = Choose(logits.Data.AsSpan(last * vocab, vocab).ToArray(), sequence);
                for (int i = 0; i < past.Length; i++)
                {
                    // The encoder half of the cache is computed once, on the first step.
                    if (i % 4 < 2 || !useCache)
                    {
                        past[i] = FloatTensor.From(results[1 + i]);
                    }
                }
            }
            finally
            {
                foreach (OrtValue value in owned)
                {
                    value.Dispose();
                }
            }

            useCache = true;
            sequence.Add(next);
            if (next == _eos)
            {
                break;
            }

            if (next != _bos && !_tokenizer.IsSpecial(next))
            {
                generated.Add(next);
            }
        }

        return generated;
    }

    public void Dispose()
    {
        foreach (OnnxModel model in _models)
        {
            model.Dispose();
        }

        _models.Clear();
    }

    /// <summary>The encoder's last hidden state for the image features followed by the prompt's embeddings.</summary>
    private OrtValue EncodeJoined(OrtValue mask, float[] joined, int length, int hidden)
    {
        using OrtValue embeds = OnnxTensors.FromFloats(joined, 1, length, hidden);
        return _encoder.RunFloats([("attention_mask", mask), ("inputs_embeds", embeds)], "last_hidden_state").ToOrtValue();
    }

    /// <summary>Greedy choice: BOS forced first, then the best token that repeats no n-gram; ties go to the lower id.</summary>
    private int Choose(float[] scores, List<int> sequence)
    {
        if (sequence.Count == 1 && _bos >= 0 && _bos < scores.Length)
        {
            return _bos;
        }

        var banned = new HashSet<int>();
        int n = _noRepeatNgram;
        if (n > 0 && sequence.Count >= n)
        {
            // Tokens that would complete an n-gram already in the sequence.
            int prefixStart = sequence.Count - (n - 1);
            for (int start = 0; start + n <= sequence.Count; start++)
            {
                bool same = true;
                for (int k = 0; k < n - 1 && same; k++)
                {
                    same = sequence[start + k] == sequence[prefixStart + k];
                }

                if (same)
                {
                    banned.Add(sequence[start + n - 1]);
                }
            }
        }

        int best = -1;
        float bestScore = float.NegativeInfinity;
        for (int v = 0; v < scores.Length; v++)
        {
            if (banned.Contains(v) || v == _bos || float.IsNaN(scores[v]))
            {
                continue;
            }

            if (best < 0 || scores[v] > bestScore)
            {
                best = v;
                bestScore = scores[v];
            }
        }

        return best < 0 ? _eos : best;
    }

    private FloatTensor Embed(IReadOnlyList<long> ids)
    {
        using OrtValue input = OnnxTensors.FromLongs(ids.ToArray(), 1, ids.Count);
        return _embed.RunFloats([("input_ids", input)], "inputs_embeds");
    }

    private FloatTensor Embed(IReadOnlyList<int> ids) => Embed(ids.Select(i => (long)i).ToArray());

    private OnnxModel Open(OnnxSessionFactory sessions, InstalledPack pack, string role)
    {
        OnnxModel model = OnnxModel.Open(sessions, pack.PathOf(role), $"{pack.Name}/{role}", Signatures[role]);
        _models.Add(model);
        return model;
    }

    [GeneratedRegex(@"^past_key_values\.\d+\.")]
    private static partial Regex PastName();
}
