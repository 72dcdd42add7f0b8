using System.Net;
using System.Net.Http.Headers;

namespace TextSketch.Core.Models.Install;

/// <summary>
/// Fetches one URI into a partial file, resuming from the bytes already there (HTTP Range request). HTTP(S) and
/// file URIs. Synchronous on purpose: progress callbacks then run on the caller's thread (a cmdlet's pipeline
/// thread, where Write-Progress must be called).
/// </summary>
internal sealed class FileFetcher : IDisposable
{
    private const int BufferSize = 256 * 1024;
    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;

    public FileFetcher(TimeSpan timeout)
    {
        _timeout = timeout;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = timeout,
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 10,
        };
        // Timeouts are ours (per read), so a slow but moving multi-GB download is never cut off.
        _http = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("TextSketch", "0.1"));
    }

    /// <summary>Appends to <paramref name="partPath"/> until the source ends (or <paramref name="expectedSize"/> is
    /// passed, which is an error). <paramref name="onBytes"/> gets the partial file's length after each write and the
    /// whole file's length when the source tells it (Content-Length), else null.</summary>
    public void Fetch(Uri source, string partPath, long? expectedSize, Action<long, long?> onBytes, CancellationToken cancellationToken)
    {
        long existing = File.Exists(partPath) ? new FileInfo(partPath).Length : 0;
        if (expectedSize is long size && existing > size)
        {
            File.Delete(partPath);
            existing = 0;
        }

        if (expectedSize is long complete && existing == complete && existing > 0)
        {
            onBytes(existing, complete);
            return;
        }

        if (source.IsFile)
        {
            FetchFile(source, partPath, existing, expectedSize, onBytes, cancellationToken);
        }
        else if (source.Scheme is "http" or "https")
        {
            FetchHttp(source, partPath, existing, expectedSize, onBytes, cancellationToken);
        }
        else
        {
            throw new ModelDownloadException("ModelSourceUnsupported", $"'{source}' uses the scheme '{source.Scheme}'; only http, https and file sources are supported.");
        }
    }

    /// <summary>A small text resource (a manifest), at most <paramref name="maxBytes"/>.</summary>
    public string FetchText(Uri source, int maxBytes, CancellationToken cancellationToken)
    {
        if (source.IsFile)
        {
            var info = new FileInfo(source.LocalPath);
            if (!info.Exists)
            {
                throw new ModelDownloadException("ModelDownloadNotFound", $"The file '{source.LocalPath}' does not exist.");
            }

            return info.Length > maxBytes
                ? throw new ModelDownloadException("ModelDownloadFailed", $"'{source.LocalPath}' is larger than {maxBytes} bytes; it is not a manifest.")
                : File.ReadAllText(info.FullName);
        }

        string temp = Path.GetTempFileName();
        try
        {
            File.Delete(temp);
            Fetch(source, temp, null, (length, _) =>
            {
                if (length > maxBytes)
                {
                    throw new ModelDownloadException("ModelDownloadFailed", $"'{source}' is larger than {maxBytes} bytes; it is not a manifest.");
                }
            }, cancellationToken);
            return File.ReadAllText(temp);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public void Dispose() => _http.Dispose();

    private void FetchHttp(Uri source, string partPath, long existing, long? expectedSize, Action<long, long?> onBytes, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, source);
        if (existing > 0)
        {
            request.Headers.Range = new RangeHeaderValue(existing, null);
        }

        HttpResponseMessage response;
        using (CancellationTokenSource headers = Deadline(cancellationToken))
        {
            try
            {
                response = _http.Send(request, HttpCompletionOption.ResponseHeadersRead, headers.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ModelDownloadException("ModelDownloadTimeout", $"'{source}' did not answer within {_timeout.TotalSeconds:0.#} s.");
            }
            catch (HttpRequestException e)
            {
                throw new ModelDownloadException("ModelDownloadFailed", $"Cannot reach '{source}': {e.Message}", e);
            }
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && existing > 0)
            {
                // The partial file is not a prefix the server knows (e.g. the file changed): start again.
                File.Delete(partPath);
                response.Dispose();
                FetchHttp(source, partPath, 0, expectedSize, onBytes, cancellationToken);
                return;
            }

            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new ModelDownloadException("ModelDownloadNotFound", $"'{source}' was not found (HTTP 404).");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new ModelDownloadException("ModelDownloadFailed", $"'{source}' answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");
            }

            bool append = false;
            if (existing > 0 && response.StatusCode == HttpStatusCode.PartialContent)
            {
                ContentRangeHeaderValue? range = response.Content.Headers.ContentRange;
                append = range?.From == existing;
                if (!append)
                {
                    throw new ModelDownloadException("ModelDownloadFailed", $"'{source}' answered the resume request for bytes {existing}- with the range '{range}'.");
                }
            }

            // 200 to a Range request means the server ignores ranges: the whole file comes again.
            long position = append ? existing : 0;
            long? total = response.Content.Headers.ContentLength is long rest ? position + rest : expectedSize;
            using Stream body = response.Content.ReadAsStream(cancellationToken);
            using FileStream target = OpenPart(partPath, append);
            Copy(source, body, target, position, expectedSize, length => onBytes(length, total), cancellationToken);
        }
    }

    private void FetchFile(Uri source, string partPath, long existing, long? expectedSize, Action<long, long?> onBytes, CancellationToken cancellationToken)
    {
        string path = source.LocalPath;
        if (!File.Exists(path))
        {
            throw new ModelDownloadException("ModelDownloadNotFound", $"The file '{path}' does not exist.");
        }

        using var body = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize);
        bool append = existing > 0 && existing <= body.Length;
        if (append)
        {
            body.Position = existing;
        }

        using FileStream target = OpenPart(partPath, append);
        long total = body.Length;
        Copy(source, body, target, append ? existing : 0, expectedSize, length => onBytes(length, total), cancellationToken);
    }

    private static FileStream OpenPart(string partPath, bool append)
    {
        try
        {
            return new FileStream(partPath, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, BufferSize);
        }
        catch (IOException e) when (DiskSpace.IsDiskFull(e))
        {
            throw DiskSpace.Full(partPath, e);
        }
    }

    private void Copy(Uri source, Stream body, FileStream target, long position, long? expectedSize, Action<long> onBytes, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[BufferSize];
        while (true)
        {
            int read;
            using (CancellationTokenSource deadline = Deadline(cancellationToken))
            {
                try
                {
                    read = body.ReadAsync(buffer.AsMemory(), deadline.Token).AsTask().GetAwaiter().GetResult();
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new ModelDownloadException("ModelDownloadTimeout",
                        $"No data came from '{source}' for {_timeout.TotalSeconds:0.#} s after {position:N0} bytes; run the install again to resume.");
                }
                catch (Exception e) when (e is IOException or HttpRequestException)
                {
                    throw new ModelDownloadException("ModelDownloadInterrupted",
                        $"The download of '{source}' broke off after {position:N0} bytes ({e.Message}); run the install again to resume.", e);
                }
            }

            if (read == 0)
            {
                break;
            }

            if (expectedSize is long size && position + read > size)
            {
                throw new ModelDownloadException("ModelFileSizeMismatch",
                    $"'{source}' is larger than the {size:N0} bytes the manifest lists; the download was discarded.");
            }

            try
            {
                target.Write(buffer, 0, read);
            }
            catch (IOException e) when (DiskSpace.IsDiskFull(e))
            {
                throw DiskSpace.Full(target.Name, e);
            }

            position += read;
            onBytes(position);
        }

        target.Flush(flushToDisk: true);
    }

    private CancellationTokenSource Deadline(CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(_timeout);
        return source;
    }
}

/// <summary>Recognising and reporting a full disk.</summary>
internal static class DiskSpace
{
    // ENOSPC (28) on Unix; ERROR_DISK_FULL (112) and ERROR_HANDLE_DISK_FULL (39) on Windows.
    public static bool IsDiskFull(IOException e)
    {
        int code = e.HResult & 0xFFFF;
        return code is 28 or 112 or 39 || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);
    }

    public static ModelDownloadException Full(string path, Exception? inner = null) =>
        new("ModelDiskFull", $"The disk holding '{path}' is full; free some space and run the install again (finished files are kept and the download resumes).", inner);

    /// <summary>Bytes free where <paramref name="directory"/> lives, or null when the platform cannot tell.</summary>
    public static long? Available(string directory)
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
