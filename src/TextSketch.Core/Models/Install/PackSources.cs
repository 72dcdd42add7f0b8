namespace TextSketch.Core.Models.Install;

/// <summary>Where each file of a pack is fetched from.</summary>
public static class PackSources
{
    /// <summary>
    /// The file's URI: its "uri" (else its path) resolved against the manifest's baseUri, else against the folder
    /// the manifest came from. With a mirror, the same relative URI resolves against the mirror instead (a file
    /// with an absolute URI is looked for at its pack path under the mirror).
    /// </summary>
    public static Uri Resolve(ModelFile file, ModelManifest manifest, Uri? manifestLocation, Uri? mirror)
    {
        string reference = string.IsNullOrWhiteSpace(file.Uri) ? file.Path : file.Uri!;
        bool absolute = Uri.TryCreate(reference, UriKind.Absolute, out Uri? direct) && direct.Scheme is "http" or "https" or "file";
        if (mirror is not null)
        {
            return new Uri(AsFolder(mirror), absolute ? file.Path : reference);
        }

        if (absolute)
        {
            return direct!;
        }

        Uri? baseUri = !string.IsNullOrWhiteSpace(manifest.BaseUri) ? AsFolder(new Uri(manifest.BaseUri!, UriKind.Absolute))
            : manifestLocation is not null ? new Uri(manifestLocation, ".")
            : null;
        return baseUri is null
            ? throw new ModelPackException("ModelManifestInvalid",
                $"The manifest of '{manifest.Name}' gives '{file.Path}' the relative source '{reference}' but no baseUri to resolve it against.")
            : new Uri(baseUri, reference);
    }

    /// <summary>Where <paramref name="file"/>'s bytes come over the wire: its own source, or for a file extracted or
    /// converted from an archive download, that download's (resolved like a file whose path is its relative URI).</summary>
    public static Uri ResolveDownload(ModelFile file, ModelManifest manifest, Uri? manifestLocation, Uri? mirror) =>
        Resolve(file.Archive is null ? file : new ModelFile { Path = file.Archive, Uri = file.Archive }, manifest, manifestLocation, mirror);

    /// <summary>A base URI that relative references resolve inside of (a trailing slash added).</summary>
    public static Uri AsFolder(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    /// <summary>A manifest location given as a path or a URI.</summary>
    public static Uri ToUri(string pathOrUri) =>
        Uri.TryCreate(pathOrUri, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https" or "file"
            ? uri
            : new Uri(Path.GetFullPath(pathOrUri));
}
