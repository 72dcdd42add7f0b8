using System.Buffers.Binary;
using TextSketch.Core.Models;
using TextSketch.Core.Models.Torch;
using TextSketch.Core.Sketch.PiDiNet;

namespace TextSketch.TinyModels.Packs;

/// <summary>
/// Tiny "pidinet": what the install step writes (pidinet.onnx from <see cref="PiDiNetConverter"/>), for the same
/// layout at width C = 4, D = 4 with seeded random weights: the real input and output names, element types and ranks,
/// every layer of the real graph (folded pixel-difference convolutions, CDCM, CSAM, side outputs, fusion, sigmoid),
/// any image size. Its map follows image structure (the layers are pixel differences) but is no edge detector.
/// </summary>
public sealed class PiDiNetTinyPack : ITinyPack
{
    public string Name => "pidinet";

    public void Write(ModelManifest manifest, string directory)
    {
        var architecture = new PiDiNetArchitecture(4, 4, PiDiNetArchitecture.Carv4);
        var random = new Random(1302);
        var tensors = architecture.Schema.Entries.Select(e => RandomTensor(e.Name, e.Shape, random)).ToList();
        byte[] graph = PiDiNetConverter.Convert(new TorchStateDict("tiny-pidinet", tensors), architecture);
        File.WriteAllBytes(TinyPackFiles.PathOf(manifest, directory, PiDiNetRunner.ModelRole), graph);
    }

    /// <summary>Uniform weights scaled by 1/sqrt(fan-in) (He-like), so activations neither vanish nor explode.</summary>
    private static TorchTensor RandomTensor(string name, long[] shape, Random random)
    {
        long count = shape.Aggregate(1L, (a, b) => a * b);
        long fanIn = shape.Length > 1 ? shape.Skip(1).Aggregate(1L, (a, b) => a * b) : 1;
        float scale = (float)(Math.Sqrt(3.0 / fanIn));
        var storage = new byte[count * 4];
        for (long i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(storage.AsSpan((int)(i * 4), 4), (float)(random.NextDouble() * 2 - 1) * scale);
        }

        var strides = new long[shape.Length];
        long stride = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            strides[d] = stride;
            stride *= shape[d];
        }

        return new TorchTensor(name, TorchDType.Float32, shape, strides, 0, storage, bigEndian: false);
    }
}
