using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Onnx;
using TextSketch.Core.Models;
using static Onnx.TensorProto.Types;

namespace TextSketch.TinyModels.Packs;

/// <summary>
/// Tiny "florence2-base" with the onnx-community layout and signatures: onnx/vision_encoder.onnx (pixel_values
/// [batch,3,height,width] -> image_features [batch,577,D]), onnx/embed_tokens.onnx (input_ids -> inputs_embeds),
/// onnx/encoder_model.onnx (attention_mask, inputs_embeds -> last_hidden_state), onnx/decoder_model_merged.onnx
/// (encoder_attention_mask, encoder_hidden_states, inputs_embeds, past_key_values.{0..5}.{decoder,encoder}.{key,value},
/// use_cache_branch -> logits, present.*), and a BART-style tokenizer.json. D, heads and head size are tiny; the
/// output projection favours whole-word tokens so captions are words, not stray bytes.
/// </summary>
public sealed class Florence2TinyPack : ITinyPack
{
    private const int Hidden = 16;
    private const int Heads = 2;
    private const int HeadSize = 8;
    private const int Layers = 6;
    private static readonly string[] Specials = ["<s>", "<pad>", "</s>", "<unk>"];

    public string Name => "florence2-base";

    public void Write(ModelManifest manifest, string directory)
    {
        (Dictionary<string, int> vocab, List<string> merges, List<(string Content, int Id)> added) = Vocabulary();
        File.WriteAllText(TinyPackFiles.PathOf(manifest, directory, "tokenizer"), TokenizerJson(vocab, merges, added), new UTF8Encoding(false));
        int vocabSize = vocab.Count;

        var vision = new OnnxGraphBuilder("tiny_florence2_vision", seed: 611);
        string pixels = vision.Input("pixel_values", DataType.Float, "batch_size", 3, "height", "width");
        string patches = vision.Node("Conv", [pixels, vision.RandomWeights([Hidden, 3, 32, 32], 0.02f)], null, ("strides", new[] { 32, 32 }));
        string grid = vision.Node("Reshape", [patches, vision.Int64Constant([1, Hidden, -1], [3])]);
        string tokens = vision.Node("Transpose", [grid], null, ("perm", new[] { 0, 2, 1 }));
        string pooled = vision.Node("ReduceMean", [tokens], null, ("axes", new[] { 1 }), ("keepdims", 1));
        vision.Node("Concat", [pooled, tokens], "image_features", ("axis", 1));
        vision.Output("image_features", DataType.Float, "batch_size", "image_sequence_length", Hidden);
        vision.Save(TinyPackFiles.PathOf(manifest, directory, "vision_encoder"));

        var embed = new OnnxGraphBuilder("tiny_florence2_embed", seed: 612);
        string ids = embed.Input("input_ids", DataType.Int64, "batch_size", "sequence_length");
        embed.Node("Gather", [embed.RandomWeights([vocabSize, Hidden], 1f), ids], "inputs_embeds");
        embed.Output("inputs_embeds", DataType.Float, "batch_size", "sequence_length", Hidden);
        embed.Save(TinyPackFiles.PathOf(manifest, directory, "embed_tokens"));

        var encoder = new OnnxGraphBuilder("tiny_florence2_encoder", seed: 613);
        string mask = encoder.Input("attention_mask", DataType.Int64, "batch_size", "encoder_sequence_length");
        string embeds = encoder.Input("inputs_embeds", DataType.Float, "batch_size", "encoder_sequence_length", Hidden);
        string projected = encoder.Node("Tanh", [encoder.Node("MatMul", [embeds, encoder.RandomWeights([Hidden, Hidden], 0.5f)])]);
        string maskFloat = encoder.Node("Unsqueeze", [encoder.Node("Cast", [mask], null, ("to", (int)DataType.Float)), encoder.Int64Constant([-1], [1])]);
        encoder.Node("Mul", [projected, maskFloat], "last_hidden_state");
        encoder.Output("last_hidden_state", DataType.Float, "batch_size", "encoder_sequence_length", Hidden);
        encoder.Save(TinyPackFiles.PathOf(manifest, directory, "encoder_model"));

        WriteDecoder(TinyPackFiles.PathOf(manifest, directory, "decoder_model_merged"), vocab, vocabSize);
    }

    private static void WriteDecoder(string path, Dictionary<string, int> vocab, int vocabSize)
    {
        var g = new OnnxGraphBuilder("tiny_florence2_decoder_merged", seed: 614);
        string encoderMask = g.Input("encoder_attention_mask", DataType.Int64, "batch_size", "encoder_sequence_length");
        string encoderStates = g.Input("encoder_hidden_states", DataType.Float, "batch_size", "encoder_sequence_length", Hidden);
        string embeds = g.Input("inputs_embeds", DataType.Float, "batch_size", "decoder_sequence_length", Hidden);
        var past = new Dictionary<string, string>();
        for (int i = 0; i < Layers; i++)
        {
            foreach (string part in new[] { "decoder.key", "decoder.value" })
            {
                past[$"{i}.{part}"] = g.Input($"past_key_values.{i}.{part}", DataType.Float, "batch_size", Heads, "past_decoder_sequence_length", HeadSize);
            }

            foreach (string part in new[] { "encoder.key", "encoder.value" })
            {
                past[$"{i}.{part}"] = g.Input($"past_key_values.{i}.{part}", DataType.Float, "batch_size", Heads, "encoder_sequence_length_out", HeadSize);
            }
        }

        string useCache = g.Input("use_cache_branch", DataType.Bool, 1);

        // h = embeds + mean(encoder states): the next token depends on the image and the last token.
        string context = g.Node("ReduceMean", [encoderStates], null, ("axes", new[] { 1 }), ("keepdims", 1));
        string h = g.Node("Tanh", [g.Node("Add", [embeds, context])]);
        string logits = g.Node("MatMul", [h, g.RandomWeights([Hidden, vocabSize], 2f)]);
        // Whole words (Ġ-prefixed merges) stay; bytes and specials are pushed down; EOS gets a mild bias.
        var bias = new float[vocabSize];
        foreach ((string token, int id) in vocab)
        {
            bias[id] = token.StartsWith('Ġ') && token.Length > 2 ? 0f : id == 2 ? -1.5f : -20f;
        }

        logits = g.Node("Add", [logits, g.Constant(bias, [vocabSize])]);
        // The flags and masks take part (multiplied by zero) so every real input is consumed.
        string zeroFromCache = g.Node("Mul", [g.Node("Cast", [useCache], null, ("to", (int)DataType.Float)), g.Constant([0f], [1])]);
        string maskSum = g.Node("ReduceSum", [g.Node("Cast", [encoderMask], null, ("to", (int)DataType.Float))], null, ("keepdims", 0));
        string zeroFromMask = g.Node("Mul", [maskSum, g.Constant([0f], [1])]);
        g.Node("Add", [g.Node("Add", [logits, zeroFromCache]), zeroFromMask], "logits");
        g.Output("logits", DataType.Float, "batch_size", "decoder_sequence_length", vocabSize);

        string splitShape = g.Int64Constant([0, 0, Heads, HeadSize], [4]);
        for (int i = 0; i < Layers; i++)
        {
            foreach (string part in new[] { "decoder.key", "decoder.value" })
            {
                string fresh = Heads4(g, h, splitShape);
                g.Node("Concat", [past[$"{i}.{part}"], fresh], $"present.{i}.{part}", ("axis", 2));
                g.Output($"present.{i}.{part}", DataType.Float, "batch_size", Heads, "present_decoder_sequence_length", HeadSize);
            }

            foreach (string part in new[] { "encoder.key", "encoder.value" })
            {
                string computed = Heads4(g, encoderStates, splitShape);
                g.Node("Identity", [computed], $"present.{i}.{part}");
                g.Output($"present.{i}.{part}", DataType.Float, "batch_size", Heads, "encoder_sequence_length_out", HeadSize);
            }
        }

        g.Save(path);
    }

    /// <summary>[b, s, D] -> [b, heads, s, head size] through a random projection.</summary>
    private static string Heads4(OnnxGraphBuilder g, string x, string splitShape)
    {
        string projected = g.Node("MatMul", [x, g.RandomWeights([Hidden, Heads * HeadSize], 0.3f)]);
        return g.Node("Transpose", [g.Node("Reshape", [projected, splitShape])], null, ("perm", new[] { 0, 2, 1, 3 }));
    }

    /// <summary>BART's layout: the four specials, the 256 byte characters, merged tokens, then Florence-style added tokens.</summary>
    private static (Dictionary<string, int> Vocab, List<string> Merges, List<(string, int)> Added) Vocabulary()
    {
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string special in Specials)
        {
            vocab[special] = vocab.Count;
        }

        for (int b = 0; b < 256; b++)
        {
            vocab.TryAdd(Core.Text.ByteLevelBpeTokenizer.CharOfByte((byte)b).ToString(), vocab.Count);
        }

        var spellings = TinyPackFiles.Words.Concat(TinyPackFiles.Words.Select(w => char.ToUpperInvariant(w[0]) + w[1..]))
            .SelectMany(w => new[] { "Ġ" + w, w })
            .Select(w => w.Select(c => c.ToString()).ToList());
        var merges = TinyBpe.MergesFor(spellings, token => vocab.TryAdd(token, vocab.Count)).Select(m => m.Left + " " + m.Right).ToList();

        var added = Specials.Select((s, i) => (s, i)).ToList();
        foreach (string extra in new[] { "<od>", "</od>", "<ocr>", "</ocr>", "<loc_0>", "<loc_1>", "<loc_2>", "<loc_3>" })
        {
            added.Add((extra, vocab.Count));
            vocab[extra] = vocab.Count;
        }

        return (vocab, merges, added);
    }

    private static string TokenizerJson(Dictionary<string, int> vocab, List<string> merges, List<(string Content, int Id)> added)
    {
        var vocabObject = new JsonObject();
        foreach ((string token, int id) in vocab.OrderBy(kv => kv.Value))
        {
            vocabObject[token] = id;
        }

        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(added.Select(a => (JsonNode)new JsonObject
            {
                ["id"] = a.Id,
                ["content"] = a.Content,
                ["single_word"] = false,
                ["lstrip"] = false,
                ["rstrip"] = false,
                ["normalized"] = a.Id > 3,
                ["special"] = true,
            }).ToArray()),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true },
            ["post_processor"] = new JsonObject
            {
                ["type"] = "RobertaProcessing",
                ["sep"] = new JsonArray("</s>", 2),
                ["cls"] = new JsonArray("<s>", 0),
                ["trim_offsets"] = true,
                ["add_prefix_space"] = false,
            },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = "",
                ["end_of_word_suffix"] = "",
                ["fuse_unk"] = false,
                ["byte_fallback"] = false,
                ["vocab"] = vocabObject,
                ["merges"] = new JsonArray(merges.Select(m => (JsonNode)JsonValue.Create(m)!).ToArray()),
            },
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }
}
