using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TextSketch.Core.Imaging;
using TextSketch.Core.Models;
using TextSketch.Core.Onnx;
using TextSketch.Core.Text;

namespace TextSketch.Core.Clip;

/// <summary>
/// CLIP image and text embeddings (pack "clip-vit-b32": the text and vision models with projection, as in the
/// Xenova/openai exports: input_ids -> text_embeds, pixel_values -> image_embeds). Embeddings are L2-normalised, so
/// a dot product is the cosine similarity. Thread-safe.
/// </summary>
public sealed class ClipEncoder : IDisposable, IImageEmbedder
{
    public const string PackName = "clip-vit-b32";
    private const string TextRole = "text_model";
    private const string VisionRole = "vision_model";

    private readonly OnnxModel _text;
    private readonly OnnxModel _vision;
    private readonly bool _textTakesMask;
    private readonly int _imageSize;
    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>What the encoder needs of each model of a pack, by role (also checkable on their own: <see cref="OnnxSignature.Check"/>).</summary>
    public static IReadOnlyDictionary<string, OnnxSignatureSpec> Signatures { get; } = new Dictionary<string, OnnxSignatureSpec>(StringComparer.Ordinal)
    {
        [TextRole] = new([TensorSpec.Of("input_ids", TensorElementType.Int64, 2)], [TensorSpec.Of("text_embeds", TensorElementType.Float, 2)]),
        [VisionRole] = new([TensorSpec.Of("pixel_values", TensorElementType.Float, 4)], [TensorSpec.Of("image_embeds", TensorElementType.Float, 2)]),
    };

    /// <summary>Opens the pack's text and vision models (the encoder owns their sessions: dispose it).</summary>
    public ClipEncoder(InstalledPack pack, OnnxSessionFactory sessions)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(sessions);
        Name = pack.Name;
        _text = OnnxModel.Open(sessions, pack.PathOf(TextRole), $"{pack.Name}/{TextRole}", Signatures[TextRole]);
        _textTakesMask = _text.InputMetadata.ContainsKey("attention_mask");
        try
        {
            _vision = OnnxModel.Open(sessions, pack.PathOf(VisionRole), $"{pack.Name}/{VisionRole}", Signatures[VisionRole]);
        }
        catch
        {
            _text.Dispose();
            throw;
        }

        Tokenizer = ClipTokenizer.Load(pack.PathOf("tokenizer_vocab"), pack.PathOf("tokenizer_merges"));
        var settings = new PackSettings(pack.Manifest);
        int[] dims = _vision.InputMetadata["pixel_values"].Dimensions;
        _imageSize = dims[3] > 0 ? dims[3] : settings.Int("imageSize", 224);
        _mean = settings.Floats("imageMean", [0.48145466f, 0.4578275f, 0.40821073f]);
        _std = settings.Floats("imageStd", [0.26862954f, 0.26130258f, 0.27577711f]);
        MaxTextTokens = Math.Clamp(settings.Int("maxTextTokens", 77), 3, 1024);
        Settings = settings;
    }

    public string Name { get; }

    public ClipTokenizer Tokenizer { get; }

    /// <summary>Longest token sequence the text model takes, BOS and EOS included.</summary>
    public int MaxTextTokens { get; }

    internal PackSettings Settings { get; }

    /// <summary>The installed CLIP pack in <paramref name="modelRoot"/> (or the default root), or null when none is
    /// installed; single-threaded ops, so embeddings are deterministic.</summary>
    public static ClipEncoder? TryOpen(string? modelRoot = null, string packName = PackName)
    {
        InstalledPack? pack = InstalledPack.Find(ModelPaths.ResolveRoot(modelRoot), packName);
        if (pack is null)
        {
            return null;
        }

        return new ClipEncoder(pack, new OnnxSessionFactory(ExecutionDevice.Auto, intraOpThreads: 1));
    }

    /// <summary>The L2-normalised image embedding: shortest side resized to the model's size, centre crop.</summary>
    public float[] EmbedImage(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int size = _imageSize;
        // Crop first (in source pixels), then resize the square: the same as resize-then-centre-crop.
        int cropSource = Math.Min(image.Width, image.Height);
        int x0 = (image.Width - cropSource) / 2;
        int y0 = (image.Height - cropSource) / 2;
        float[] pixels = ImageTensors.Region(image, x0, y0, cropSource, cropSource, size, size, _mean, _std);
        using OrtValue tensor = OnnxTensors.FromFloats(pixels, 1, 3, size, size);
        return Normalise(_vision.RunFloats([("pixel_values", tensor)], "image_embeds").Data);
    }

    /// <summary>The L2-normalised embedding of a text (tokenised, cut to <see cref="MaxTextTokens"/>).</summary>
    public float[] EmbedText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        IReadOnlyList<int> tokens = Tokenizer.EncodeTokens(text);
        int[] ids = [Tokenizer.BeginOfText, .. tokens.Take(MaxTextTokens - 2), Tokenizer.EndOfText];
        return EmbedTokenSequences([ids])[0];
    }

    /// <summary>Embeddings of token sequences of equal length (each BOS ... EOS), one model run per batch.</summary>
    public float[][] EmbedTokenSequences(IReadOnlyList<int[]> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0)
        {
            return [];
        }

        int length = sequences[0].Length;
        if (sequences.Any(s => s.Length != length) || length > MaxTextTokens)
        {
            throw new ArgumentException($"Token sequences must share one length of at most {MaxTextTokens}.", nameof(sequences));
        }

        var ids = new long[sequences.Count * length];
        for (int i = 0; i < sequences.Count; i++)
        {
            for (int t = 0; t < length; t++)
            {
                ids[i * length + t] = sequences[i][t];
            }
        }

        using OrtValue idValues = OnnxTensors.FromLongs(ids, sequences.Count, length);
        using OrtValue? mask = _textTakesMask ? OnnxTensors.FromLongs(Enumerable.Repeat(1L, ids.Length).ToArray(), sequences.Count, length) : null;
        FloatTensor embeds = _text.RunFloats(mask is null ? [("input_ids", idValues)] : [("input_ids", idValues), ("attention_mask", mask)], "text_embeds");
        int dim = embeds.Dimension(1);
        float[] flat = embeds.Data;
        var output = new float[sequences.Count][];
        for (int i = 0; i < sequences.Count; i++)
        {
            output[i] = Normalise(flat.AsSpan(i * dim, dim).ToArray());
        }

        return output;
    }

    /// <summary>Cosine similarity of two normalised embeddings.</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("Embeddings of different sizes.");
        }

        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }

    public void Dispose()
    {
        _text.Dispose();
        _vision.Dispose();
    }

    private static float[] Normalise(float[] v)
    {
        double norm = 0;
        foreach (float x in v)
        {
            norm += (double)x * x;
        }

        norm = Math.Sqrt(norm);
        if (norm > 0)
        {
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = (float)(v[i] / norm);
            }
        }

        return v;
    }
}
