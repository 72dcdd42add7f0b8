using TextSketch.Core.Models.Install;
using TextSketch.Core.Models.Torch;
using TextSketch.Core.Onnx;

namespace TextSketch.Core.Sketch.PiDiNet;

/// <summary>
/// "convert": "pidinet-checkpoint" — the install step of the pidinet pack: the downloaded (and hash-checked) PyTorch
/// checkpoint becomes the ONNX graph of <see cref="PiDiNetConverter"/>, which must then load in ONNX Runtime with
/// the signature <see cref="PiDiNetRunner"/> needs. A file that is no PiDiNet checkpoint — damaged, foreign, another
/// network's weights — is one <see cref="TorchCheckpointException"/> naming the file and the reason.
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
        OnnxSignature.Check(targetPath, $"{packName}/{PiDiNetRunner.ModelRole}", PiDiNetRunner.Signature);
    }
}
