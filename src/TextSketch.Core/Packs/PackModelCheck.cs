using TextSketch.Core.Caption;
using TextSketch.Core.Clip;
using TextSketch.Core.Decoding.Diffusion;
using TextSketch.Core.Models;
using TextSketch.Core.Models.Install;
using TextSketch.Core.Onnx;
using TextSketch.Core.Sketch;
using TextSketch.Core.Sketch.PiDiNet;

namespace TextSketch.Core.Packs;

/// <summary>
/// What each kind of pack needs of its ONNX models, by role: the signatures the code that runs them checks when it
/// opens them, gathered in one lookup. It lives in a stage of its own because it knows every stage that runs a
/// model (sketch, caption, CLIP, diffusion), while the installer (in Models, below them all) knows none.
/// </summary>
public static class PackSignatures
{
    /// <summary>The signature a model with <paramref name="role"/> needs in a pack of <paramref name="kind"/>, or null
    /// when no code runs such a model (a tokenizer, a file of the user's own, a native library).</summary>
    public static OnnxSignatureSpec? For(ModelPackKind kind, string? role) => role is null ? null : kind switch
    {
        ModelPackKind.Sketch => role switch
        {
            HedSketchDetector.ModelRole => HedSketchDetector.Signature,
            PiDiNetRunner.ModelRole => PiDiNetRunner.Signature,
            _ => null,
        },
        ModelPackKind.Captioner => Florence2Captioner.Signatures.GetValueOrDefault(role),
        ModelPackKind.Clip => ClipEncoder.Signatures.GetValueOrDefault(role),
        ModelPackKind.Diffusion => role switch
        {
            DiffusionPipeline.TextEncoderRole => TextEncoderModel.Signature,
            DiffusionPipeline.UnetRole => UnetModel.Signature,
            DiffusionPipeline.ControlNetRole => ControlNetModel.Signature,
            DiffusionPipeline.VaeDecoderRole => VaeDecoderModel.Signature,
            DiffusionPipeline.VaeEncoderRole => VaeEncoderModel.Signature,
            _ => null,
        },
        _ => null,
    };
}

/// <summary>
/// The installer's check of a pack's contents: every ONNX file (a ".onnx" path, or a role whose code runs a model) is
/// loaded by ONNX Runtime on the CPU and checked against <see cref="PackSignatures"/> (any signature for a role no
/// code runs), so a file that is not a model, or the wrong model, fails at install rather than at first use.
/// </summary>
public sealed class PackModelCheck : IPackContentCheck
{
    public static PackModelCheck Instance { get; } = new();

    public bool Applies(ModelManifest manifest, ModelFile file)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(file);
        return file.Path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || PackSignatures.For(manifest.Kind, file.Role) is not null;
    }

    public void Check(ModelManifest manifest, ModelFile file, string path)
    {
        if (Applies(manifest, file))
        {
            OnnxSignature.Check(path, $"{manifest.Name}/{file.Path}", PackSignatures.For(manifest.Kind, file.Role) ?? OnnxSignatureSpec.Any);
        }
    }
}
