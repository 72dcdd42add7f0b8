namespace TextSketch.Core.Onnx.Export;

/// <summary>
/// Builds an ONNX graph (inputs, outputs, initializers, nodes in the order added, which must be topological) and
/// writes it as a ModelProto. Every node input must name a graph input, an initializer or an earlier node's output
/// (or be "" for an omitted optional input), and every value is produced once, so a wrong graph fails here with
/// its name rather than in ONNX Runtime. The bytes depend only on what was added: fields are written in a fixed
/// order, tensors as little-endian raw_data, nothing from the clock or the machine.
/// </summary>
public sealed class OnnxGraph
{
    private readonly List<(string Name, OnnxElementType Type, OnnxDim[] Shape)> _inputs = [];
    private readonly List<(string Name, OnnxElementType Type, OnnxDim[] Shape)> _outputs = [];
    private readonly List<OnnxTensor> _initializers = [];
    private readonly List<Node> _nodes = [];
    private readonly HashSet<string> _defined = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    public OnnxGraph(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    public string Name { get; }

    public string AddInput(string name, OnnxElementType type, params OnnxDim[] shape)
    {
        Define(name);
        _inputs.Add((name, type, shape.ToArray()));
        return name;
    }

    /// <summary>Declares a graph output; <paramref name="name"/> must be (or later become) a node's output.</summary>
    public void AddOutput(string name, OnnxElementType type, params OnnxDim[] shape) => _outputs.Add((name, type, shape.ToArray()));

    public string AddInitializer(OnnxTensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Define(tensor.Name);
        _initializers.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A float initializer; returns its name.</summary>
    public string AddInitializer(string name, ReadOnlySpan<float> values, params long[] dims) =>
        AddInitializer(OnnxTensor.FromSingles(name, values, dims));

    /// <summary>An int64 initializer (shapes, axes, indices); returns its name.</summary>
    public string AddInitializer(string name, ReadOnlySpan<long> values, params long[] dims) =>
        AddInitializer(OnnxTensor.FromInt64s(name, values, dims));

    /// <summary>Adds a node with named outputs.</summary>
    public void AddNode(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params OnnxAttribute[] attributes) =>
        AddNode(opType, inputs, outputs, domain: string.Empty, attributes);

    public void AddNode(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, string domain, params OnnxAttribute[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        foreach (string input in inputs)
        {
            if (input.Length > 0 && !_defined.Contains(input))
            {
                throw new InvalidOperationException($"The {opType} node reads '{input}', which nothing before it defines.");
            }
        }

        if (outputs.Count == 0)
        {
            throw new ArgumentException($"The {opType} node has no output.", nameof(outputs));
        }

        foreach (string output in outputs)
        {
            Define(output);
        }

        _nodes.Add(new Node(opType, domain, inputs.ToArray(), outputs.ToArray(), attributes.ToArray(), Fresh(opType)));
    }

    /// <summary>Adds a single-output node whose output gets a fresh name (op_type + counter); returns that name.</summary>
    public string Add(string opType, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes)
    {
        string output = Fresh(opType.ToLowerInvariant());
        AddNode(opType, inputs, [output], attributes);
        return output;
    }

    /// <summary>A fresh, deterministic name with the given prefix ("prefix_0", "prefix_1", ...).</summary>
    public string Fresh(string prefix)
    {
        int n = _counters.GetValueOrDefault(prefix);
        _counters[prefix] = n + 1;
        string name = $"{prefix}_{n}";
        return _defined.Contains(name) ? Fresh(prefix) : name;
    }

    /// <summary>The ModelProto bytes of this graph.</summary>
    public byte[] ToModelBytes(OnnxModelInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        foreach ((string name, _, _) in _outputs)
        {
            if (!_defined.Contains(name))
            {
                throw new InvalidOperationException($"The graph output '{name}' is never produced.");
            }
        }

        var model = new ProtobufWriter();
        model.Int(1, info.IrVersion); // ir_version
        model.OptionalString(2, info.ProducerName); // producer_name
        model.OptionalString(3, info.ProducerVersion); // producer_version
        model.OptionalString(4, info.Domain); // domain
        if (info.ModelVersion != 0)
        {
            model.Int(5, info.ModelVersion); // model_version
        }

        model.OptionalString(6, info.DocString); // doc_string
        model.Message(7, WriteGraph); // graph
        foreach ((string domain, long version) in info.Opsets)
        {
            model.Message(8, w => // opset_import: OperatorSetIdProto
            {
                w.OptionalString(1, domain);
                w.Int(2, version);
            });
        }

        foreach ((string key, string value) in info.Metadata)
        {
            model.Message(14, w => // metadata_props: StringStringEntryProto
            {
                w.String(1, key);
                w.String(2, value);
            });
        }

        return model.ToArray();
    }

    private void WriteGraph(ProtobufWriter g)
    {
        foreach (Node node in _nodes)
        {
            g.Message(1, node.WriteTo); // node
        }

        g.String(2, Name); // name
        foreach (OnnxTensor tensor in _initializers)
        {
            g.Message(5, tensor.WriteTo); // initializer
        }

        foreach ((string name, OnnxElementType type, OnnxDim[] shape) in _inputs)
        {
            g.Message(11, w => WriteValueInfo(w, name, type, shape)); // input
        }

        foreach ((string name, OnnxElementType type, OnnxDim[] shape) in _outputs)
        {
            g.Message(12, w => WriteValueInfo(w, name, type, shape)); // output
        }
    }

    // ValueInfoProto { name = 1, type = 2: TypeProto { tensor_type = 1: { elem_type = 1, shape = 2: { dim = 1 } } } }
    private static void WriteValueInfo(ProtobufWriter w, string name, OnnxElementType type, OnnxDim[] shape)
    {
        w.String(1, name);
        w.Message(2, t => t.Message(1, tensor =>
        {
            tensor.Int(1, (int)type);
            tensor.Message(2, s =>
            {
                foreach (OnnxDim dim in shape)
                {
                    s.Message(1, d =>
                    {
                        if (dim.Symbol is { } symbol)
                        {
                            d.String(2, symbol); // dim_param
                        }
                        else
                        {
                            d.Int(1, dim.Size!.Value); // dim_value
                        }
                    });
                }
            });
        }));
    }

    private void Define(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_defined.Add(name))
        {
            throw new InvalidOperationException($"'{name}' is defined twice in the graph '{Name}'.");
        }
    }

    private sealed record Node(string OpType, string Domain, string[] Inputs, string[] Outputs, OnnxAttribute[] Attributes, string Name)
    {
        // NodeProto { input = 1, output = 2, name = 3, op_type = 4, attribute = 5, domain = 7 }
        public void WriteTo(ProtobufWriter w)
        {
            foreach (string input in Inputs)
            {
                w.String(1, input);
            }

            foreach (string output in Outputs)
            {
                w.String(2, output);
            }

            w.String(3, Name);
            w.String(4, OpType);
            foreach (OnnxAttribute attribute in Attributes)
            {
                w.Message(5, attribute.WriteTo);
            }

            w.OptionalString(7, Domain);
        }
    }
}

/// <summary>The ModelProto fields around a graph. The defaults: IR version 8, the default-domain opset 17.</summary>
public sealed record OnnxModelInfo
{
    public long IrVersion { get; init; } = 8;

    public IReadOnlyList<(string Domain, long Version)> Opsets { get; init; } = [(string.Empty, 17)];

    public string ProducerName { get; init; } = "TextSketch";

    public string? ProducerVersion { get; init; }

    public string? Domain { get; init; }

    public long ModelVersion { get; init; }

    public string? DocString { get; init; }

    /// <summary>metadata_props, in this order (ONNX Runtime shows them as the model's custom metadata).</summary>
    public IReadOnlyList<(string Key, string Value)> Metadata { get; init; } = [];
}
