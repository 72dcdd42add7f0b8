using System.Text.Json;
using System.Text.Json.Serialization;

namespace TextSketch.Core.Models;

/// <summary>What a model pack is for.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModelPackKind>))]
public enum ModelPackKind
{
    /// <summary>Stable Diffusion + ControlNet decoder (sd15-canny, sd15-hed).</summary>
    Diffusion,

    /// <summary>A learned sketch (edge) model (hed).</summary>
    Sketch,

    /// <summary>An image captioner (florence2-base).</summary>
    Captioner,

    /// <summary>CLIP text + vision encoders (clip-vit-b32).</summary>
    Clip,

    /// <summary>Native libraries the module loads instead of its own (onnxruntime-cuda: ONNX Runtime's CUDA build).</summary>
    Runtime,
}

/// <summary>One file of a pack, at a path relative to the pack folder.</summary>
public sealed record ModelFile
{
    /// <summary>Relative path inside the pack folder, '/'-separated (e.g. "unet/model.onnx").</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>Where to download it; relative URIs resolve against the manifest's <see cref="ModelManifest.BaseUri"/>.</summary>
    [JsonPropertyName("uri")]
    public string? Uri { get; init; }

    [JsonPropertyName("size")]
    public long? Size { get; init; }

    /// <summary>Lower-case hex SHA-256; null when unknown until the first download pins it.</summary>
    [JsonPropertyName("sha256")]
    public string? Sha256 { get; init; }

    /// <summary>Why a size or hash is missing, or where the listed ones come from (for people; not read by the installer).</summary>
    [JsonPropertyName("note")]
    public string? Note { get; init; }

    /// <summary>The runtime identifier (linux-x64, win-x64, ...) the file is for; null: every platform. An install
    /// takes only the files for the machine it runs on.</summary>
    [JsonPropertyName("platform")]
    public string? Platform { get; init; }

    /// <summary>The <see cref="ModelArchive.Uri"/> of the zip archive (e.g. a .nupkg) the file is extracted from,
    /// instead of being downloaded by itself.</summary>
    [JsonPropertyName("archive")]
    public string? Archive { get; init; }

    /// <summary>The file's path inside <see cref="Archive"/>.</summary>
    [JsonPropertyName("entry")]
    public string? Entry { get; init; }

    /// <summary>The install-time conversion that makes this file from its <see cref="Archive"/> download instead of
    /// extracting an entry (e.g. "pidinet-checkpoint": a PyTorch checkpoint converted to ONNX). Size and sha256 are
    /// then the converted file's.</summary>
    [JsonPropertyName("convert")]
    public string? Convert { get; init; }

    /// <summary>What the pipeline uses the file for (e.g. "unet", "text_encoder", "tokenizer_vocab").</summary>
    [JsonPropertyName("role")]
    public string? Role { get; init; }
}

/// <summary>A download that pack files are made from: a zip archive (e.g. a NuGet package) they are extracted from,
/// or a file they are converted from (<see cref="ModelFile.Convert"/>, e.g. a PyTorch checkpoint); downloaded once per
/// install, checked against its size and sha256, and deleted when its files are out.</summary>
public sealed record ModelArchive
{
    /// <summary>Where to download it, resolved like a file's uri (a relative one against baseUri, or a mirror).</summary>
    [JsonPropertyName("uri")]
    public required string Uri { get; init; }

    [JsonPropertyName("size")]
    public long? Size { get; init; }

    [JsonPropertyName("sha256")]
    public string? Sha256 { get; init; }
}

/// <summary>
/// A model pack description: <c>models/&lt;name&gt;.json</c> in the module, and <c>manifest.json</c> inside an
/// installed pack folder (there with every sha256 pinned).
/// </summary>
public sealed record ModelManifest
{
    public const string InstalledFileName = "manifest.json";

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("kind")]
    public required ModelPackKind Kind { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    /// <summary>For people: e.g. why some files carry no size or sha256 ("sha256": null). Not read by the installer.</summary>
    [JsonPropertyName("note")]
    public string? Note { get; init; }

    /// <summary>The licence of the pack's weights and any conditions their authors attach (shown by Get-TextSketchModel).</summary>
    [JsonPropertyName("license")]
    public string? License { get; init; }

    [JsonPropertyName("baseUri")]
    public string? BaseUri { get; init; }

    [JsonPropertyName("files")]
    public required IReadOnlyList<ModelFile> Files { get; init; }

    /// <summary>Archives that files name in their "archive" field.</summary>
    [JsonPropertyName("archives")]
    public IReadOnlyList<ModelArchive>? Archives { get; init; }

    /// <summary>Kind-specific settings (e.g. VAE scale, sample size, prompt template); read by the pipeline that uses the pack.</summary>
    [JsonPropertyName("settings")]
    public JsonElement? Settings { get; init; }

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public long TotalSize => Files.Sum(f => f.Size ?? 0);

    public ModelFile? FileWithRole(string role) => Files.FirstOrDefault(f => string.Equals(f.Role, role, StringComparison.Ordinal));

    public static ModelManifest Parse(string json, string source)
    {
        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new ModelPackException("ModelManifestInvalid", $"The model manifest '{source}' is not valid: {e.Message}", e);
        }

        if (manifest is null || string.IsNullOrWhiteSpace(manifest.Name) || manifest.Files is null || manifest.Files.Count == 0)
        {
            throw new ModelPackException("ModelManifestInvalid", $"The model manifest '{source}' needs a name and at least one file.");
        }

        foreach (ModelFile file in manifest.Files)
        {
            ModelPaths.CheckRelative(file.Path, source);
            if (file.Convert is not null && file.Archive is null)
            {
                throw new ModelPackException("ModelManifestInvalid", $"The model manifest '{source}' converts '{file.Path}' but names no \"archive\" download to convert.");
            }
        }

        return manifest;
    }

    public static ModelManifest Load(string path) => Parse(File.ReadAllText(path), path);

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}
