using System.Text;
using TextSketch.Core.Onnx.Export;

namespace TextSketch.Core.Decoding.Diffusion;

/// <summary>A graph input that replaced an in-graph random normal node: its name and ONNX element type.</summary>
internal sealed record NoiseInput(string Name, int ElementType);

/// <summary>
/// Makes a VAE encoder export that samples the posterior inside its graph take the noise from us. TensorStack's and
/// diffusers' exports (output <c>latent_sample</c>) trace <c>vae.encode(x).latent_dist.sample()</c>, i.e.
/// mean + std · ε with ε from an ONNX <c>RandomNormalLike</c> (or <c>RandomNormal</c>) node without a seed, which
/// ONNX Runtime draws from its own generator: different on every run. This rewrite removes each such node from the
/// main graph and declares its output as a graph input instead, so the pipeline feeds ε from the record's seeded
/// generator: the same sample diffusers draws, reproducible. Only the ModelProto → GraphProto → NodeProto path is
/// rebuilt; every other byte (initializers, metadata) is copied as it is.
/// </summary>
internal static class PosteriorNoiseInputs
{
    // ModelProto.graph, GraphProto.node / .input, NodeProto.output / .op_type / .attribute / .domain,
    // AttributeProto.name / .i, ValueInfoProto.name / .type, TypeProto.tensor_type, TypeProto.Tensor.elem_type.
    private const int ModelGraph = 7;
    private const int GraphNode = 1;
    private const int GraphInput = 11;
    private const int NodeOutput = 2;
    private const int NodeOpType = 4;
    private const int NodeAttribute = 5;
    private const int NodeDomain = 7;
    private const int AttributeName = 1;
    private const int AttributeInt = 3;
    private const int FloatElementType = 1;

    private static readonly string[] RandomNormalOps = ["RandomNormalLike", "RandomNormal"];

    /// <summary>The model with its random normal nodes turned into graph inputs, and those inputs; null when the main
    /// graph has none (the export is deterministic as it is) or the bytes are not a ModelProto this can walk.</summary>
    public static (byte[] Model, IReadOnlyList<NoiseInput> Inputs)? Expose(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            return ExposeOrThrow(model);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static (byte[] Model, IReadOnlyList<NoiseInput> Inputs)? ExposeOrThrow(byte[] model)
    {
        List<Field> top = Field.ReadAll(model, 0, model.Length);
        Field graph = top.SingleOrDefault(f => f.Number == ModelGraph && f.WireType == 2)
            ?? throw new FormatException("The model has no graph.");
        List<Field> graphFields = Field.ReadAll(model, graph.ValueStart, graph.ValueLength);
        var inputs = new List<NoiseInput>();
        var removed = new HashSet<Field>();
        foreach (Field node in graphFields.Where(f => f.Number == GraphNode && f.WireType == 2))
        {
            List<Field> nodeFields = Field.ReadAll(model, node.ValueStart, node.ValueLength);
            string? op = nodeFields.FirstOrDefault(f => f.Number == NodeOpType)?.Text(model);
            string domain = nodeFields.FirstOrDefault(f => f.Number == NodeDomain)?.Text(model) ?? string.Empty;
            if (op is null || !RandomNormalOps.Contains(op, StringComparer.Ordinal) || domain is not ("" or "ai.onnx"))
            {
                continue;
            }

            string output = nodeFields.FirstOrDefault(f => f.Number == NodeOutput)?.Text(model)
                ?? throw new FormatException($"A {op} node has no output.");
            // The element type is the node's dtype attribute (the exporters always write it); float when absent.
            int type = FloatElementType;
            foreach (Field attribute in nodeFields.Where(f => f.Number == NodeAttribute && f.WireType == 2))
            {
                List<Field> attributeFields = Field.ReadAll(model, attribute.ValueStart, attribute.ValueLength);
                if (attributeFields.FirstOrDefault(f => f.Number == AttributeName)?.Text(model) == "dtype"
                    && attributeFields.FirstOrDefault(f => f.Number == AttributeInt && f.WireType == 0) is { } value)
                {
                    type = (int)value.Varint;
                }
            }

            inputs.Add(new NoiseInput(output, type));
            removed.Add(node);
        }

        if (inputs.Count == 0)
        {
            return null;
        }

        var newGraph = new MemoryStream(graph.ValueLength + 256);
        foreach (Field field in graphFields.Where(f => !removed.Contains(f)))
        {
            newGraph.Write(model, field.Start, field.End - field.Start);
        }

        foreach (NoiseInput input in inputs)
        {
            var valueInfo = new ProtobufWriter();
            valueInfo.Message(GraphInput, v =>
            {
                v.String(1, input.Name);
                v.Message(2, t => t.Message(1, tensor => tensor.Int(1, input.ElementType)));
            });
            newGraph.Write(valueInfo.WrittenSpan);
        }

        var result = new MemoryStream(model.Length + 256);
        foreach (Field field in top)
        {
            if (ReferenceEquals(field, graph))
            {
                var wrapped = new ProtobufWriter();
                wrapped.Bytes(ModelGraph, newGraph.GetBuffer().AsSpan(0, (int)newGraph.Length));
                result.Write(wrapped.WrittenSpan);
            }
            else
            {
                result.Write(model, field.Start, field.End - field.Start);
            }
        }

        return (result.ToArray(), inputs);
    }

    /// <summary>One field of a protobuf message: where it starts (its tag), where its value is, and its varint value.</summary>
    private sealed class Field
    {
        public int Number { get; private init; }

        public int WireType { get; private init; }

        public int Start { get; private init; }

        public int End { get; private init; }

        public int ValueStart { get; private init; }

        public int ValueLength { get; private init; }

        public ulong Varint { get; private init; }

        public string Text(byte[] data) => Encoding.UTF8.GetString(data, ValueStart, ValueLength);

        /// <summary>Every field of the message in data[offset .. offset + length); a malformed message throws FormatException.</summary>
        public static List<Field> ReadAll(byte[] data, int offset, int length)
        {
            var fields = new List<Field>();
            int position = offset, end = offset + length;
            while (position < end)
            {
                int start = position;
                ulong tag = ReadVarint(data, ref position, end);
                int wireType = (int)(tag & 7);
                ulong number = tag >> 3;
                if (number == 0 || number > int.MaxValue)
                {
                    throw new FormatException("Bad field number.");
                }

                ulong varint = 0;
                int valueStart = position, valueLength;
                switch (wireType)
                {
                    case 0:
                        varint = ReadVarint(data, ref position, end);
                        valueLength = position - valueStart;
                        break;
                    case 1:
                        valueLength = 8;
                        break;
                    case 2:
                        ulong size = ReadVarint(data, ref position, end);
                        if (size > (ulong)(end - position))
                        {
                            throw new FormatException("A field runs past its message.");
                        }

                        valueStart = position;
                        valueLength = (int)size;
                        break;
                    case 5:
                        valueLength = 4;
                        break;
                    default:
                        throw new FormatException($"Unsupported wire type {wireType}.");
                }

                if (wireType != 0)
                {
                    position = valueStart + valueLength;
                }

                if (position > end)
                {
                    throw new FormatException("A field runs past its message.");
                }

                fields.Add(new Field
                {
                    Number = (int)number,
                    WireType = wireType,
                    Start = start,
                    End = position,
                    ValueStart = valueStart,
                    ValueLength = valueLength,
                    Varint = varint,
                });
            }

            return fields;
        }

        private static ulong ReadVarint(byte[] data, ref int position, int end)
        {
            ulong value = 0;
            for (int shift = 0; shift < 64; shift += 7)
            {
                if (position >= end)
                {
                    throw new FormatException("A varint runs past its message.");
                }

                byte b = data[position++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }

            throw new FormatException("A varint is longer than ten bytes.");
        }
    }
}
