using Google.Protobuf;
using Onnx;

namespace TextSketch.TinyModels;

/// <summary>
/// Builds small ONNX graphs (opset 17) with exactly the input/output names, element types and ranks of a real
/// export. Dimensions are named (symbolic) or fixed, as in the real model. Weights are small random numbers from a
/// seeded generator, so a tiny pack is the same file every time it is generated.
/// </summary>
public sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph = new();
    private readonly Random _random;
    private int _next;

    public OnnxGraphBuilder(string name, int seed)
    {
        _graph.Name = name;
        _random = new Random(seed);
    }

    /// <summary>Declares a graph input. A dimension is an int (fixed) or a string (symbolic, e.g. "batch").</summary>
    public string Input(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        _graph.Input.Add(ValueInfo(name, type, dims));
        return name;
    }

    public void Output(string name, TensorProto.Types.DataType type, params object[] dims) =>
        _graph.Output.Add(ValueInfo(name, type, dims));

    /// <summary>A float initializer of random values in [-scale, scale].</summary>
    public string RandomWeights(int[] dims, float scale = 0.1f, TensorProto.Types.DataType type = TensorProto.Types.DataType.Float)
    {
        int count = dims.Aggregate(1, (a, b) => a * b);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)((_random.NextDouble() * 2 - 1) * scale);
        }

        return Constant(values, dims, type);
    }

    /// <summary>A float (or float16) initializer with the given values.</summary>
    public string Constant(float[] values, int[] dims, TensorProto.Types.DataType type = TensorProto.Types.DataType.Float)
    {
        var tensor = new TensorProto { Name = Fresh("w"), DataType = (int)type };
        tensor.Dims.AddRange(dims.Select(d => (long)d));
        if (type == TensorProto.Types.DataType.Float16)
        {
            // float16 bit patterns travel in int32_data.
            tensor.Int32Data.AddRange(values.Select(v => (int)BitConverter.HalfToUInt16Bits((Half)v)));
        }
        else
        {
            tensor.FloatData.AddRange(values);
        }

        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    public string Int64Constant(long[] values, int[] dims)
    {
        var tensor = new TensorProto { Name = Fresh("c"), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims.Select(d => (long)d));
        tensor.Int64Data.AddRange(values);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a node; returns its (first) output name. Pass <paramref name="output"/> to name it (e.g. a graph output).</summary>
    public string Node(string op, string[] inputs, string? output = null, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = Fresh(op) };
        node.Input.AddRange(inputs);
        string result = output ?? Fresh(op.ToLowerInvariant());
        node.Output.Add(result);
        foreach ((string name, object value) in attributes)
        {
            node.Attribute.Add(Attribute(name, value));
        }

        _graph.Node.Add(node);
        return result;
    }

    public byte[] ToBytes()
    {
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "TextSketch.TinyModels",
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 17 });
        return model.ToByteArray();
    }

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path, ToBytes());
    }

    private string Fresh(string prefix) => $"{prefix}_{_next++}";

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (object dim in dims)
        {
            shape.Dim.Add(dim switch
            {
                int fixedSize => new TensorShapeProto.Types.Dimension { DimValue = fixedSize },
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                _ => throw new ArgumentException($"A dimension is an int or a string, not {dim}."),
            });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    private static AttributeProto Attribute(string name, object value) => value switch
    {
        int i => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = i },
        long l => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = l },
        float f => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = f },
        string s => new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(s) },
        long[] ls => MakeInts(name, ls),
        int[] ints => MakeInts(name, ints.Select(x => (long)x).ToArray()),
        _ => throw new ArgumentException($"Unsupported attribute value {value.GetType()}."),
    };

    private static AttributeProto MakeInts(string name, long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }
}
