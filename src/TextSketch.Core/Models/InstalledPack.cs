namespace TextSketch.Core.Models;

/// <summary>A pack present in the model root: its folder and its pinned manifest.</summary>
public sealed class InstalledPack
{
    private InstalledPack(string directory, ModelManifest manifest)
    {
        Directory = directory;
        Manifest = manifest;
    }

    public string Directory { get; }

    public ModelManifest Manifest { get; }

    public string Name => Manifest.Name;

    /// <summary>The pack installed under <paramref name="root"/>, or null. Installed means its manifest.json is there
    /// and every file it lists exists with the listed size (hashes are checked when the pack is installed).</summary>
    public static InstalledPack? Find(string root, string name)
    {
        string directory = Path.Combine(root, name);
        string manifestPath = Path.Combine(directory, ModelManifest.InstalledFileName);
        if (!File.Exists(manifestPath))
        {
            return null;
        }

        ModelManifest manifest = ModelManifest.Load(manifestPath);
        foreach (ModelFile file in manifest.Files)
        {
            var info = new FileInfo(ModelPaths.FileInPack(directory, file.Path));
            if (!info.Exists || (file.Size is long size && info.Length != size))
            {
                return null;
            }
        }

        return new InstalledPack(directory, manifest);
    }

    /// <summary>The installed pack, or a <see cref="ModelPackException"/> naming the install command.</summary>
    public static InstalledPack Require(string root, string name) =>
        Find(root, name) ?? throw ModelPackException.NotInstalled(name, root);

    /// <summary>Full path of the file with <paramref name="role"/>.</summary>
    public string PathOf(string role)
    {
        ModelFile file = Manifest.FileWithRole(role)
            ?? throw new ModelPackException("ModelPackIncomplete", $"The model pack '{Name}' has no file with the role '{role}'.");
        return ModelPaths.FileInPack(Directory, file.Path);
    }
}
