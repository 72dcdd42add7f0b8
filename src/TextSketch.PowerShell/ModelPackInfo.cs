using TextSketch.Core.Models.Install;

namespace TextSketch;

/// <summary>What a model pack is for (the PowerShell-facing copy of the codec's ModelPackKind; a different name so
/// cmdlet code that uses the codec's enum is not shadowed).</summary>
public enum ModelKind
{
    Diffusion,
    Sketch,
    Captioner,
    Clip,
    Runtime,
}

/// <summary>A model pack as Get-TextSketchModel and Install-TextSketchModel report it.</summary>
public sealed class ModelPackInfo
{
    internal ModelPackInfo(PackStatus status)
    {
        Name = status.Name;
        Kind = Infrastructure.EnumMap.FromCore(status.Kind);
        Installed = status.Installed;
        SizeBytes = status.SizeBytes;
        Path = status.Path;
        Description = status.Description;
        License = status.Manifest.License;
        Files = status.Manifest.Files.Select(f => f.Path).ToArray();
    }

    public string Name { get; }

    public ModelKind Kind { get; }

    /// <summary>Whether the pack's manifest.json and every listed file are in the model root.</summary>
    public bool Installed { get; }

    /// <summary>Bytes on disk when installed, else what its files for this machine will take once installed, when the
    /// manifest knows their sizes (Install-TextSketchModel -WhatIf gives the download size).</summary>
    public long? SizeBytes { get; }

    /// <summary>The table's Size column: <see cref="SizeBytes"/> (shown in KiB, MiB or GiB; sorts as a number).</summary>
    public long? Size => SizeBytes;

    /// <summary>The pack folder (&lt;model root&gt;/&lt;name&gt;), whether or not it exists yet.</summary>
    public string Path { get; }

    public string? Description { get; }

    /// <summary>The weights' licence and their authors' conditions, when the manifest states them.</summary>
    public string? License { get; }

    /// <summary>The pack's files, relative to <see cref="Path"/>.</summary>
    public string[] Files { get; }

    public override string ToString() => Name;
}
