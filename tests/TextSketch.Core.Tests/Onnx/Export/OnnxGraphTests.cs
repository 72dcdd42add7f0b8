using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TextSketch.Core.Onnx.Export;
using Proto = Onnx;

namespace TextSketch.Core.Tests.Onnx.Export;

public sealed class OnnxGraphTests
{
    [Fact]
    public void The_bytes_parse_as_the_model_that_was_built()
    {
        // Parsed back with Google.Protobuf's generated ONNX classes (OnnxSharp): an independent reader of the format.
        var g = new OnnxGraph("tiny");
        g.AddInput("x", OnnxElementType.Float, "batch", 2);
        g.AddInitializer("w", [1.5f, -2f], 2);
        g.AddInitializer("axes", [0L, -1L], 2);
        g.AddNode("Custom", ["x", "w", string.Empty], ["y", "z"], "ai.test",
            OnnxAttribute.Int("i", -3), OnnxAttribute.Float("f", 0.25f), OnnxAttribute.String("s", "half_pixel"),
            OnnxAttribute.Ints("is", 1, -2, 3), OnnxAttribute.Floats("fs", 0.5f, 2f), OnnxAttribute.Strings("ss", "a", "bé"),
            OnnxAttribute.Tensor("t", OnnxTensor.FromInt64s("", [7L], 1)));
        g.AddOutput("y", OnnxElementType.Float, "batch", 2);
        byte[] bytes = g.ToModelBytes(new OnnxModelInfo { Opsets = [("", 17), ("ai.test", 1)], DocString = "doc", Metadata = [("k", "v")] });

        Proto.ModelProto model = Proto.ModelProto.Parser.ParseFrom(bytes);

        Assert.Equal(8, model.IrVersion);
        Assert.Equal("TextSketch", model.ProducerName);
        Assert.Equal("doc", model.DocString);
        Assert.Equal([("", 17L), ("ai.test", 1L)], model.OpsetImport.Select(o => (o.Domain, o.Version)));
        Assert.Equal(("k", "v"), (model.MetadataProps[0].Key, model.MetadataProps[0].Value));
        Proto.GraphProto graph = model.Graph;
        Assert.Equal("tiny", graph.Name);
        Proto.TensorShapeProto shape = graph.Input[0].Type.TensorType.Shape;
        Assert.Equal((int)Proto.TensorProto.Types.DataType.Float, graph.Input[0].Type.TensorType.ElemType);
        Assert.Equal("batch", shape.Dim[0].DimParam);
        Assert.Equal(2, shape.Dim[1].DimValue);
        Assert.Equal([1.5f, -2f], LittleEndianFloats(graph.Initializer[0].RawData.ToByteArray()));
        Assert.Equal([2L], graph.Initializer[1].Dims);
        Assert.Equal((int)Proto.TensorProto.Types.DataType.Int64, graph.Initializer[1].DataType);
        Proto.NodeProto node = graph.Node[0];
        Assert.Equal(("Custom", "ai.test"), (node.OpType, node.Domain));
        Assert.Equal(["x", "w", ""], node.Input);
        Assert.Equal(["y", "z"], node.Output);
        var a = node.Attribute.ToDictionary(x => x.Name);
        Assert.Equal((-3L, Proto.AttributeProto.Types.AttributeType.Int), (a["i"].I, a["i"].Type));
        Assert.Equal(0.25f, a["f"].F);
        Assert.Equal("half_pixel", a["s"].S.ToStringUtf8());
        Assert.Equal([1L, -2, 3], a["is"].Ints);
        Assert.Equal([0.5f, 2f], a["fs"].Floats);
        Assert.Equal(["a", "bé"], a["ss"].Strings.Select(s => s.ToStringUtf8()));
        Assert.Equal(Proto.AttributeProto.Types.AttributeType.Tensor, a["t"].Type);
        Assert.Equal(BitConverter.GetBytes(7L), a["t"].T.RawData.ToByteArray());
    }

    [Fact]
    public void Onnx_runtime_runs_a_written_graph_with_the_expected_numbers()
    {
        // y = Resize(Conv(x, k) + b) to 7x11, linear / half_pixel; z = Cast(float16 constant).
        float[] kernel = [0, 1, 0, 1, -4, 1, 0, 1, 0];
        var g = new OnnxGraph("run");
        g.AddInput("x", OnnxElementType.Float, 1, 1, "h", "w");
        string conv = g.Add("Conv", ["x", g.AddInitializer("k", kernel, 1, 1, 3, 3), g.AddInitializer("b", [0.5f], 1)],
            OnnxAttribute.Ints("kernel_shape", 3, 3), OnnxAttribute.Ints("pads", 1, 1, 1, 1));
        g.AddNode("Resize", [conv, string.Empty, string.Empty, g.AddInitializer("sizes", [1L, 1, 7, 11], 4)], ["y"],
            OnnxAttribute.String("mode", "linear"), OnnxAttribute.String("coordinate_transformation_mode", "half_pixel"));
        g.AddNode("Cast", [g.AddInitializer(OnnxTensor.FromHalves("half", [(Half)0.5f, (Half)(-3f)], 2))], ["z"], OnnxAttribute.Int("to", 1));
        g.AddOutput("y", OnnxElementType.Float, 1, 1, 7, 11);
        g.AddOutput("z", OnnxElementType.Float, 2);

        const int H = 3, W = 5;
        float[] x = Enumerable.Range(0, H * W).Select(i => (float)(i * i % 7)).ToArray();
        using var session = new InferenceSession(g.ToModelBytes(new OnnxModelInfo()));
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(x, [1, 1, H, W]))]);
        float[] y = results.First(r => r.Name == "y").AsTensor<float>().ToArray();
        float[] z = results.First(r => r.Name == "z").AsTensor<float>().ToArray();

        // The same numbers by hand: zero-padded 3x3 convolution, then bilinear with PyTorch's align_corners=False rule.
        var c = new double[H * W];
        for (int i = 0; i < H; i++)
        {
            for (int j = 0; j < W; j++)
            {
                double sum = 0.5;
                for (int di = -1; di <= 1; di++)
                {
                    for (int dj = -1; dj <= 1; dj++)
                    {
                        int si = i + di, sj = j + dj;
                        sum += si is >= 0 and < H && sj is >= 0 and < W ? kernel[(di + 1) * 3 + dj + 1] * x[si * W + sj] : 0;
                    }
                }

                c[i * W + j] = sum;
            }
        }

        for (int oi = 0; oi < 7; oi++)
        {
            for (int oj = 0; oj < 11; oj++)
            {
                (int i0, int i1, double fi) = Source(oi, H, 7);
                (int j0, int j1, double fj) = Source(oj, W, 11);
                double expected = (1 - fi) * ((1 - fj) * c[i0 * W + j0] + fj * c[i0 * W + j1]) + fi * ((1 - fj) * c[i1 * W + j0] + fj * c[i1 * W + j1]);
                Assert.True(Math.Abs(y[oi * 11 + oj] - expected) < 1e-5, $"({oi},{oj}): {y[oi * 11 + oj]} vs {expected}");
            }
        }

        Assert.Equal([0.5f, -3f], z);
    }

    [Fact]
    public void The_same_graph_gives_the_same_bytes()
    {
        static byte[] Build()
        {
            var g = new OnnxGraph("same");
            g.AddInput("x", OnnxElementType.Float, 3);
            g.AddNode("Add", ["x", g.AddInitializer("c", [0.1f, 0.2f, 0.3f], 3)], ["y"]);
            g.AddOutput("y", OnnxElementType.Float, 3);
            return g.ToModelBytes(new OnnxModelInfo());
        }

        Assert.Equal(Build(), Build());
    }

    [Fact]
    public void A_malformed_graph_fails_while_it_is_built()
    {
        var g = new OnnxGraph("bad");
        g.AddInput("x", OnnxElementType.Float, 1);
        Assert.Contains("'nowhere'", Assert.Throws<InvalidOperationException>(() => g.Add("Relu", ["nowhere"])).Message);
        Assert.Contains("'x' is defined twice", Assert.Throws<InvalidOperationException>(() => g.AddInitializer("x", [1f], 1)).Message);
        Assert.Throws<ArgumentException>(() => g.AddInitializer("w", [1f, 2f], 3));
        g.AddOutput("never", OnnxElementType.Float, 1);
        Assert.Contains("'never'", Assert.Throws<InvalidOperationException>(() => g.ToModelBytes(new OnnxModelInfo())).Message);
    }

    // PyTorch's align_corners=False source coordinate: (o + 0.5) * in / out - 0.5, clamped at 0, neighbours clamped.
    private static (int Low, int High, double Fraction) Source(int o, int input, int output)
    {
        double s = Math.Max(0, (o + 0.5) * input / output - 0.5);
        int low = Math.Min((int)s, input - 1);
        return (low, Math.Min(low + 1, input - 1), s - low);
    }

    private static float[] LittleEndianFloats(byte[] raw) =>
        Enumerable.Range(0, raw.Length / 4).Select(i => BitConverter.ToSingle(raw, 4 * i)).ToArray();
}
