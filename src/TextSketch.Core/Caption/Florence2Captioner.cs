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
public sealed partial class Florence2Captioner : ICaptioner
{
    private const string VisionRole = "vision_encoder";
    private const string EmbedRole = "embed_tokens";
    private const string EncoderRole = "encoder_model";
    private const string DecoderRole = "decoder_model_merged";

    private readonly InferenceSession _vision;
    private readonly InferenceSession _embed;
    private readonly InferenceSession _encoder;
    private readonly InferenceSession _decoder;
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

    public Florence2Captioner(InstalledPack pack, OnnxSessionFactory sessions)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(sessions);
        Name = pack.Name;
        _vision = Open(sessions, pack, VisionRole,
            [TensorSpec.Of("pixel_values", TensorElementType.Float, 4)],
            [TensorSpec.Of("image_features", TensorElementType.Float, 3)]);
        _embed = Open(sessions, pack, EmbedRole,
            [TensorSpec.Of("input_ids", TensorElementType.Int64, 2)],
            [TensorSpec.Of("inputs_embeds", TensorElementType.Float, 3)]);
        _encoder = Open(sessions, pack, EncoderRole,
            [TensorSpec.Of("attention_mask", TensorElementType.Int64, 2), TensorSpec.Of("inputs_embeds", TensorElementType.Float, 3)],
            [TensorSpec.Of("last_hidden_state", TensorElementType.Float, 3)]);

        _decoder = sessions.Get(pack.PathOf(DecoderRole));
        _layers = _decoder.InputMetadata.Keys.Count(k => PastName().IsMatch(k) && k.EndsWith(".decoder.key", StringComparison.Ordinal));
        var inputs = new List<TensorSpec>
        {
            TensorSpec.Of("encoder_attention_mask", TensorElementType.Int64, 2),
            TensorSpec.Of("encoder_hidden_states", TensorElementType.Float, 3),
            TensorSpec.Of("inputs_embeds", TensorElementType.Float, 3),
            TensorSpec.Of("use_cache_branch", TensorElementType.Bool, 1),
        };
        var outputs = new List<TensorSpec> { TensorSpec.Of("logits", TensorElementType.Float, 3) };
        for (int i = 0; i < Math.Max(1, _layers); i++)
        {
            foreach (string part in KvParts)
            {
                inputs.Add(TensorSpec.Of($"past_key_values.{i}.{part}", TensorElementType.Float, 4));
                outputs.Add(TensorSpec.Of($"present.{i}.{part}", TensorElementType.Float, 4));
            }
        }

        OnnxSignature.Require(_decoder, $"{pack.Name}/{DecoderRole}", inputs, outputs);
        int[] kvDims = _decoder.InputMetadata["past_key_values.0.decoder.key"].Dimensions;
        _heads = kvDims[1];
        _headSize = kvDims[3];
        if (_heads <= 0 || _headSize <= 0)
        {
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
        DenseTensor<float> features = RunOne(_vision, [Named("pixel_values", pixels, [1, 3, _imageHeight, _imageWidth])], "image_features");
        DenseTensor<float> promptEmbeds = Embed(_promptIds);
        cancellationToken.ThrowIfCancellationRequested();

        int hidden = features.Dimensions[2];
        if (promptEmbeds.Dimensions[2] != hidden)
        {
            throw new ModelPackException("ModelOutputUnexpected", $"The pack '{Name}' embeds tokens in {promptEmbeds.Dimensions[2]} dimensions but its image features have {hidden}.");
        }

        int imageTokens = features.Dimensions[1];
        int length = imageTokens + _promptIds.Length;
        float[] joined = [.. features.Buffer.Span, .. promptEmbeds.Buffer.Span];
        long[] mask = Enumerable.Repeat(1L, length).ToArray();
        DenseTensor<float> encoded = RunOne(_encoder,
        [
            Named("attention_mask", mask, [1, length]),
            Named("inputs_embeds", joined, [1, length, hidden]),
        ], "last_hidden_state");
        cancellationToken.ThrowIfCancellationRequested();

        var past = new DenseTensor<float>[_layers * 4];
        for (int i = 0; i < past.Length; i++)
        {
            past[i] = new DenseTensor<float>(new float[0], [1, _heads, 0, _headSize]);
        }

        var generated = new List<int>();
        var sequence = new List<int> { _decoderStart };
        bool useCache = false;
        while (generated.Count < _maxNewTokens)
        {
            cancellationToken.ThrowIfCancellationRequested();
            DenseTensor<float> step = Embed([sequence[^1]]);
            var inputs = new List<NamedOnnxValue>
            {
                Named("encoder_attention_mask", mask, [1, length]),
                NamedOnnxValue.CreateFromTensor("encoder_hidden_states", encoded),
                NamedOnnxValue.CreateFromTensor("inputs_embeds", step),
                NamedOnnxValue.CreateFromTensor("use_cache_branch", new DenseTensor<bool>(new[] { useCache }, [1])),
            };
            for (int layer = 0; layer < _layers; layer++)
            {
                for (int p = 0; p < 4; p++)
                {
                    inputs.Add(NamedOnnxValue.CreateFromTensor($"past_key_values.{layer}.{KvParts[p]}", past[layer * 4 + p]));
                }
            }

            int next;
            using (IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = _decoder.Run(inputs))
            {
                var byName = results.ToDictionary(r => r.Name, StringComparer.Ordinal);
                Tensor<float> logits = byName["logits"].AsTensor<float>();
                int vocab = logits.Dimensions[2];
                int last = logits.Dimensions[1] - 1;
                var scores = new float[vocab];
                for (int v = 0; v < vocab; v++)
                {
                    scores[v] = logits[0, last, v];
                }

                next = Choose(scores, sequence);
                for (int layer = 0; layer < _layers; layer++)
                {
                    for (int p = 0; p < 4; p++)
                    {
                        // The encoder half of the cache is computed once, on the first step.
                        if (p < 2 || !useCache)
                        {
                            past[layer * 4 + p] = Copy(byName[$"present.{layer}.{KvParts[p]}"].AsTensor<float>());
                        }
                    }
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

    private DenseTensor<float> Embed(IReadOnlyList<long> ids) =>
        RunOne(_embed, [Named("input_ids", ids.ToArray(), [1, ids.Count])], "inputs_embeds");

    private DenseTensor<float> Embed(IReadOnlyList<int> ids) => Embed(ids.Select(i => (long)i).ToArray());

    private static InferenceSession Open(OnnxSessionFactory sessions, InstalledPack pack, string role, TensorSpec[] inputs, TensorSpec[] outputs)
    {
        InferenceSession session = sessions.Get(pack.PathOf(role));
        OnnxSignature.Require(session, $"{pack.Name}/{role}", inputs, outputs);
        return session;
    }

    private static DenseTensor<float> RunOne(InferenceSession session, IReadOnlyCollection<NamedOnnxValue> inputs, string output)
    {
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(inputs, [output]);
        return Copy(results[0].AsTensor<float>());
    }

    /// <summary>A copy that outlives the run's native buffers.</summary>
    private static DenseTensor<float> Copy(Tensor<float> tensor) =>
        new(tensor.ToArray(), tensor.Dimensions.ToArray());

    private static NamedOnnxValue Named(string name, float[] data, int[] shape) =>
        NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(data, shape));

    private static NamedOnnxValue Named(string name, long[] data, int[] shape) =>
        NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(data, shape));

    [GeneratedRegex(@"^past_key_values\.\d+\.")]
    private static partial Regex PastName();
}
