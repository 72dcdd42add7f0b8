namespace TextSketch.Core.Models.Install;

/// <summary>
/// Makes a pack file from a downloaded one at install time: a manifest file entry with "convert": <see cref="Name"/>
/// and an "archive" download (e.g. "pidinet-checkpoint": the authors' PyTorch checkpoint, converted to the ONNX graph
/// the module runs). Implementations live with the model they make and reach the installer through
/// <see cref="InstallRequest.Conversions"/>, so the installer knows no model.
/// </summary>
public interface IPackConversion
{
    /// <summary>The name manifests give in "convert".</summary>
    string Name { get; }

    /// <summary>Writes the file made from <paramref name="sourcePath"/> (already checked against its manifest size and
    /// sha256) to <paramref name="targetPath"/>. The installer then checks the result like any pack file: against the
    /// size and sha256 the manifest gives it (else pins them) and by <see cref="InstallRequest.ContentCheck"/> (an
    /// ONNX graph loads and has its role's signature), so a pack counts as installed only when it can run. A source
    /// that cannot be converted throws a <see cref="ModelPackException"/> that says why (one clear error for the user).</summary>
    void Convert(string sourcePath, string targetPath, string packName, CancellationToken cancellationToken);
}

/// <summary>Runs a file's conversion for <see cref="PackArchives"/>; what a failed conversion leaves is deleted.</summary>
internal static class PackConversions
{
    public static void Run(ModelFile file, ModelManifest manifest, string sourcePath, string partPath, IReadOnlyList<IPackConversion> conversions, CancellationToken cancellationToken)
    {
        IPackConversion conversion = conversions.FirstOrDefault(c => string.Equals(c.Name, file.Convert, StringComparison.Ordinal))
            ?? throw new ModelPackException("ModelConversionUnknown",
                $"The manifest of '{manifest.Name}' makes '{file.Path}' with the conversion '{file.Convert}', which this installer does not know" +
                (conversions.Count == 0 ? "." : $" (it knows {string.Join(", ", conversions.Select(c => c.Name))})."));
        try
        {
            conversion.Convert(sourcePath, partPath, manifest.Name, cancellationToken);
        }
        catch (Exception e) when (e is ModelPackException or IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            // Its hash matched, but a source that does not convert is of no use to a later run either.
            File.Delete(partPath);
            if (e is not OperationCanceledException)
            {
                File.Delete(sourcePath);
            }

            throw;
        }
    }
}
