using TextSketch.Core.Models.Torch;

namespace TextSketch.Core.Sketch.PiDiNet;

/// <summary>
/// The PiDiNet layout (Su et al., "Pixel Difference Networks for Efficient Edge Detection", ICCV 2021): an initial
/// 3x3 convolution and 15 residual blocks in four stages (C, 2C, 4C, 4C channels; stages 2-4 start with a 2x2 max
/// pool and a 1x1 shortcut), each block a depthwise pixel-difference convolution, ReLU and a 1x1 convolution. Each
/// stage's output passes CDCM (ReLU, 1x1 to D channels, the sum of four 3x3 convolutions dilated 5, 7, 9, 11) and
/// CSAM (x * sigmoid(conv3x3(conv1x1(ReLU x)))), is reduced to one map by a 1x1 convolution, upsampled
/// bilinearly to the input size, and the four maps are fused by a 1x1 convolution and a sigmoid.
/// <see cref="Table5"/> is the paper's table-5 model: C = 60, D = 24, the "carv4" layer types.
/// </summary>
public sealed class PiDiNetArchitecture
{
    /// <summary>Blocks per stage (stage 1 has three: the initial convolution is its first layer).</summary>
    private static readonly int[] BlocksPerStage = [3, 4, 4, 4];

    /// <summary>"carv4": cd, ad, rd, cv repeated over the 16 layers (the initial convolution and the 15 blocks).</summary>
    public static readonly IReadOnlyList<PixelDifference> Carv4 = Enumerable.Range(0, 16)
        .Select(i => (i % 4) switch { 0 => PixelDifference.Central, 1 => PixelDifference.Angular, 2 => PixelDifference.Radial, _ => PixelDifference.Vanilla })
        .ToArray();

    public static readonly PiDiNetArchitecture Table5 = new(60, 24, Carv4);

    public PiDiNetArchitecture(int channels, int dilationChannels, IReadOnlyList<PixelDifference> layers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dilationChannels, 1);
        if (layers.Count != 16)
        {
            throw new ArgumentException($"PiDiNet has 16 layers, not {layers.Count}.", nameof(layers));
        }

        Channels = channels;
        DilationChannels = dilationChannels;
        Layers = layers.ToArray();
        StageChannels = [channels, 2 * channels, 4 * channels, 4 * channels];
        var blocks = new List<Block>();
        int layer = 1;
        for (int stage = 0; stage < 4; stage++)
        {
            for (int b = 0; b < BlocksPerStage[stage]; b++)
            {
                bool first = b == 0 && stage > 0;
                int inputs = first ? StageChannels[stage - 1] : StageChannels[stage];
                blocks.Add(new Block($"block{stage + 1}_{b + 1}", stage, Layers[layer++], inputs, StageChannels[stage], Downsamples: first));
            }
        }

        Blocks = blocks;
        Schema = BuildSchema();
    }

    /// <summary>C: the channels of stage 1.</summary>
    public int Channels { get; }

    /// <summary>D: the channels of the CDCM and CSAM modules.</summary>
    public int DilationChannels { get; }

    /// <summary>CSAM's hidden channels.</summary>
    public int AttentionChannels => 4;

    /// <summary>The dilations of CDCM's four branches.</summary>
    public IReadOnlyList<int> Dilations { get; } = [5, 7, 9, 11];

    public IReadOnlyList<PixelDifference> Layers { get; }

    public IReadOnlyList<int> StageChannels { get; }

    public IReadOnlyList<Block> Blocks { get; }

    /// <summary>The state_dict names and shapes this layout needs (names as in the authors' code, without "module.").</summary>
    public StateDictSchema Schema { get; }

    public string Description => $"PiDiNet (C = {Channels}, CDCM/CSAM D = {DilationChannels}, layers {string.Join(",", Layers.Select(Code))})";

    public static string Code(PixelDifference type) => type switch
    {
        PixelDifference.Central => "cd",
        PixelDifference.Angular => "ad",
        PixelDifference.Radial => "rd",
        _ => "cv",
    };

    private StateDictSchema BuildSchema()
    {
        var schema = new StateDictSchema(Description);
        int d = DilationChannels;
        schema.Add("init_block.weight", Channels, 3, 3, 3);
        foreach (Block block in Blocks)
        {
            if (block.Downsamples)
            {
                schema.Add($"{block.Name}.shortcut.weight", block.Outputs, block.Inputs, 1, 1);
                schema.Add($"{block.Name}.shortcut.bias", block.Outputs);
            }

            schema.Add($"{block.Name}.conv1.weight", block.Inputs, 1, 3, 3);
            schema.Add($"{block.Name}.conv2.weight", block.Outputs, block.Inputs, 1, 1);
        }

        for (int i = 0; i < 4; i++)
        {
            schema.Add($"conv_reduces.{i}.conv.weight", 1, d, 1, 1);
            schema.Add($"conv_reduces.{i}.conv.bias", 1);
        }

        for (int i = 0; i < 4; i++)
        {
            schema.Add($"attentions.{i}.conv1.weight", AttentionChannels, d, 1, 1);
            schema.Add($"attentions.{i}.conv1.bias", AttentionChannels);
            schema.Add($"attentions.{i}.conv2.weight", 1, AttentionChannels, 3, 3);
        }

        for (int i = 0; i < 4; i++)
        {
            schema.Add($"dilations.{i}.conv1.weight", d, StageChannels[i], 1, 1);
            schema.Add($"dilations.{i}.conv1.bias", d);
            for (int k = 1; k <= Dilations.Count; k++)
            {
                schema.Add($"dilations.{i}.conv2_{k}.weight", d, d, 3, 3);
            }
        }

        schema.Add("classifier.weight", 1, 4, 1, 1);
        schema.Add("classifier.bias", 1);
        return schema;
    }

    /// <summary>A residual block: [max pool 2x2 if it downsamples] -> depthwise <see cref="Type"/> 3x3 -> ReLU ->
    /// 1x1 to <see cref="Outputs"/>, plus the input (through a 1x1 shortcut with bias if it downsamples).</summary>
    public sealed record Block(string Name, int Stage, PixelDifference Type, int Inputs, int Outputs, bool Downsamples);
}
