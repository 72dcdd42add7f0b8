using System.Text;
using System.Text.Json;
using Onnx;
using TextSketch.Core.Models;
using static Onnx.TensorProto.Types;

namespace TextSketch.TinyModels.Packs;

/// <summary>
/// Tiny "clip-vit-b32": onnx/text_model.onnx (input_ids int64 [batch,sequence] -> text_embeds float [batch,E],
/// last_hidden_state), onnx/vision_model.onnx (pixel_values float [batch,3,224,224] -> image_embeds float [batch,E],
/// last_hidden_state), and a CLIP vocab.json + merges.txt in the real formats (bytes, bytes + "&lt;/w&gt;", merges,
/// then &lt;|startoftext|&gt; and &lt;|endoftext|&gt; last, as in OpenAI's files).
/// </summary>
public sealed class ClipTinyPack : ITinyPack
{
    private const int Width = 16;
    private const int Embedding = 32;

    public string Name => "clip-vit-b32";

    public void Write(ModelManifest manifest, string directory)
    {
        (Dictionary<string, int> vocab, List<string> merges) = Vocabulary();
        File.WriteAllText(TinyPackFiles.PathOf(manifest, directory, "tokenizer_vocab"), JsonSerializer.Serialize(vocab), new UTF8Encoding(false));
        File.WriteAllText(TinyPackFiles.PathOf(manifest, directory, "tokenizer_merges"), "#version: 0.2\n" + string.Join("\n", merges) + "\n", new UTF8Encoding(false));

        var text = new OnnxGraphBuilder("tiny_clip_text", seed: 602);
        string ids = text.Input("input_ids", DataType.Int64, "batch_size", "sequence_length");
        string table = text.RandomWeights([vocab.Count, Width], 1f);
        string hidden = text.Node("Gather", [table, ids]);
        text.Node("Identity", [hidden], "last_hidden_state");
        // Mean of the token embeddings, projected: a stand-in for the pooled, projected EOS state.
        string pooled = text.Node("ReduceMean", [hidden], null, ("axes", new[] { 1 }), ("keepdims", 0));
        text.Node("MatMul", [pooled, text.RandomWeights([Width, Embedding], 0.5f)], "text_embeds");
        text.Output("text_embeds", DataType.Float, "batch_size", Embedding);
        text.Output("last_hidden_state", DataType.Float, "batch_size", "sequence_length", Width);
        text.Save(TinyPackFiles.PathOf(manifest, directory, "text_model"));

        var vision = new OnnxGraphBuilder("tiny_clip_vision", seed: 603);
        string pixels = vision.Input("pixel_values", DataType.Float, "batch_size", 3, 224, 224);
        string patches = vision.Node("Conv", [pixels, vision.RandomWeights([8, 3, 32, 32], 0.05f)], null, ("strides", new[] { 32, 32 }));
        string flat = vision.Node("Flatten", [patches], null, ("axis", 1));
        vision.Node("MatMul", [flat, vision.RandomWeights([8 * 7 * 7, Embedding], 0.2f)], "image_embeds");
        string tokens = vision.Node("Reshape", [patches, vision.Int64Constant([0, 8, 49], [3])]);
        vision.Node("Transpose", [tokens], "last_hidden_state", ("perm", new[] { 0, 2, 1 }));
        vision.Output("image_embeds", DataType.Float, "batch_size", Embedding);
        vision.Output("last_hidden_state", DataType.Float, "batch_size", 49, 8);
        vision.Save(TinyPackFiles.PathOf(manifest, directory, "vision_model"));
    }

    /// <summary>CLIP's layout: 256 byte characters, the same with "&lt;/w&gt;", merged tokens, then the two specials.</summary>
    internal static (Dictionary<string, int> Vocab, List<string> Merges) Vocabulary()
    {
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int b = 0; b < 256; b++)
        {
            vocab.TryAdd(Core.Text.ByteLevelBpeTokenizer.CharOfByte((byte)b).ToString(), vocab.Count);
        }

        for (int b = 0; b < 256; b++)
        {
            vocab.TryAdd(Core.Text.ByteLevelBpeTokenizer.CharOfByte((byte)b) + "</w>", vocab.Count);
        }

        var words = TinyPackFiles.Words.Where(w => w.Length > 1)
            .Select(w => w.Select((c, i) => i == w.Length - 1 ? c + "</w>" : c.ToString()).ToList());
        var merges = TinyBpe.MergesFor(words, token => vocab.TryAdd(token, vocab.Count)).Select(m => m.Left + " " + m.Right).ToList();

        vocab.TryAdd("<|startoftext|>", vocab.Count);
        vocab.TryAdd("<|endoftext|>", vocab.Count);
        return (vocab, merges);
    }
}
