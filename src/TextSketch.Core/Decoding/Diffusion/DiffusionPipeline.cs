using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TextSketch.Core.Decoding.Diffusion.Schedulers;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Models;
using TextSketch.Core.Onnx;
using TextSketch.Core.Text;

namespace TextSketch.Core.Decoding.Diffusion;

/// <summary>
/// The paper's generative decoder: Stable Diffusion guided by the record's sketch through a ControlNet and by its
/// caption through CLIP, with classifier-free guidance against the paper's negative prompt. With an init image (the
/// record's weight-free reconstruction, see <see cref="DiffusionDecoder"/>) and a strength s below 1 it starts as
/// diffusers' ControlNet img2img pipeline does: the image VAE-encoded (a posterior sample, times the VAE scale),
/// noised to the scheduler's timestep at index steps − floor(steps · s), and only the floor(steps · s) steps from
/// there run. One pipeline opens a pack's sessions once (CUDA when it loads, else the CPU) and decodes any number of
/// records with them; Dispose releases every session. Decoding is deterministic: every random draw (the initial
/// noise, the posterior's ε, LCM's re-noising) comes from our own generator seeded with the request's seed.
/// </summary>
public sealed class DiffusionPipeline : IDisposable
{
    public const string TextEncoderRole = "text_encoder";
    public const string UnetRole = "unet";
    public const string ControlNetRole = "controlnet";
    public const string VaeDecoderRole = "vae_decoder";
    public const string VaeEncoderRole = "vae_encoder";
    public const string VocabularyRole = "tokenizer_vocab";
    public const string MergesRole = "tokenizer_merges";

    private readonly InstalledPack _pack;
    private readonly OnnxSessionFactory _sessions;
    private readonly List<OnnxModel> _models = [];
    private readonly ClipTokenizer _tokenizer;
    private readonly TextEncoderModel _textEncoder;
    private readonly UnetModel _unet;
    private readonly ControlNetModel _controlNet;
    private readonly VaeDecoderModel _vaeDecoder;
    private readonly VaeEncoderModel? _vaeEncoder;
    private readonly NoiseSchedule _schedule;
    private readonly Dictionary<string, float[]> _embeddings = new(StringComparer.Ordinal);

    private DiffusionPipeline(InstalledPack pack, OnnxSessionFactory sessions)
    {
        _pack = pack;
        _sessions = sessions;
        Settings = DiffusionSettings.FromManifest(pack.Manifest);
        _schedule = new NoiseSchedule(Settings.Noise);
        _tokenizer = ClipTokenizer.Load(pack.PathOf(VocabularyRole), pack.PathOf(MergesRole));
        try
        {
            _textEncoder = new TextEncoderModel(Open(TextEncoderRole));
            _unet = new UnetModel(Open(UnetRole));
            _controlNet = new ControlNetModel(Open(ControlNetRole), _unet);
            _vaeDecoder = new VaeDecoderModel(Open(VaeDecoderRole));
            _vaeEncoder = pack.Manifest.FileWithRole(VaeEncoderRole) is null ? null : OpenVaeEncoder();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public DiffusionSettings Settings { get; }

    public string PackName => _pack.Name;

    /// <summary>Whether the pack has a VAE encoder (role vae_encoder), which a start from an init image (strength
    /// below 1) needs; without one every record starts from pure noise.</summary>
    public bool HasVaeEncoder => _vaeEncoder is not null;

    /// <summary>Why starts from an init image are not reproducible with this pack (null: they are, as they should be).</summary>
    public string? VaeEncoderNondeterminism { get; private set; }

    /// <summary>"CUDAExecutionProvider" or "CPUExecutionProvider".</summary>
    public string ProviderName => _sessions.ProviderName;

    /// <summary>Why CUDA was not used although the device was Auto (null when it was, or when the CPU was asked for).</summary>
    public string? FallbackReason => _sessions.FallbackReason;

    /// <summary>Opens a pack: reads its settings and tokenizer, creates its sessions and checks every signature.</summary>
    public static DiffusionPipeline Open(InstalledPack pack, ExecutionDevice device = ExecutionDevice.Auto, int intraOpThreads = 0)
    {
        ArgumentNullException.ThrowIfNull(pack);
        if (pack.Manifest.Kind != ModelPackKind.Diffusion)
        {
            throw new ModelPackException("ModelPackWrongKind", $"The model pack '{pack.Name}' is a {pack.Manifest.Kind} pack, not a diffusion pack.");
        }

        return new DiffusionPipeline(pack, new OnnxSessionFactory(device, intraOpThreads: intraOpThreads));
    }

    /// <summary>
    /// The strength a record decodes with: 1 (pure text + sketch) for a record without a colour layer
    /// (<see cref="TskDocument.HasColorLayer"/>); otherwise <paramref name="requested"/> (-Strength), else the pack's
    /// <see cref="DiffusionSettings.Strength"/> — also 1 when the pack has no VAE encoder, which only an explicit
    /// request below 1 turns into an error (ErrorId VaeEncoderMissing), and when the pack's strength would leave no
    /// step of <paramref name="steps"/> (null: the pack's) to run (an explicit one is then refused by
    /// <see cref="StepsRun"/>).
    /// </summary>
    public double StrengthFor(TskDocument document, double? requested, int? steps = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (requested is double value)
        {
            ValidateStrength(value);
        }

        if (!document.HasColorLayer)
        {
            return 1.0;
        }

        double strength = requested ?? Settings.Strength;
        if (strength < 1 && _vaeEncoder is null)
        {
            if (requested is not null)
            {
                throw new ModelPackException("VaeEncoderMissing",
                    $"The model pack '{_pack.Name}' has no VAE encoder (a file with the role {VaeEncoderRole}), which -Strength below 1 needs to start from the record's colour layer. " +
                    $"Add vae_encoder/model.onnx to the pack's manifest, or decode with -Strength 1 (pure text + sketch).");
            }

            return 1.0;
        }

        // A default the user did not choose never makes a short run fail: with too few steps the whole run is from noise.
        return requested is null && (int)((steps ?? Settings.Steps) * strength) < 1 ? 1.0 : strength;
    }

    /// <summary>How many denoising steps a start at <paramref name="strength"/> runs: floor(steps · strength), as
    /// diffusers' img2img pipelines count them (1 runs them all). Throws when that is no step at all.</summary>
    public static int StepsRun(int steps, double strength)
    {
        ValidateStrength(strength);
        int run = Math.Min((int)(steps * strength), steps);
        if (run < 1)
        {
            // A strength in (0, 1] is valid on its own; that it runs no step with these steps is the user's to change.
            throw new TextSketchException("StrengthTooLow", string.Create(CultureInfo.InvariantCulture,
                $"-Strength {strength} of {steps} steps runs no denoising step (floor({steps} x {strength}) = 0); use a strength of at least {1.0 / steps:0.###} or more steps."));
        }

        return run;
    }

    /// <summary>Decodes one record into an image of its Width x Height.</summary>
    public DiffusionResult Decode(TskDocument document, DiffusionRequest request, Action<DecodeProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(request);
        int steps = request.Steps ?? Settings.Steps;
        SchedulerKind kind = request.Scheduler ?? Settings.Scheduler;
        double guidance = request.GuidanceScale ?? Settings.GuidanceScale;
        double strength = request.Strength ?? (request.InitImage is null ? 1.0 : Settings.Strength);
        if (steps < 1 || steps > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(request), steps, "Steps must be between 1 and 1000.");
        }

        int run = StepsRun(steps, strength);
        if (run < steps && request.InitImage is null)
        {
            throw new ArgumentException($"A start at strength {strength} needs the init image (DiffusionRequest.InitImage).", nameof(request));
        }

        if (run < steps && _vaeEncoder is null)
        {
            throw new ModelPackException("VaeEncoderMissing", $"The model pack '{_pack.Name}' has no VAE encoder (role {VaeEncoderRole}), which a start at strength {strength} needs.");
        }

        var clock = Stopwatch.StartNew();
        var timings = new StageClock();
        (int width, int height) = Settings.ModelResolution(document.Width, document.Height);
        int latentWidth = width / 8, latentHeight = height / 8;
        long[] latentShape = [1, 4, latentHeight, latentWidth];

        // Text: the caption in the paper's template, against its negative prompt (cached: it never changes).
        bool guided = guidance > 1;
        float[] positive = timings.Time(Stage.TextEncoder, () => Embed(Settings.Prompt(document.Caption)));
        float[]? negative = guided ? timings.Time(Stage.TextEncoder, () => Embed(Settings.NegativePrompt)) : null;
        int tokens = _textEncoder.FixedLength ?? Settings.MaxTokens;

        // Condition image: the sketch drawn as the ControlNet saw edges in training; a Text-mode record has none, and
        // the ControlNet's residuals are then scaled to zero (plain text-to-image, the paper's PIC decoder).
        float[] plane = document.Sketch is { } sketch
            ? ControlImage.Render(sketch.Bitmap, width, height, Settings.Control)
            : new float[width * height];
        double conditioning = document.Sketch is null ? 0 : Settings.ConditioningScale;

        IDiffusionScheduler scheduler = Schedulers.Schedulers.Create(kind, _schedule, steps);
        var noise = new GaussianNoise(request.Seed);
        // The initial noise is the first draw either way, so a strength-1 decode is the same as before img2img existed.
        float[] initialNoise = noise.NextGaussians(4 * latentWidth * latentHeight);
        int start = steps - run;
        using var runOptions = new RunOptions();
        using CancellationTokenRegistration stop = cancellationToken.Register(() => runOptions.Terminate = true);
        var denoiser = new Denoiser(this, runOptions, plane, width, height, positive, negative, tokens, conditioning, guidance);
        try
        {
            float[] latents;
            if (start > 0)
            {
                // Img2img: the init image at the model resolution, VAE-encoded (its posterior's ε drawn next from the
                // same generator), scaled, and noised to the first timestep that runs (diffusers' get_timesteps + add_noise).
                float[] init = timings.Time(Stage.VaeEncoder, () => EncodeInit(request.InitImage!, width, height, noise, runOptions));
                latents = scheduler.AddNoise(init, initialNoise, start);
            }
            else
            {
                latents = Array.ConvertAll(initialNoise, v => (float)(v * scheduler.InitNoiseSigma));
            }

            for (int step = start; step < steps; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                float[] input = scheduler.ScaleModelInput(latents, step);
                float[] prediction = denoiser.Predict(input, latentShape, scheduler.Timesteps[step], timings);
                latents = timings.Time(Stage.Scheduler, () => scheduler.Step(prediction, step, latents, noise));
                progress?.Invoke(new DecodeProgress(step - start + 1, run, clock.Elapsed));
            }

            cancellationToken.ThrowIfCancellationRequested();
            RgbImage image = timings.Time(Stage.VaeDecoder, () => DecodeLatents(latents, latentShape, runOptions));
            RgbImage sized = Resampling.Bicubic(image, document.Width, document.Height);
            return new DiffusionResult(sized, timings.ToTimings(run, width, height) with { Strength = strength, StartTimestep = scheduler.Timesteps[start] });
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        finally
        {
            denoiser.Dispose();
        }
    }

    /// <summary>A strength is in (0, 1]: 1 is the pure text + sketch start.</summary>
    public static void ValidateStrength(double strength)
    {
        if (!(strength > 0 && strength <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(strength), strength, "Strength must be in (0, 1]: 1 starts from pure noise (text + sketch only), lower values from the record's colour layer.");
        }
    }

    /// <summary>Releases every model's session (and its device memory).</summary>
    public void Dispose()
    {
        lock (_models)
        {
            foreach (OnnxModel model in _models)
            {
                model.Dispose();
            }

            _models.Clear();
        }
    }

    /// <summary>The pack's model with <paramref name="role"/>; its wrapper checks the signature.</summary>
    private OnnxModel Open(string role) =>
        Track(OnnxModel.Open(_sessions, _pack.PathOf(role), $"{_pack.Name}/{_pack.Manifest.FileWithRole(role)?.Path ?? role}", OnnxSignatureSpec.Any));

    /// <summary>Keeps a model for <see cref="Dispose"/>.</summary>
    private OnnxModel Track(OnnxModel model)
    {
        lock (_models)
        {
            _models.Add(model);
        }

        return model;
    }

    /// <summary>Text encoder output (last_hidden_state) for a prompt, as [tokens x width] floats.</summary>
    private float[] Embed(string prompt)
    {
        if (_embeddings.TryGetValue(prompt, out float[]? cached))
        {
            return cached;
        }

        int length = _textEncoder.FixedLength ?? Settings.MaxTokens;
        int[] ids = _tokenizer.Encode(prompt, length);
        using OrtValue input = OnnxTensors.FromIntegers(_textEncoder.IdsType, Array.ConvertAll(ids, i => (long)i), [1, length]);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = _textEncoder.Model.Run(["input_ids"], [input], ["last_hidden_state"], runOptions);
        float[] hidden = OnnxTensors.ToFloats(outputs[0]);
        if (_embeddings.Count < 64)
        {
            _embeddings[prompt] = hidden;
        }

        return hidden;
    }

    /// <summary>The pack's VAE encoder; an export that samples its posterior with an unseeded random node inside the
    /// graph is loaded with that node made an input (<see cref="PosteriorNoiseInputs"/>), so ε is ours.</summary>
    private VaeEncoderModel OpenVaeEncoder()
    {
        string path = _pack.PathOf(VaeEncoderRole);
        string name = $"{_pack.Name}/{_pack.Manifest.FileWithRole(VaeEncoderRole)?.Path ?? VaeEncoderRole}";
        (byte[] Model, IReadOnlyList<NoiseInput> Inputs)? exposed = File.Exists(path) ? PosteriorNoiseInputs.Expose(File.ReadAllBytes(path)) : null;
        if (exposed is { } rewritten)
        {
            try
            {
                return new VaeEncoderModel(Track(OnnxModel.Open(_sessions, rewritten.Model, name, OnnxSignatureSpec.Any)), rewritten.Inputs);
            }
            catch (ModelPackException e) when (e.ErrorId == "ModelLoadFailed")
            {
                // E.g. weights in an external data file, which a model loaded from memory cannot find: load it as it
                // is, and say that its own random draws make img2img starts differ from run to run.
                VaeEncoderNondeterminism = $"its VAE encoder draws the posterior's noise with ONNX Runtime's unseeded generator, and the rewrite that makes the noise ours did not load ({e.Message})";
            }
        }

        return new VaeEncoderModel(Track(OnnxModel.Open(_sessions, path, name, OnnxSignatureSpec.Any)), []);
    }

    /// <summary>The init image as the img2img start's clean latents: resized to the model resolution, in [-1, 1],
    /// VAE-encoded to a posterior sample, times the VAE scale (0.18215 for SD 1.x).</summary>
    private float[] EncodeInit(RgbImage image, int width, int height, GaussianNoise noise, RunOptions runOptions)
    {
        float[] pixels = ImageTensors.Resize(image, width, height, [0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]);
        float[] latent = _vaeEncoder!.Encode(pixels, width, height, noise, runOptions);
        for (int i = 0; i < latent.Length; i++)
        {
            latent[i] = (float)(latent[i] * Settings.VaeScale);
        }

        return latent;
    }

    private RgbImage DecodeLatents(float[] latents, long[] shape, RunOptions runOptions)
    {
        var scaled = Array.ConvertAll(latents, v => (float)(v / Settings.VaeScale));
        using OrtValue input = OnnxTensors.FromFloats(_vaeDecoder.InputType, scaled, shape);
        using IDisposableReadOnlyCollection<OrtValue> outputs = _vaeDecoder.Model.Run([VaeDecoderModel.Input], [input], [VaeDecoderModel.Output], runOptions);
        float[] pixels = OnnxTensors.ToFloats(outputs[0]);
        long[] outShape = OnnxTensors.Shape(outputs[0]);
        int height = (int)outShape[2], width = (int)outShape[3];
        int plane = width * height;
        var image = new RgbImage(width, height);
        for (int p = 0; p < plane; p++)
        {
            for (int c = 0; c < 3; c++)
            {
                double value = (pixels[c * plane + p] / 2.0 + 0.5) * 255.0;
                image.Pixels[3 * p + c] = (byte)Math.Clamp((int)Math.Round(value, MidpointRounding.ToEven), 0, 255);
            }
        }

        return image;
    }

    /// <summary>Runs ControlNet then UNet for one step, with or without classifier-free guidance.</summary>
    private sealed class Denoiser : IDisposable
    {
        private readonly DiffusionPipeline _owner;
        private readonly RunOptions _runOptions;
        private readonly float[] _plane;
        private readonly int _width;
        private readonly int _height;
        private readonly float[] _positive;
        private readonly float[]? _negative;
        private readonly int _tokens;
        private readonly double _conditioning;
        private readonly double _guidance;
        private readonly bool _batched;
        private readonly List<OrtValue> _zeroResiduals = [];
        private readonly Dictionary<int, OrtValue> _conditions = [];

        public Denoiser(DiffusionPipeline owner, RunOptions runOptions, float[] plane, int width, int height, float[] positive, float[]? negative, int tokens, double conditioning, double guidance)
        {
            _owner = owner;
            _runOptions = runOptions;
            _plane = plane;
            _width = width;
            _height = height;
            _positive = positive;
            _negative = negative;
            _tokens = tokens;
            _conditioning = conditioning;
            _guidance = guidance;
            // Exports with a fixed batch of 1 get the two guidance branches one after the other.
            _batched = negative is not null && owner._unet.FixedBatch is null && owner._controlNet.FixedBatch is null;
        }

        public float[] Predict(float[] latents, long[] latentShape, double timestep, StageClock timings)
        {
            if (_negative is null)
            {
                return Run(latents, latentShape, 1, _positive, timestep, timings);
            }

            int size = latents.Length;
            if (_batched)
            {
                float[] both = Run(Concat(latents, latents), [2, .. latentShape[1..]], 2, Concat(_negative, _positive), timestep, timings);
                return Guide(both.AsSpan(0, size), both.AsSpan(size, size));
            }

            float[] unconditional = Run(latents, latentShape, 1, _negative, timestep, timings);
            float[] conditional = Run(latents, latentShape, 1, _positive, timestep, timings);
            return Guide(unconditional, conditional);
        }

        public void Dispose()
        {
            foreach (OrtValue value in _zeroResiduals)
            {
                value.Dispose();
            }

            _zeroResiduals.Clear();
            foreach (OrtValue value in _conditions.Values)
            {
                value.Dispose();
            }

            _conditions.Clear();
        }

        /// <summary>The condition image tensor for a batch size: the same for every step, so made once.</summary>
        private OrtValue Condition(int batch)
        {
            if (!_conditions.TryGetValue(batch, out OrtValue? value))
            {
                value = OnnxTensors.FromFloats(_owner._controlNet.ConditionType, ControlImage.ToTensor(_plane, batch), [batch, 3, _height, _width]);
                _conditions[batch] = value;
            }

            return value;
        }

        private float[] Guide(ReadOnlySpan<float> unconditional, ReadOnlySpan<float> conditional)
        {
            var result = new float[unconditional.Length];
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = (float)(unconditional[i] + _guidance * (conditional[i] - unconditional[i]));
            }

            return result;
        }

        private float[] Run(float[] latents, long[] shape, int batch, float[] hidden, double timestep, StageClock timings)
        {
            ControlNetModel controlNet = _owner._controlNet;
            UnetModel unet = _owner._unet;
            long[] hiddenShape = [batch, _tokens, hidden.Length / batch / _tokens];
            var disposables = new List<IDisposable>();
            try
            {
                IReadOnlyList<OrtValue> residuals;
                if (_conditioning == 0 && _zeroResiduals.Count > 0)
                {
                    residuals = _zeroResiduals;
                }
                else
                {
                    OrtValue cnSample = Track(OnnxTensors.FromFloats(controlNet.SampleType, latents, shape));
                    OrtValue cnTime = Track(controlNet.Timestep.Create(timestep, batch));
                    OrtValue cnHidden = Track(OnnxTensors.FromFloats(controlNet.HiddenType, hidden, hiddenShape));
                    OrtValue cnCondition = Condition(batch);
                    var names = new List<string> { "sample", "timestep", "encoder_hidden_states", "controlnet_cond" };
                    var values = new List<OrtValue> { cnSample, cnTime, cnHidden, cnCondition };
                    if (controlNet.ScaleInput is { } scaleInput)
                    {
                        names.Add(scaleInput.Name);
                        values.Add(Track(scaleInput.Create(_conditioning, batch)));
                    }

                    IDisposableReadOnlyCollection<OrtValue> outputs = timings.Time(Stage.ControlNet,
                        () => controlNet.Model.Run(names, values, controlNet.ResidualMap.Select(m => m.Output).ToList(), _runOptions));
                    disposables.Add(outputs);
                    residuals = Rescale(outputs, controlNet.ScaleInput is null ? _conditioning : 1.0, disposables);
                    if (_conditioning == 0)
                    {
                        // Text-mode records: zero residuals of the right shapes, kept for every later step.
                        foreach (OrtValue residual in residuals)
                        {
                            _zeroResiduals.Add(Zeros(residual));
                        }

                        residuals = _zeroResiduals;
                    }
                }

                var unetNames = new List<string> { "sample", "timestep", "encoder_hidden_states" };
                var unetValues = new List<OrtValue>
                {
                    Track(OnnxTensors.FromFloats(unet.SampleType, latents, shape)),
                    Track(unet.Timestep.Create(timestep, batch)),
                    Track(OnnxTensors.FromFloats(unet.HiddenType, hidden, hiddenShape)),
                };
                for (int i = 0; i < controlNet.ResidualMap.Count; i++)
                {
                    string input = controlNet.ResidualMap[i].UnetInput;
                    TensorElementType wanted = unet.Model.InputMetadata[input].ElementDataType;
                    OrtValue residual = residuals[i];
                    if (residual.GetTensorTypeAndShape().ElementDataType != wanted)
                    {
                        residual = Track(OnnxTensors.FromFloats(wanted, OnnxTensors.ToFloats(residual), OnnxTensors.Shape(residual)));
                    }

                    unetNames.Add(input);
                    unetValues.Add(residual);
                }

                using IDisposableReadOnlyCollection<OrtValue> prediction = timings.Time(Stage.Unet,
                    () => unet.Model.Run(unetNames, unetValues, [unet.Output], _runOptions));
                return OnnxTensors.ToFloats(prediction[0]);
            }
            finally
            {
                foreach (IDisposable item in disposables)
                {
                    item.Dispose();
                }
            }

            OrtValue Track(OrtValue value)
            {
                disposables.Add(value);
                return value;
            }
        }

        /// <summary>Residuals times the conditioning scale, for exports without a conditioning_scale input.</summary>
        private static IReadOnlyList<OrtValue> Rescale(IReadOnlyList<OrtValue> outputs, double scale, List<IDisposable> disposables)
        {
            if (scale == 1.0)
            {
                return outputs;
            }

            var scaled = new List<OrtValue>(outputs.Count);
            foreach (OrtValue output in outputs)
            {
                float[] data = OnnxTensors.ToFloats(output);
                for (int i = 0; i < data.Length; i++)
                {
                    data[i] = (float)(data[i] * scale);
                }

                OrtValue value = OnnxTensors.FromFloats(output.GetTensorTypeAndShape().ElementDataType, data, OnnxTensors.Shape(output));
                disposables.Add(value);
                scaled.Add(value);
            }

            return scaled;
        }

        private static OrtValue Zeros(OrtValue like)
        {
            long[] shape = OnnxTensors.Shape(like);
            return OnnxTensors.FromFloats(like.GetTensorTypeAndShape().ElementDataType, new float[(int)shape.Aggregate(1L, (a, b) => a * b)], shape);
        }

        private static float[] Concat(float[] a, float[] b)
        {
            var result = new float[a.Length + b.Length];
            a.CopyTo(result, 0);
            b.CopyTo(result, a.Length);
            return result;
        }
    }

    private enum Stage
    {
        TextEncoder,
        VaeEncoder,
        ControlNet,
        Unet,
        Scheduler,
        VaeDecoder,
    }

    /// <summary>Wall time per stage of one decode.</summary>
    private sealed class StageClock
    {
        private readonly TimeSpan[] _totals = new TimeSpan[6];

        public T Time<T>(Stage stage, Func<T> work)
        {
            long start = Stopwatch.GetTimestamp();
            try
            {
                return work();
            }
            finally
            {
                _totals[(int)stage] += Stopwatch.GetElapsedTime(start);
            }
        }

        public DiffusionTimings ToTimings(int steps, int width, int height) => new()
        {
            TextEncoder = _totals[(int)Stage.TextEncoder],
            VaeEncoder = _totals[(int)Stage.VaeEncoder],
            ControlNet = _totals[(int)Stage.ControlNet],
            Unet = _totals[(int)Stage.Unet],
            Scheduler = _totals[(int)Stage.Scheduler],
            VaeDecoder = _totals[(int)Stage.VaeDecoder],
            Steps = steps,
            ModelWidth = width,
            ModelHeight = height,
        };
    }
}
