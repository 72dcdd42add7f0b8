using System.Text.Json;
using System.Text.Json.Nodes;
using TextSketch.Core.Caption;
using TextSketch.Core.Format;
using TextSketch.Core.Imaging;
using TextSketch.Core.Models;
using TextSketch.Core.Sketch;
using TextSketch.TinyModels.Packs;

using TextSketch.Core.Tests.Support;

namespace TextSketch.Core.Tests.Decoding.Diffusion;

/// <summary>Tiny diffusion packs written into a temporary model root, and records to decode with them.</summary>
internal sealed class TinyPacks : IDisposable
{
    public TinyPacks()
    {
        Root = Path.Combine(Path.GetTempPath(), "ts-tiny-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public static string RepositoryModels
    {
        get
        {
            string? folder = AppContext.BaseDirectory;
            while (folder is not null && !File.Exists(Path.Combine(folder, "models", "sd15-canny.json")))
            {
                folder = Path.GetDirectoryName(folder);
            }

            return Path.Combine(folder ?? throw new DirectoryNotFoundException("The repository's models/ folder was not found."), "models");
        }
    }

    /// <summary>
    /// Writes a pack from the repository's manifest (under <paramref name="installAs"/> when given) and returns it
    /// installed. <paramref name="sampleSize"/> shrinks the model resolution to keep tests fast (null: the real 64,
    /// i.e. 512 px). <paramref name="withoutRole"/> leaves that file out of the pack and its manifest (e.g. a pack
    /// without a VAE encoder).
    /// </summary>
    public InstalledPack Write(string manifestName, Sd15TinyOptions options, string? installAs = null, int? sampleSize = 16, string? withoutRole = null)
    {
        ModelManifest manifest = ModelManifest.Load(Path.Combine(RepositoryModels, manifestName + ".json"));
        if (installAs is not null)
        {
            manifest = manifest with { Name = installAs };
        }

        if (withoutRole is not null)
        {
            manifest = manifest with { Files = manifest.Files.Where(f => f.Role != withoutRole).ToList() };
        }

        if (sampleSize is int size)
        {
            JsonObject settings = JsonNode.Parse(manifest.Settings!.Value.GetRawText())!.AsObject();
            settings["sampleSize"] = size;
            manifest = manifest with { Settings = JsonDocument.Parse(settings.ToJsonString()).RootElement.Clone() };
        }

        string directory = Path.Combine(Root, manifest.Name);
        Directory.CreateDirectory(directory);
        Sd15TinyModels.Write(manifest, directory, options);
        File.WriteAllText(Path.Combine(directory, ModelManifest.InstalledFileName), (manifest with { Files = manifest.Files.Select(f => f with { Size = null }).ToList() }).ToJson());
        return InstalledPack.Require(Root, manifest.Name);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A 96 x 64 record: a rectangle outline and a diagonal as the sketch, a two-colour hint, a caption.</summary>
    public static TskDocument Document(string? caption = "a photo of a cat", bool withSketch = true, int width = 96, int height = 64)
    {
        var bits = new BitPlane(width / 4, height / 4);
        for (int x = 4; x < 20; x++)
        {
            bits[x, 3] = true;
            bits[x, 12] = true;
        }

        for (int y = 3; y <= 12; y++)
        {
            bits[4, y] = true;
            bits[19, y] = true;
            bits[Math.Min(bits.Width - 1, y + 3), y] = true;
        }

        var image = new RgbImage(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image.Set(x, y, (byte)(x < width / 2 ? 200 : 40), 90, (byte)(y < height / 2 ? 60 : 220));
            }
        }

        return new TskDocument
        {
            Width = width,
            Height = height,
            Mode = withSketch ? TextSketchMode.TextSketch : TextSketchMode.Text,
            Caption = caption,
            CaptionSource = caption is null ? CaptionSource.None : CaptionSource.Explicit,
            ColorLayer = TestLayers.Coded(image),
            Sketch = withSketch ? new SketchLayer(bits, 4, 0) : null,
        };
    }
}
