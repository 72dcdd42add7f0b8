using Onnx;
using TextSketch.Core.Models;
using static Onnx.TensorProto.Types;

namespace TextSketch.TinyModels.Packs;

/// <summary>
/// Tiny "hed": 'input' float [1,3,height,width] -> 'output' float [1,1,height,width], like the real export. Instead of
/// random weights it computes a Sobel gradient magnitude of luma squashed into 0..1 with tanh, so its soft map has
/// real edges and the HED sketch path can be tested end to end.
/// </summary>
public sealed class HedTinyPack : ITinyPack
{
    public string Name => "hed";

    public void Write(ModelManifest manifest, string directory)
    {
        var g = new OnnxGraphBuilder("tiny_hed", seed: 601);
        string input = g.Input("input", DataType.Float, 1, 3, "height", "width");
        float[] luma = [0.299f, 0.587f, 0.114f];
        float[] sobelX = [-1, 0, 1, -2, 0, 2, -1, 0, 1];
        float[] sobelY = [-1, -2, -1, 0, 0, 0, 1, 2, 1];
        string wx = g.Constant(Kernel(luma, sobelX), [1, 3, 3, 3]);
        string wy = g.Constant(Kernel(luma, sobelY), [1, 3, 3, 3]);
        (string, object) pads = ("pads", new[] { 1, 1, 1, 1 });
        string gx = g.Node("Conv", [input, wx], null, pads);
        string gy = g.Node("Conv", [input, wy], null, pads);
        string sum = g.Node("Add", [g.Node("Mul", [gx, gx]), g.Node("Mul", [gy, gy])]);
        string magnitude = g.Node("Sqrt", [sum]);
        string scaled = g.Node("Mul", [magnitude, g.Constant([2.5f], [1])]);
        g.Node("Tanh", [scaled], "output");
        g.Output("output", DataType.Float, 1, 1, "height", "width");
        g.Save(TinyPackFiles.PathOf(manifest, directory, "hed"));
    }

    private static float[] Kernel(float[] luma, float[] taps)
    {
        var kernel = new float[27];
        for (int c = 0; c < 3; c++)
        {
            for (int k = 0; k < 9; k++)
            {
                kernel[c * 9 + k] = luma[c] * taps[k];
            }
        }

        return kernel;
    }
}
