using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TextSketch.Core.Tests.Support;

/// <summary>
/// A small HTTP/1.1 server on 127.0.0.1 (a port the OS picks) for download tests: serves byte arrays by path,
/// honours Range requests, and can be told to cut a response short, stall, ignore ranges or answer 404.
/// Every request line and Range header is recorded. One response per connection.
/// </summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _cutAfter = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _cutTimes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _stall = new(StringComparer.Ordinal);
    private readonly Task _loop;

    public LoopbackHttpServer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        BaseUri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(AcceptLoop);
    }

    public Uri BaseUri { get; }

    /// <summary>(path, Range header or null) of every request, in arrival order.</summary>
    public ConcurrentQueue<(string Path, string? Range)> Requests { get; } = new();

    public void Serve(string path, byte[] content) => _files[path] = content;

    /// <summary>The next <paramref name="times"/> responses for <paramref name="path"/> stop after <paramref name="bytes"/> body bytes.</summary>
    public void CutAfter(string path, int bytes, int times = 1)
    {
        _cutAfter[path] = bytes;
        _cutTimes[path] = times;
    }

    /// <summary>Requests for <paramref name="path"/> get no answer at all.</summary>
    public void Stall(string path) => _stall[path] = true;

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => Handle(client));
        }
    }

    private async Task Handle(TcpClient client)
    {
        using (client)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                string head = await ReadHead(stream);
                string[] lines = head.Split("\r\n");
                string[] requestLine = lines[0].Split(' ');
                string path = Uri.UnescapeDataString(requestLine[1].TrimStart('/'));
                string? range = lines.Skip(1).FirstOrDefault(l => l.StartsWith("Range:", StringComparison.OrdinalIgnoreCase))?[6..].Trim();
                Requests.Enqueue((path, range));

                if (_stall.ContainsKey(path))
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                    return;
                }

                if (!_files.TryGetValue(path, out byte[]? content))
                {
                    await Write(stream, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", ReadOnlyMemory<byte>.Empty);
                    return;
                }

                int from = 0;
                string status = "200 OK";
                string extra = string.Empty;
                if (range is not null && range.StartsWith("bytes=", StringComparison.Ordinal))
                {
                    from = int.Parse(range[6..].Split('-')[0]);
                    if (from >= content.Length)
                    {
                        await Write(stream, $"HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{content.Length}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", ReadOnlyMemory<byte>.Empty);
                        return;
                    }

                    status = "206 Partial Content";
                    extra = $"Content-Range: bytes {from}-{content.Length - 1}/{content.Length}\r\n";
                }

                byte[] body = content[from..];
                int send = body.Length;
                if (_cutTimes.TryGetValue(path, out int times) && times > 0)
                {
                    _cutTimes[path] = times - 1;
                    send = Math.Min(send, _cutAfter[path]);
                }

                // Content-Length always promises the whole rest, so a cut is a broken connection to the client.
                await Write(stream, $"HTTP/1.1 {status}\r\nContent-Length: {body.Length}\r\nAccept-Ranges: bytes\r\n{extra}Connection: close\r\n\r\n", body.AsMemory(0, send));
                if (send < body.Length)
                {
                    client.Client.LingerState = new LingerOption(true, 0);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    private static async Task<string> ReadHead(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (!(bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n'))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                break;
            }

            bytes.Add(one[0]);
        }

        return Encoding.ASCII.GetString(bytes.ToArray());
    }

    private static async Task Write(NetworkStream stream, string head, ReadOnlyMemory<byte> body)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(body);
        await stream.FlushAsync();
    }
}
