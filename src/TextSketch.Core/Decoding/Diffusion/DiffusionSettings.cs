using System.Text.Json;
using TextSketch.Core.Decoding.Diffusion.Schedulers;
using TextSketch.Core.Models;

namespace TextSketch.Core.Decoding.Diffusion;

/// <summary>How the ControlNet of a pack was trained to see edges.</summary>
public enum ControlKind
{
    /// <summary>Canny edge maps: thin (1 px at 512) white lines on black, binary.</summary>
    Canny,

    /// <summary>HED soft edge maps: thicker, soft white lines on black.</summary>
    Hed,
}

/// <summary>
/// A diffusion pack's "settings" object (models/sd15-*.json): the model's resolution and latent scale, the
/// paper's prompt defaults and sampling defaults. Every field has the SD 1.5 / paper default when absent.
/// </summary>
public sealed record DiffusionSettings
{
    /// <summary>Latent size of the model's native resolution (64 = 512 px for SD 1.5 and SD 2.1-base).</summary>
    public int SampleSize { get; init; } = 64;

    /// <summary>The VAE's latent scaling factor (0.18215 for SD 1.x/2.x).</summary>
    public double VaeScale { get; init; } = 0.18215;

    /// <summary>The positive prompt; "{caption}" is replaced by the record's caption (the paper: "{caption}, high quality").</summary>
    public string PromptTemplate { get; init; } = "{caption}, high quality";

    /// <summary>The paper's negative prompt.</summary>
    public string NegativePrompt { get; init; } = "disfigured, deformed, low quality, lowres, b&w, blurry, Photoshop, video game, bad art";

    public int Steps { get; init; } = 25;

    public double GuidanceScale { get; init; } = 9.0;

    public SchedulerKind Scheduler { get; init; } = SchedulerKind.UniPC;

    public ControlKind Control { get; init; } = ControlKind.Canny;

    /// <summary>ControlNet conditioning scale (1 = as trained).</summary>
    public double ConditioningScale { get; init; } = 1.0;

    /// <summary>
    /// Img2img strength for records with a colour layer: the start is the record's weight-free reconstruction,
    /// VAE-encoded and noised to the timestep floor(steps · strength) steps before the end. 1 = pure noise (the
    /// paper's text + sketch decoder). The default 0.8 is diffusers' img2img default: 25 UniPC steps start at
    /// t = 799, where SD's schedule keeps sqrt(alpha-bar) = 0.19 of the reconstruction against 0.98 of noise per
    /// latent value — each region's mean colour survives (over an 8 x 8 latent patch, 64 px at 512, the signal is
    /// 1.6 times the noise) while detail and texture are redrawn by the model.
    /// </summary>
    public double Strength { get; init; } = DefaultStrength;

    /// <summary>The default <see cref="Strength"/>.</summary>
    public const double DefaultStrength = 0.8;

    /// <summary>Token count of the text encoder's input (77 for CLIP).</summary>
    public int MaxTokens { get; init; } = 77;

    /// <summary>Element type the export was made in ("float16" or "float32"); informative: the pipeline reads the real types from the models.</summary>
    public string DType { get; init; } = "float32";

    public NoiseScheduleOptions Noise { get; init; } = new();

    /// <summary>Model resolution for an image: short side SampleSize*8 (512), long side by aspect, both multiples of 64, long side at most twice the short.</summary>
    public (int Width, int Height) ModelResolution(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        int shortSide = Math.Max(64, SampleSize * 8 / 64 * 64);
        double aspect = Math.Min(2.0, (double)Math.Max(width, height) / Math.Min(width, height));
        int longSide = Math.Max(shortSide, (int)Math.Round(shortSide * aspect / 64) * 64);
        return width >= height ? (longSide, shortSide) : (shortSide, longSide);
    }

    /// <summary>The prompt for a caption (a missing caption leaves only the template's own words).</summary>
    public string Prompt(string? caption)
    {
        string text = string.IsNullOrWhiteSpace(caption) ? string.Empty : caption.Trim();
        string prompt = PromptTemplate.Replace("{caption}", text, StringComparison.Ordinal).Trim();
        return prompt.TrimStart(',', ' ');
    }

    /// <summary>Settings from a manifest's "settings" object (absent fields keep their defaults).</summary>
    public static DiffusionSettings FromManifest(ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var settings = new DiffusionSettings();
        if (manifest.Settings is not JsonElement json || json.ValueKind != JsonValueKind.Object)
        {
            return settings;
        }

        try
        {
            NoiseScheduleOptions noise = settings.Noise;
            noise = noise with
            {
                TrainTimesteps = Int(json, "trainTimesteps") ?? noise.TrainTimesteps,
                BetaStart = Double(json, "betaStart") ?? noise.BetaStart,
                BetaEnd = Double(json, "betaEnd") ?? noise.BetaEnd,
                BetaSchedule = String(json, "betaSchedule") ?? noise.BetaSchedule,
                StepsOffset = Int(json, "stepsOffset") ?? noise.StepsOffset,
                Prediction = String(json, "predictionType") switch
                {
                    null or "epsilon" => PredictionType.Epsilon,
                    "v_prediction" => PredictionType.VPrediction,
                    string other => throw Invalid(manifest, $"predictionType '{other}' (use epsilon or v_prediction)"),
                },
                Spacing = String(json, "timestepSpacing") switch
                {
                    null => null,
                    "linspace" => TimestepSpacing.Linspace,
                    "leading" => TimestepSpacing.Leading,
                    "trailing" => TimestepSpacing.Trailing,
                    string other => throw Invalid(manifest, $"timestepSpacing '{other}' (use linspace, leading or trailing)"),
                },
                LcmOriginalSteps = Int(json, "lcmOriginalSteps") ?? noise.LcmOriginalSteps,
            };

            return settings with
            {
                SampleSize = Int(json, "sampleSize") ?? settings.SampleSize,
                VaeScale = Double(json, "vaeScale") ?? settings.VaeScale,
                PromptTemplate = String(json, "promptTemplate") ?? settings.PromptTemplate,
                NegativePrompt = String(json, "negativePrompt") ?? settings.NegativePrompt,
                Steps = Int(json, "steps") ?? settings.Steps,
                GuidanceScale = Double(json, "guidanceScale") ?? settings.GuidanceScale,
                Scheduler = String(json, "scheduler") is string s
                    ? Enum.TryParse(s, ignoreCase: true, out SchedulerKind kind) ? kind : throw Invalid(manifest, $"scheduler '{s}' (use UniPC, DDIM, Euler or LCM)")
                    : settings.Scheduler,
                Control = String(json, "controlnet") is string c
                    ? Enum.TryParse(c, ignoreCase: true, out ControlKind control) ? control : throw Invalid(manifest, $"controlnet '{c}' (use canny or hed)")
                    : settings.Control,
                ConditioningScale = Double(json, "conditioningScale") ?? settings.ConditioningScale,
                Strength = Double(json, "strength") is double strength
                    ? strength > 0 && strength <= 1 ? strength : throw Invalid(manifest, $"strength {strength} (use a value in (0, 1]; 1 = pure noise)")
                    : settings.Strength,
                MaxTokens = Int(json, "maxTokens") ?? settings.MaxTokens,
                DType = String(json, "dtype") ?? settings.DType,
                Noise = noise,
            };
        }
        catch (InvalidOperationException e)
        {
            throw Invalid(manifest, e.Message);
        }
    }

    private static ModelPackException Invalid(ModelManifest manifest, string what) =>
        new("ModelManifestInvalid", $"The diffusion settings of the model pack '{manifest.Name}' are not valid: {what}.");

    private static string? String(JsonElement json, string name) =>
        json.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Int(JsonElement json, string name) =>
        json.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    private static double? Double(JsonElement json, string name) =>
        json.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
