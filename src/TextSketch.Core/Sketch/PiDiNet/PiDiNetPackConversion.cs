using TextSketch.Core.Models.Install;
using TextSketch.Core.Models.Torch;

namespace TextSketch.Core.Sketch.PiDiNet;

/// <summary>
/// "convert": "pidinet-checkpoint" — the install step of the pidinet pack: the downloaded (and hash-checked) PyTorch
/// checkpoint becomes the ONNX graph of <see cref="PiDiNetConverter"/>; the installer then checks it like any pack
/// file (its pinned size and sha256, and the content check: it loads with the signature <see cref="PiDiNetRunner"/>
/// needs for its role). A file that is no PiDiNet checkpoint — damaged, foreign, another network's weights — is one
/// <see cref="TorchCheckpointException"/> naming the file and the reason.
/// </summary>
public sealed class PiDiNetPackConversion : IPackConversion
{
    public static PiDiNetPackConversion Instance { get; } = new();

    public string Name => "pidinet-checkpoint";

    public void Convert(string sourcePath, string targetPath, string packName, CancellationToken cancellationToken)
    {
        byte[] graph;
        try
        {
            graph = PiDiNetConverter.Convert(sourcePath);
        }
        catch (TorchCheckpointException e)
        {
            throw new TorchCheckpointException(e.ErrorId,
                $"The download for the pack '{packName}' is not a PiDiNet checkpoint this module can convert: {e.Message} It was discarded; nothing was installed.", e);
        }

        cancellationToken.ThrowIfCancellationRequested();
        File.WriteAllBytes(targetPath, graph);
    }
}
