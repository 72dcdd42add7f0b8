using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TextSketch.Core.Models;
using TextSketch.Core.Onnx;

namespace TextSketch.Core.Decoding.Diffusion;

/// <summary>
/// What the pipeline learned from a model's metadata: names, element types and the shape rules of its inputs, so
/// that nothing about one export (fp16 or fp32, int64 or float timesteps, scalar or 1-D, fixed or free batch) is
/// hard-coded. Each constructor checks the signature and fails with the expected and found lists.
/// </summary>
internal sealed class TextEncoderModel
{
    /// <summary>What the pipeline needs of the text encoder (also checkable on its own: <see cref="OnnxSignature.Check"/>).</summary>
    public static OnnxSignatureSpec Signature { get; } = new(
        [new TensorSpec("input_ids", [TensorElementType.Int32, TensorElementType.Int64], 2)],
        [TensorSpec.Float("last_hidden_state", 3)]);

    public TextEncoderModel(OnnxModel model)
    {
        OnnxSignature.Require(model, Signature.Inputs, Signature.Outputs);
        Model = model;
        IdsType = model.InputMetadata["input_ids"].ElementDataType;
        int[] dims = model.InputMetadata["input_ids"].Dimensions;
        FixedLength = dims[1] > 0 ? dims[1] : null;
    }

    public OnnxModel Model { get; }

    public TensorElementType IdsType { get; }

    /// <summary>Token count the export fixes (77 for CLIP exports with a static sequence axis), if it fixes one.</summary>
    public int? FixedLength { get; }
}

/// <summary>The timestep input of a UNet or ControlNet: its element type and whether it is a scalar or 1-D.</summary>
internal sealed record TimestepInput(string Name, TensorElementType Type, int Rank, int FixedLength)
{
    public static TimestepInput Read(OnnxModel model)
    {
        if (!model.InputMetadata.TryGetValue("timestep", out NodeMetadata? meta) || !meta.IsTensor
            || !(OnnxTensors.IsFloating(meta.ElementDataType) || OnnxTensors.IsInteger(meta.ElementDataType))
            || meta.Dimensions.Length > 1)
        {
            throw new ModelPackException("ModelSignatureMismatch",
                $"The model '{model}' does not have the expected signature: missing input timestep: float|float16|double|int64|int32[rank 0 or 1]. " +
                $"Found inputs {OnnxSignature.Describe(model.InputMetadata)}.");
        }

        return new TimestepInput("timestep", meta.ElementDataType, meta.Dimensions.Length, meta.Dimensions.Length == 1 ? meta.Dimensions[0] : 0);
    }

    public OrtValue Create(double timestep, int batch)
    {
        long[] shape = Rank == 0 ? [] : [FixedLength > 0 ? FixedLength : batch];
        return OnnxTensors.Number(Type, timestep, shape);
    }
}

/// <summary>The ControlNet-enabled UNet: sample, timestep, text states, and the ControlNet residuals by name.</summary>
internal sealed class UnetModel
{
    public static readonly string[] CoreInputs = ["sample", "timestep", "encoder_hidden_states"];

    /// <summary>The inputs every UNet export has (the timestep's type and the residuals are read from the file).</summary>
    public static OnnxSignatureSpec Signature { get; } = new([TensorSpec.Float("sample", 4), TensorSpec.Float("encoder_hidden_states", 3)], []);

    public UnetModel(OnnxModel model)
    {
        OnnxSignature.Require(model, Signature.Inputs, Signature.Outputs);
        Model = model;
        Timestep = TimestepInput.Read(model);
        SampleType = model.InputMetadata["sample"].ElementDataType;
        HiddenType = model.InputMetadata["encoder_hidden_states"].ElementDataType;
        FixedBatch = model.InputMetadata["sample"].Dimensions[0] > 0 ? model.InputMetadata["sample"].Dimensions[0] : null;
        ResidualInputs = model.InputMetadata.Keys.Where(k => !CoreInputs.Contains(k)).ToList();
        (Output, NodeMetadata outputMeta) = model.OutputMetadata.Select(kv => (kv.Key, kv.Value)).First();
        if (!outputMeta.IsTensor || outputMeta.Dimensions.Length != 4 || !OnnxTensors.IsFloating(outputMeta.ElementDataType))
        {
            throw new ModelPackException("ModelSignatureMismatch",
                $"The model '{model.Name}' does not have the expected signature: its first output should be the noise prediction, float|float16[rank 4]. " +
                $"Found outputs {OnnxSignature.Describe(model.OutputMetadata)}.");
        }

        if (ResidualInputs.Count == 0)
        {
            throw new ModelPackException("ModelSignatureMismatch",
                $"The model '{model.Name}' is a plain UNet without ControlNet residual inputs (down_block_N_additional_residual, mid_block_additional_residual). " +
                "A diffusion pack needs the ControlNet-enabled UNet export (e.g. the controlnet/model.onnx of TensorStack's stable-diffusion-v1-5-onnx).");
        }
    }

    public OnnxModel Model { get; }

    public TimestepInput Timestep { get; }

    public TensorElementType SampleType { get; }

    public TensorElementType HiddenType { get; }

    public int? FixedBatch { get; }

    public IReadOnlyList<string> ResidualInputs { get; }

    public string Output { get; }
}

/// <summary>The ControlNet: sample, timestep, text states, condition image (+ optional conditioning scale) to residuals.</summary>
internal sealed class ControlNetModel
{
    /// <summary>The inputs every ControlNet export has (its residual outputs are paired with the UNet's inputs).</summary>
    public static OnnxSignatureSpec Signature { get; } = new(
        [TensorSpec.Float("sample", 4), TensorSpec.Float("encoder_hidden_states", 3), TensorSpec.Float("controlnet_cond", 4)],
        []);

    public ControlNetModel(OnnxModel model, UnetModel unet)
    {
        OnnxSignature.Require(model, Signature.Inputs, Signature.Outputs);
        Model = model;
        Timestep = TimestepInput.Read(model);
        SampleType = model.InputMetadata["sample"].ElementDataType;
        HiddenType = model.InputMetadata["encoder_hidden_states"].ElementDataType;
        ConditionType = model.InputMetadata["controlnet_cond"].ElementDataType;
        FixedBatch = model.InputMetadata["sample"].Dimensions[0] > 0 ? model.InputMetadata["sample"].Dimensions[0] : null;
        if (model.InputMetadata.TryGetValue("conditioning_scale", out NodeMetadata? scale))
        {
            if (!scale.IsTensor || !OnnxTensors.IsFloating(scale.ElementDataType) || scale.Dimensions.Length > 1)
            {
                throw new ModelPackException("ModelSignatureMismatch",
                    $"The model '{model.Name}' has a conditioning_scale input that is not a floating-point scalar or 1-D tensor.");
            }

            ScaleInput = new TimestepInput("conditioning_scale", scale.ElementDataType, scale.Dimensions.Length,
                scale.Dimensions.Length == 1 ? scale.Dimensions[0] : 0);
        }

        Outputs = model.OutputMetadata.Keys.ToList();

        // Residuals travel by name when the UNet's inputs are the ControlNet's outputs (TensorStack/OnnxStack and
        // diffusers-style exports name both sides down_block_N_additional_residual / mid_block_additional_residual);
        // an export that numbers them differently but declares them in the same order is paired by position.
        var byName = unet.ResidualInputs.Where(Outputs.Contains).ToList();
        if (byName.Count == unet.ResidualInputs.Count)
        {
            ResidualMap = unet.ResidualInputs.Select(n => (n, n)).ToList();
        }
        else if (byName.Count == 0 && Outputs.Count == unet.ResidualInputs.Count)
        {
            ResidualMap = Outputs.Zip(unet.ResidualInputs).ToList();
        }
        else
        {
            throw new ModelPackException("ModelSignatureMismatch",
                $"The ControlNet '{model.Name}' and the UNet do not fit together: the UNet takes residuals " +
                $"{string.Join(", ", unet.ResidualInputs)} but the ControlNet produces {string.Join(", ", Outputs)}.");
        }
    }

    public OnnxModel Model { get; }

    public TimestepInput Timestep { get; }

    public TimestepInput? ScaleInput { get; }

    public TensorElementType SampleType { get; }

    public TensorElementType HiddenType { get; }

    public TensorElementType ConditionType { get; }

    public int? FixedBatch { get; }

    public IReadOnlyList<string> Outputs { get; }

    /// <summary>(ControlNet output, UNet input) pairs.</summary>
    public IReadOnlyList<(string Output, string UnetInput)> ResidualMap { get; }
}

/// <summary>The VAE decoder: latent_sample [batch, 4, h, w] to sample [batch, 3, 8h, 8w].</summary>
internal sealed class VaeDecoderModel
{
    public const string Input = "latent_sample";
    public const string Output = "sample";

    /// <summary>What the pipeline needs of the VAE decoder (also checkable on its own: <see cref="OnnxSignature.Check"/>).</summary>
    public static OnnxSignatureSpec Signature { get; } = new([TensorSpec.Float(Input, 4)], [TensorSpec.Float(Output, 4)]);

    public VaeDecoderModel(OnnxModel model)
    {
        OnnxSignature.Require(model, Signature.Inputs, Signature.Outputs);
        Model = model;
        InputType = model.InputMetadata[Input].ElementDataType;
    }

    public OnnxModel Model { get; }

    public TensorElementType InputType { get; }
}

/// <summary>
/// The VAE encoder: sample [1, 3, H, W] in [-1, 1] to a draw from the latent posterior N(mean, std²) [1, 4, H/8, W/8],
/// unscaled, as diffusers' img2img takes it (<c>latent_dist.sample(generator)</c>). Exports come in two kinds, told
/// apart by their output: <c>latent_parameters</c> (Optimum; 8 channels, the mean then the log-variance) is
/// sampled here as diffusers does, mean + exp(½·clamp(logvar, −30, 20)) · ε; <c>latent_sample</c> (TensorStack /
/// OnnxStack, diffusers' own ONNX script) is the sample itself, drawn inside the graph — and when that graph draws ε
/// with an unseeded random node, the node was made a graph input when the model was opened
/// (<see cref="PosteriorNoiseInputs"/>) and ε is fed here. In every case ε comes from <paramref name="noise"/>
/// of <see cref="Encode"/>: the record's seeded generator, so the same seed gives the same latents.
/// </summary>
internal sealed class VaeEncoderModel
{
    public const string Input = "sample";
    public const string SampleOutput = "latent_sample";
    public const string MomentsOutput = "latent_parameters";
    public const int LatentChannels = 4;
    public const int Downsampling = 8;

    /// <summary>The input every VAE encoder export has (its output, sample or moments, is read from the file).</summary>
    public static OnnxSignatureSpec Signature { get; } = new([TensorSpec.Float(Input, 4)], []);

    public VaeEncoderModel(OnnxModel model, IReadOnlyList<NoiseInput> noiseInputs)
    {
        OnnxSignature.Require(model, Signature.Inputs, Signature.Outputs);
        Model = model;
        InputType = model.InputMetadata[Input].ElementDataType;
        (Output, NodeMetadata output) = model.OutputMetadata.Select(kv => (kv.Key, kv.Value)).First();
        int channels = output.IsTensor && output.Dimensions.Length == 4 ? output.Dimensions[1] : 0;
        if (!output.IsTensor || output.Dimensions.Length != 4 || !OnnxTensors.IsFloating(output.ElementDataType)
            || (channels > 0 && channels != LatentChannels && channels != 2 * LatentChannels))
        {
            throw new ModelPackException("ModelSignatureMismatch",
                $"The model '{model.Name}' does not have the expected signature: its first output should be the latent sample " +
                $"({SampleOutput}, float|float16[1, {LatentChannels}, h, w]) or the posterior's parameters ({MomentsOutput}, float|float16[1, {2 * LatentChannels}, h, w]). " +
                $"Found outputs {OnnxSignature.Describe(model.OutputMetadata)}.");
        }

        NoiseInputs = noiseInputs;
        foreach (NoiseInput noise in noiseInputs)
        {
            if (!model.InputMetadata.ContainsKey(noise.Name))
            {
                throw new InvalidOperationException($"The rewritten VAE encoder lacks its noise input '{noise.Name}'.");
            }
        }
    }

    public OnnxModel Model { get; }

    public TensorElementType InputType { get; }

    public string Output { get; }

    /// <summary>Inputs that take the posterior's ε (in-graph sampling made ours); empty for other exports.</summary>
    public IReadOnlyList<NoiseInput> NoiseInputs { get; }

    /// <summary>The posterior sample (unscaled) of an image given as CHW planes in [-1, 1], [4 x H/8 x W/8] floats.</summary>
    public float[] Encode(float[] pixels, int width, int height, GaussianNoise noise, RunOptions runOptions)
    {
        int latentWidth = width / Downsampling, latentHeight = height / Downsampling;
        int size = LatentChannels * latentWidth * latentHeight;
        long[] latentShape = [1, LatentChannels, latentHeight, latentWidth];
        var names = new List<string> { Input };
        var values = new List<OrtValue> { OnnxTensors.FromFloats(InputType, pixels, [1, 3, height, width]) };
        try
        {
            foreach (NoiseInput input in NoiseInputs)
            {
                names.Add(input.Name);
                values.Add(OnnxTensors.FromFloats(Model.InputMetadata[input.Name].ElementDataType, noise.NextGaussians(size), latentShape));
            }

            using IDisposableReadOnlyCollection<OrtValue> outputs = Model.Run(names, values, [Output], runOptions);
            float[] latent = OnnxTensors.ToFloats(outputs[0]);
            long[] shape = OnnxTensors.Shape(outputs[0]);
            if (shape.Length != 4 || shape[0] != 1 || shape[2] != latentHeight || shape[3] != latentWidth
                || (shape[1] != LatentChannels && shape[1] != 2 * LatentChannels))
            {
                throw new ModelPackException("ModelSignatureMismatch",
                    $"The VAE encoder '{Model.Name}' returned a [{string.Join(", ", shape)}] latent for a {width}x{height} image; expected [1, {LatentChannels} or {2 * LatentChannels}, {latentHeight}, {latentWidth}].");
            }

            return shape[1] == LatentChannels ? latent : Sample(latent, size, noise);
        }
        finally
        {
            foreach (OrtValue value in values)
            {
                value.Dispose();
            }
        }
    }

    /// <summary>diffusers' DiagonalGaussianDistribution.sample: mean + std · ε, the log-variance clamped to [-30, 20].</summary>
    private static float[] Sample(float[] parameters, int size, GaussianNoise noise)
    {
        float[] epsilon = noise.NextGaussians(size);
        var sample = new float[size];
        for (int i = 0; i < size; i++)
        {
            double logVariance = Math.Clamp((double)parameters[size + i], -30.0, 20.0);
            sample[i] = (float)(parameters[i] + Math.Exp(0.5 * logVariance) * epsilon[i]);
        }

        return sample;
    }
}
