using System.Text.Json;

namespace TextSketch.Core.Models;

/// <summary>Typed reads of a manifest's "settings" object, with the defaults the code uses when a key is absent.</summary>
public sealed class PackSettings
{
    private readonly JsonElement? _settings;
    private readonly string _pack;

    public PackSettings(ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        _settings = manifest.Settings is { ValueKind: JsonValueKind.Object } s ? s : null;
        _pack = manifest.Name;
    }

    public int Int(string key, int fallback) => Get(key) is { } e ? Read(key, () => e.GetInt32()) : fallback;

    public double Double(string key, double fallback) => Get(key) is { } e ? Read(key, () => e.GetDouble()) : fallback;

    public string String(string key, string fallback) => Get(key) is { ValueKind: JsonValueKind.String } e ? e.GetString()! : fallback;

    public float[] Floats(string key, float[] fallback) => Get(key) is { ValueKind: JsonValueKind.Array } e
        ? Read(key, () => e.EnumerateArray().Select(v => v.GetSingle()).ToArray())
        : fallback;

    private JsonElement? Get(string key) =>
        _settings is { } s && s.TryGetProperty(key, out JsonElement value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private T Read<T>(string key, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw new ModelPackException("ModelManifestInvalid", $"The setting '{key}' of the pack '{_pack}' has the wrong type: {e.Message}", e);
        }
    }
}
