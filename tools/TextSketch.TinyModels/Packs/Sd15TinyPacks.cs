using System.Text;
using System.Text.Json;
using Onnx;
using TextSketch.Core.Models;
using DataType = Onnx.TensorProto.Types.DataType;

namespace TextSketch.TinyModels.Packs;

/// <summary>sd15-canny: float16 inputs and outputs (as the TensorStack float16 export), int64 timesteps.</summary>
public sealed class Sd15CannyTinyPack : ITinyPack
{
    public string Name => "sd15-canny";

    public void Write(ModelManifest manifest, string directory) =>
        Sd15TinyModels.Write(manifest, directory, new Sd15TinyOptions { FloatType = DataType.Float16, TimestepType = DataType.Int64 });
}

/// <summary>sd15-hed: float32 inputs and outputs (an fp32 export, as CPU-only users make), float timesteps.</summary>
public sealed class Sd15HedTinyPack : ITinyPack
{
    public string Name => "sd15-hed";

    public void Write(ModelManifest manifest, string directory) =>
        Sd15TinyModels.Write(manifest, directory, new Sd15TinyOptions { FloatType = DataType.Float, TimestepType = DataType.Float });
}

/// <summary>sd15-softedge: float16 like the real export (ControlNet 1.1 soft edge), int64 timesteps.</summary>
public sealed class Sd15SoftEdgeTinyPack : ITinyPack
{
    public string Name => "sd15-softedge";

    public void Write(ModelManifest manifest, string directory) =>
        Sd15TinyModels.Write(manifest, directory, new Sd15TinyOptions { FloatType = DataType.Float16, TimestepType = DataType.Int64, Seed = 1511 });
}

/// <summary>Variations of the tiny SD 1.5 pack (tests use them to reach every path of the pipeline).</summary>
public sealed record Sd15TinyOptions
{
    /// <summary>Element type of every floating-point input and output (Float or Float16).</summary>
    public DataType FloatType { get; init; } = DataType.Float;

    /// <summary>Element type of the UNet's and ControlNet's timestep (Float, Float16, Int64 or Int32).</summary>
    public DataType TimestepType { get; init; } = DataType.Float;

    /// <summary>Fix the denoisers' batch axis to 1 (exports made for one image at a time).</summary>
    public bool FixedBatchOne { get; init; }

    /// <summary>Write a plain UNet (no ControlNet residual inputs): a pack that does not fit the pipeline.</summary>
    public bool PlainUnet { get; init; }

    /// <summary>Leave out the ControlNet's conditioning_scale input (exports without it).</summary>
    public bool NoConditioningScale { get; init; }

    /// <summary>What the VAE encoder outputs (the real packs' exports: <see cref="VaeEncoderOutput.Sample"/>).</summary>
    public VaeEncoderOutput VaeEncoder { get; init; } = VaeEncoderOutput.Sample;

    public int Seed { get; init; } = 1505;
}

/// <summary>The two kinds of VAE encoder export.</summary>
public enum VaeEncoderOutput
{
    /// <summary><c>latent_sample</c> [batch, 4, h, w]: mean + std · ε with ε from an unseeded RandomNormalLike node in
    /// the graph, as TensorStack/OnnxStack (and diffusers' ONNX script) trace <c>encode(x).latent_dist.sample()</c>.</summary>
    Sample,

    /// <summary><c>latent_parameters</c> [batch, 8, h, w]: the posterior's mean then its log-variance (Optimum's export).</summary>
    Moments,
}

/// <summary>
/// Tiny stand-ins for a Stable Diffusion 1.5 + ControlNet pack in TensorStack's layout: a CLIP tokenizer in the real
/// vocab.json/merges.txt formats (byte tokens and a few merges), and five ONNX graphs with the real input and output
/// names, element types and ranks (symbolic batch and spatial axes, 77 tokens, 12 down-block residuals + the mid-block
/// residual at the SD 1.5 resolutions). Widths are tiny (hidden 8, 4-8 channels) and the graphs only mix their inputs
/// with random weights, so a full 25-step decode at 512 x 512 takes well under a second. Float16 packs compute in
/// float inside (Cast at the edges), so they run on ONNX Runtime's CPU provider too. The tiny VAE is an exact pair
/// on the posterior mean: the decoder inverts the encoder's mean on 8 x 8 block means, which lets the img2img start
/// be measured; the encoder's posterior has a fixed std of <see cref="VaePosteriorStd"/>, drawn in the graph as the
/// real exports draw it (or output as moments).
/// </summary>
public static class Sd15TinyModels
{
    public const int HiddenWidth = 8;
    public const int Tokens = 77;

    /// <summary>Standard deviation of the tiny VAE encoder's posterior (unscaled latent units; the latent mean spans about ±2).</summary>
    public const float VaePosteriorStd = 0.05f;

    /// <summary>Channels and downsampling factor of each ControlNet residual, down_block_0 .. 11 then mid (SD 1.5 has 320..1280 channels at factors 1..8).</summary>
    public static readonly (string Name, int Channels, int Factor)[] Residuals =
    [
        .. new[] { (4, 1), (4, 1), (4, 1), (4, 2), (8, 2), (8, 2), (8, 4), (8, 4), (8, 4), (8, 8), (8, 8), (8, 8) }
            .Select((r, i) => ($"down_block_{i}_additional_residual", r.Item1, r.Item2)),
        ("mid_block_additional_residual", 8, 8),
    ];

    private static readonly string[] Merges =
    [
        "t h", "th e</w>", "a n", "an d</w>", "i n", "in g</w>", "o n</w>", "o f</w>", "h i", "g h</w>", "hi gh</w>",
        "q u", "qu a", "l i", "li t", "lit y</w>", "qua lity</w>", "c a", "ca t</w>", "p h", "o t", "ph ot", "phot o</w>",
    ];

    public static void Write(ModelManifest manifest, string directory, Sd15TinyOptions options)
    {
        foreach (ModelFile file in manifest.Files)
        {
            string path = ModelPaths.FileInPack(directory, file.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            switch (file.Role)
            {
                case "tokenizer_vocab":
                    WriteVocabulary(path);
                    break;
                case "tokenizer_merges":
                    File.WriteAllText(path, "#version: 0.2\n" + string.Join('\n', Merges) + "\n", new UTF8Encoding(false));
                    break;
                case "text_encoder":
                    TextEncoder(options).Save(path);
                    break;
                case "unet":
                    Unet(options).Save(path);
                    break;
                case "controlnet":
                    ControlNet(options).Save(path);
                    break;
                case "vae_decoder":
                    Vae(options, decoder: true).Save(path);
                    break;
                case "vae_encoder":
                    Vae(options, decoder: false).Save(path);
                    break;
                default:
                    throw new InvalidOperationException($"The tiny SD 1.5 pack does not know the role '{file.Role}' of '{file.Path}'.");
            }
        }
    }

    /// <summary>The tokenizer's vocabulary: CLIP's 256 byte characters, the same with "&lt;/w&gt;", the merges, then the two specials.</summary>
    public static Dictionary<string, int> Vocabulary()
    {
        var bytes = new List<string>();
        var rest = new List<string>();
        int extra = 0;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            if (printable)
            {
                bytes.Add(((char)b).ToString());
            }
            else
            {
                rest.Add(((char)(256 + extra++)).ToString());
            }
        }

        // CLIP orders byte characters printable first, then the remapped ones.
        List<string> tokens = [.. bytes, .. rest];
        tokens.AddRange(tokens.Select(t => t + "</w>").ToList());
        tokens.AddRange(Merges.Select(m => m.Replace(" ", string.Empty, StringComparison.Ordinal)));
        tokens.Add("<|startoftext|>");
        tokens.Add("<|endoftext|>");
        return tokens.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i, StringComparer.Ordinal);
    }

    private static void WriteVocabulary(string path) =>
        File.WriteAllText(path, JsonSerializer.Serialize(Vocabulary()), new UTF8Encoding(false));

    private static OnnxGraphBuilder TextEncoder(Sd15TinyOptions options)
    {
        int vocabulary = Vocabulary().Count;
        var g = new OnnxGraphBuilder("text_encoder", options.Seed + 1);
        g.Input("input_ids", DataType.Int32, "batch", Tokens);
        string ids = g.Node("Cast", ["input_ids"], null, ("to", (int)DataType.Int64));
        string embedded = g.Node("Gather", [g.RandomWeights([vocabulary, HiddenWidth], 1.0f), ids]);
        string positioned = g.Node("Add", [embedded, g.RandomWeights([Tokens, HiddenWidth], 0.2f)]);
        string hidden = g.Node("Tanh", [positioned]);
        g.Node("Cast", [hidden], "last_hidden_state", ("to", (int)options.FloatType));
        string pooled = g.Node("ReduceMean", [hidden], null, ("axes", new[] { 1 }), ("keepdims", 0));
        g.Node("Cast", [pooled], "pooler_output", ("to", (int)options.FloatType));
        g.Output("last_hidden_state", options.FloatType, "batch", Tokens, HiddenWidth);
        g.Output("pooler_output", options.FloatType, "batch", HiddenWidth);
        return g;
    }

    private static OnnxGraphBuilder Unet(Sd15TinyOptions options)
    {
        var g = new OnnxGraphBuilder("unet", options.Seed + 2);
        object batch = options.FixedBatchOne ? 1 : "batch";
        g.Input("sample", options.FloatType, batch, 4, "height", "width");
        g.Input("timestep", options.TimestepType, batch);
        g.Input("encoder_hidden_states", options.FloatType, batch, Tokens, HiddenWidth);
        string sample = ToFloat(g, "sample");
        string convolved = g.Node("Conv", [sample, g.RandomWeights([4, 4, 3, 3], 0.1f), g.RandomWeights([4], 0.05f)], null, ("pads", new[] { 1, 1, 1, 1 }));
        string text = TextTerm(g, "encoder_hidden_states", 4);
        string time = TimeTerm(g, "timestep");
        string result = g.Node("Add", [g.Node("Add", [convolved, text]), time]);
        if (!options.PlainUnet)
        {
            string? sum = null;
            foreach ((string name, int channels, int factor) in Residuals)
            {
                g.Input(name, options.FloatType, batch, channels, $"{name}_height", $"{name}_width");
                string mean = g.Node("ReduceMean", [ToFloat(g, name)], null, ("axes", new[] { 1 }), ("keepdims", 1));
                string full = factor == 1 ? mean : g.Node("Resize", [mean, string.Empty, g.Constant([1, 1, factor, factor], [4])], null, ("mode", "nearest"));
                sum = sum is null ? full : g.Node("Add", [sum, full]);
            }

            result = g.Node("Add", [result, g.Node("Mul", [sum!, g.Constant([0.05f], [1])])]);
        }

        g.Node("Cast", [result], "out_sample", ("to", (int)options.FloatType));
        g.Output("out_sample", options.FloatType, batch, 4, "height", "width");
        return g;
    }

    private static OnnxGraphBuilder ControlNet(Sd15TinyOptions options)
    {
        var g = new OnnxGraphBuilder("controlnet", options.Seed + 3);
        object batch = options.FixedBatchOne ? 1 : "batch";
        g.Input("sample", options.FloatType, batch, 4, "height", "width");
        g.Input("timestep", options.TimestepType, batch);
        g.Input("encoder_hidden_states", options.FloatType, batch, Tokens, HiddenWidth);
        g.Input("controlnet_cond", options.FloatType, batch, 3, "image_height", "image_width");
        string sample = ToFloat(g, "sample");
        string condition = ToFloat(g, "controlnet_cond");
        string shared = g.Node("Add", [TextTerm(g, "encoder_hidden_states", 1), TimeTerm(g, "timestep")]);
        string? scale = null;
        if (!options.NoConditioningScale)
        {
            // TensorStack's exports take the scale as a double of shape [1].
            g.Input("conditioning_scale", DataType.Double, 1);
            scale = g.Node("Cast", ["conditioning_scale"], null, ("to", (int)DataType.Float));
        }

        // The condition image at 1/8 (the latent grid), then at each coarser residual scale: pooled once per scale.
        var pooledConditions = new Dictionary<int, string>
        {
            [1] = g.Node("AveragePool", [condition], null, ("kernel_shape", new[] { 8, 8 }), ("strides", new[] { 8, 8 })),
        };
        foreach (int f in Residuals.Select(r => r.Factor).Distinct().Where(f => f > 1))
        {
            pooledConditions[f] = g.Node("AveragePool", [pooledConditions[1]], null, ("kernel_shape", new[] { f, f }), ("strides", new[] { f, f }));
        }

        foreach ((string name, int channels, int factor) in Residuals)
        {
            string pooledCondition = pooledConditions[factor];
            string fromCondition = g.Node("Conv", [pooledCondition, g.RandomWeights([channels, 3, 1, 1], 0.5f)]);
            string pooledSample = factor == 1 ? sample : g.Node("AveragePool", [sample], null, ("kernel_shape", new[] { factor, factor }), ("strides", new[] { factor, factor }));
            string fromSample = g.Node("Conv", [pooledSample, g.RandomWeights([channels, 4, 1, 1], 0.2f)]);
            string residual = g.Node("Add", [g.Node("Add", [fromCondition, fromSample]), shared]);
            if (scale is not null)
            {
                residual = g.Node("Mul", [residual, scale]);
            }

            g.Node("Cast", [residual], name, ("to", (int)options.FloatType));
            g.Output(name, options.FloatType, batch, channels, $"{name}_height", $"{name}_width");
        }

        return g;
    }

    private static OnnxGraphBuilder Vae(Sd15TinyOptions options, bool decoder)
    {
        // Encoder: 8 x 8 block means, then a 1x1 convolution W (3 -> 4): the posterior mean. Decoder: the pseudo-inverse
        // of W, then nearest upsampling, so decoding the mean gives the image's 8 x 8 block means.
        var random = new Random(options.Seed + 4);
        var w = new double[4, 3];
        for (int o = 0; o < 4; o++)
        {
            for (int i = 0; i < 3; i++)
            {
                w[o, i] = random.NextDouble() * 2 - 1 + (o == i ? 1.5 : 0);
            }
        }

        var g = new OnnxGraphBuilder(decoder ? "vae_decoder" : "vae_encoder", options.Seed + 5);
        if (decoder)
        {
            g.Input("latent_sample", options.FloatType, "batch", 4, "latent_height", "latent_width");
            double[,] inverse = PseudoInverse(w);
            float[] weights = Enumerable.Range(0, 12).Select(k => (float)inverse[k / 4, k % 4]).ToArray();
            string pixels = g.Node("Conv", [ToFloat(g, "latent_sample"), g.Constant(weights, [3, 4, 1, 1])]);
            string upsampled = g.Node("Resize", [pixels, string.Empty, g.Constant([1, 1, 8, 8], [4])], null, ("mode", "nearest"));
            g.Node("Cast", [upsampled], "sample", ("to", (int)options.FloatType));
            g.Output("sample", options.FloatType, "batch", 3, "height", "width");
        }
        else
        {
            g.Input("sample", options.FloatType, "batch", 3, "height", "width");
            string pooled = g.Node("AveragePool", [ToFloat(g, "sample")], null, ("kernel_shape", new[] { 8, 8 }), ("strides", new[] { 8, 8 }));
            float[] weights = Enumerable.Range(0, 12).Select(k => (float)w[k / 3, k % 3]).ToArray();
            string mean = g.Node("Conv", [pooled, g.Constant(weights, [4, 3, 1, 1])]);
            if (options.VaeEncoder == VaeEncoderOutput.Moments)
            {
                string logVariance = g.Node("Add", [g.Node("Mul", [mean, g.Constant([0f], [1])]), g.Constant([2 * MathF.Log(VaePosteriorStd)], [1])]);
                string moments = g.Node("Concat", [mean, logVariance], null, ("axis", 1));
                g.Node("Cast", [moments], "latent_parameters", ("to", (int)options.FloatType));
                g.Output("latent_parameters", options.FloatType, "batch", 8, "latent_height", "latent_width");
            }
            else
            {
                // As traced from DiagonalGaussianDistribution.sample(): ε from a RandomNormalLike with no seed.
                string epsilon = g.Node("RandomNormalLike", [mean], null, ("dtype", (int)DataType.Float));
                string sample = g.Node("Add", [mean, g.Node("Mul", [epsilon, g.Constant([VaePosteriorStd], [1])])]);
                g.Node("Cast", [sample], "latent_sample", ("to", (int)options.FloatType));
                g.Output("latent_sample", options.FloatType, "batch", 4, "latent_height", "latent_width");
            }
        }

        return g;
    }

    /// <summary>[batch, 77, hidden] -> [batch, channels, 1, 1]: a projection of the mean text state.</summary>
    private static string TextTerm(OnnxGraphBuilder g, string input, int channels)
    {
        string projected = g.Node("MatMul", [ToFloat(g, input), g.RandomWeights([HiddenWidth, channels], 0.2f)]);
        string mean = g.Node("ReduceMean", [projected], null, ("axes", new[] { 1 }), ("keepdims", 0));
        return g.Node("Unsqueeze", [mean, g.Int64Constant([2, 3], [2])]);
    }

    /// <summary>[batch] timestep (any numeric type) -> [batch, 1, 1, 1] float, scaled to about +-0.1.</summary>
    private static string TimeTerm(OnnxGraphBuilder g, string input)
    {
        string value = g.Node("Cast", [input], null, ("to", (int)DataType.Float));
        string scaled = g.Node("Mul", [value, g.Constant([0.0001f], [1])]);
        return g.Node("Reshape", [scaled, g.Int64Constant([-1, 1, 1, 1], [4])]);
    }

    private static string ToFloat(OnnxGraphBuilder g, string input) => g.Node("Cast", [input], null, ("to", (int)DataType.Float));

    /// <summary>(W^T W)^-1 W^T for a 4 x 3 matrix: a 3 x 4 left inverse.</summary>
    private static double[,] PseudoInverse(double[,] w)
    {
        var gram = new double[3, 3];
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                for (int k = 0; k < 4; k++)
                {
                    gram[i, j] += w[k, i] * w[k, j];
                }
            }
        }

        double det = gram[0, 0] * (gram[1, 1] * gram[2, 2] - gram[1, 2] * gram[2, 1])
            - gram[0, 1] * (gram[1, 0] * gram[2, 2] - gram[1, 2] * gram[2, 0])
            + gram[0, 2] * (gram[1, 0] * gram[2, 1] - gram[1, 1] * gram[2, 0]);
        var inverse = new double[3, 3];
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
                inverse[i, j] = (gram[r0, c0] * gram[r1, c1] - gram[r0, c1] * gram[r1, c0]) / det;
            }
        }

        var result = new double[3, 4];
        for (int i = 0; i < 3; i++)
        {
            for (int k = 0; k < 4; k++)
            {
                for (int j = 0; j < 3; j++)
                {
                    result[i, k] += inverse[i, j] * w[k, j];
                }
            }
        }

        return result;
    }
}
