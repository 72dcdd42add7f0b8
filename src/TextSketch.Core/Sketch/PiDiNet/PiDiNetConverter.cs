using TextSketch.Core.Models.Torch;
using TextSketch.Core.Onnx.Export;

namespace TextSketch.Core.Sketch.PiDiNet;

/// <summary>
/// Converts the authors' PiDiNet checkpoint into an ONNX graph (opset 17) that ONNX Runtime runs on any image size:
/// input <see cref="InputName"/> float [batch, 3, height, width] (normalised RGB, see <see cref="PiDiNetRunner"/>),
/// output <see cref="OutputName"/> float [batch, 1, height, width], the fused edge probability. The pixel-difference
/// convolutions are folded into plain kernels (<see cref="PixelDifferenceKernels"/>), so the graph has only Conv,
/// Relu, MaxPool, Add, Mul, Sigmoid, Resize, Concat and shape arithmetic. The bytes depend only on the checkpoint's
/// weights: the same checkpoint always gives the same file.
/// </summary>
public static class PiDiNetConverter
{
    public const string InputName = "input";
    public const string OutputName = "output";

    /// <summary>Bump when the graph this converter writes changes (the installed file's hash changes with it).</summary>
    public const int ConverterVersion = 1;

    public static byte[] Convert(string checkpointPath) => Convert(TorchCheckpoint.ReadStateDict(checkpointPath));

    public static byte[] Convert(Stream checkpoint, string name) => Convert(TorchCheckpoint.ReadStateDict(checkpoint, name));

    /// <summary>The ONNX bytes for a state_dict, after checking its names and shapes against the architecture.</summary>
    public static byte[] Convert(TorchStateDict stateDict, PiDiNetArchitecture? architecture = null)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        architecture ??= PiDiNetArchitecture.Table5;
        architecture.Schema.Check(stateDict);
        var builder = new Builder(stateDict, architecture);
        return builder.Build().ToModelBytes(new OnnxModelInfo
        {
            ProducerName = "TextSketch",
            DocString = "PiDiNet (Su et al., ICCV 2021), converted from the authors' PyTorch checkpoint.",
            Metadata =
            [
                ("architecture", architecture.Description),
                ("converter", $"TextSketch PiDiNetConverter {ConverterVersion}"),
                ("input", "RGB / 255, minus mean (0.485, 0.456, 0.406), over std (0.229, 0.224, 0.225); NCHW; any size"),
                ("output", "fused edge probability (after the sigmoid), the input's size"),
            ],
        });
    }

    private sealed class Builder(TorchStateDict weights, PiDiNetArchitecture architecture)
    {
        private readonly OnnxGraph _g = new("pidinet");

        public OnnxGraph Build()
        {
            string input = _g.AddInput(InputName, OnnxElementType.Float, "batch", 3, "height", "width");
            string sizes = OutputSizes(input);

            string x = PixelDifferenceConv(input, "init_block.weight", architecture.Layers[0], groups: 1);
            var stages = new string[4];
            foreach (PiDiNetArchitecture.Block block in architecture.Blocks)
            {
                x = Block(x, block);
                stages[block.Stage] = x;
            }

            var sides = new string[4];
            for (int i = 0; i < 4; i++)
            {
                string features = Attention(Dilation(stages[i], i), i);
                string reduced = Conv(features, $"conv_reduces.{i}.conv.weight", $"conv_reduces.{i}.conv.bias");
                // F.interpolate(size=(H, W), mode="bilinear", align_corners=False): the source coordinate is
                // (x + 0.5) * in / out - 0.5, edge pixels repeated, which is ONNX's linear / half_pixel.
                sides[i] = _g.Add("Resize", [reduced, string.Empty, string.Empty, sizes],
                    OnnxAttribute.String("mode", "linear"),
                    OnnxAttribute.String("coordinate_transformation_mode", "half_pixel"));
            }

            string fused = Conv(_g.Add("Concat", sides, OnnxAttribute.Int("axis", 1)), "classifier.weight", "classifier.bias");
            _g.AddNode("Sigmoid", [fused], [OutputName]);
            _g.AddOutput(OutputName, OnnxElementType.Float, "batch", 1, "height", "width");
            return _g;
        }

        // [batch, 1, height, width] of the input, for the side outputs' Resize.
        private string OutputSizes(string input)
        {
            string shape = _g.Add("Shape", [input]);
            string batch = _g.Add("Slice", [shape, Ints("batch_start", 0), Ints("batch_end", 1)]);
            string size = _g.Add("Slice", [shape, Ints("size_start", 2), Ints("size_end", 4)]);
            return _g.Add("Concat", [batch, Ints("one_channel", 1), size], OnnxAttribute.Int("axis", 0));
        }

        private string Block(string x, PiDiNetArchitecture.Block block)
        {
            if (block.Downsamples)
            {
                x = _g.Add("MaxPool", [x], OnnxAttribute.Ints("kernel_shape", 2, 2), OnnxAttribute.Ints("strides", 2, 2));
            }

            string y = PixelDifferenceConv(x, $"{block.Name}.conv1.weight", block.Type, groups: block.Inputs);
            y = Conv(_g.Add("Relu", [y]), $"{block.Name}.conv2.weight");
            string shortcut = block.Downsamples ? Conv(x, $"{block.Name}.shortcut.weight", $"{block.Name}.shortcut.bias") : x;
            return _g.Add("Add", [y, shortcut]);
        }

        // CDCM: ReLU, 1x1 conv (bias), then the sum of the dilated 3x3 convs, added in PyTorch's order.
        private string Dilation(string x, int i)
        {
            string reduced = Conv(_g.Add("Relu", [x]), $"dilations.{i}.conv1.weight", $"dilations.{i}.conv1.bias");
            string? sum = null;
            for (int k = 0; k < architecture.Dilations.Count; k++)
            {
                int dilation = architecture.Dilations[k];
                string branch = Conv(reduced, $"dilations.{i}.conv2_{k + 1}.weight", dilation: dilation);
                sum = sum is null ? branch : _g.Add("Add", [sum, branch]);
            }

            return sum!;
        }

        // CSAM: x * sigmoid(conv3x3(conv1x1(ReLU x))).
        private string Attention(string x, int i)
        {
            string hidden = Conv(_g.Add("Relu", [x]), $"attentions.{i}.conv1.weight", $"attentions.{i}.conv1.bias");
            string map = _g.Add("Sigmoid", [Conv(hidden, $"attentions.{i}.conv2.weight")]);
            return _g.Add("Mul", [x, map]);
        }

        private string PixelDifferenceConv(string x, string weightName, PixelDifference type, int groups)
        {
            TorchTensor weight = weights[weightName];
            int size = PixelDifferenceKernels.KernelSize(type);
            float[] folded = PixelDifferenceKernels.Fold(type, weight.ToSingles());
            string name = type == PixelDifference.Vanilla ? weightName : $"{weightName}.{PiDiNetArchitecture.Code(type)}";
            string w = _g.AddInitializer(name, folded, weight.Shape[0], weight.Shape[1], size, size);
            return ConvNode(x, w, null, size, dilation: 1, groups);
        }

        private string Conv(string x, string weightName, string? biasName = null, int dilation = 1)
        {
            TorchTensor weight = weights[weightName];
            string w = Initializer(weight);
            string? b = biasName is null ? null : Initializer(weights[biasName]);
            return ConvNode(x, w, b, (int)weight.Shape[2], dilation, groups: 1);
        }

        // Same-size convolution: padding dilation * (k - 1) / 2 on every side, stride 1.
        private string ConvNode(string x, string w, string? b, int kernel, int dilation, int groups)
        {
            long pad = dilation * (kernel - 1) / 2;
            var attributes = new List<OnnxAttribute>
            {
                OnnxAttribute.Ints("kernel_shape", kernel, kernel),
                OnnxAttribute.Ints("pads", pad, pad, pad, pad),
            };
            if (dilation != 1)
            {
                attributes.Add(OnnxAttribute.Ints("dilations", dilation, dilation));
            }

            if (groups != 1)
            {
                attributes.Add(OnnxAttribute.Int("group", groups));
            }

            return _g.Add("Conv", b is null ? [x, w] : [x, w, b], [.. attributes]);
        }

        private string Initializer(TorchTensor tensor) => _g.AddInitializer(tensor.Name, tensor.ToSingles(), [.. tensor.Shape]);

        private string Ints(string name, params long[] values) => _g.AddInitializer(name, values, values.Length);
    }
}
