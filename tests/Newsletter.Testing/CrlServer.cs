using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Newsletter.Testing;

/// <summary>
/// A minimal HTTP server on loopback that answers every GET with one CRL (<c>application/pkix-crl</c>), so a
/// certificate issued by a <see cref="TestCertificateAuthority"/> can be checked for revocation the way clients do.
/// </summary>
public sealed class CrlServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requests;

    public CrlServer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/test-ca.crl";
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The CRL's address, for <see cref="TestCertificateAuthority.IssueServerCertificate"/>.</summary>
    public string Url { get; }

    /// <summary>The DER CRL served; none (404) until set.</summary>
    public byte[]? Crl { get; set; }

    /// <summary>Requests answered so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            try
            {
                var stream = client.GetStream();
                var request = new StringBuilder();
                var buffer = new byte[4096];
                while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        break;
                    }
                    request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }
                var crl = Crl;
                var head = crl is null
                    ? "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    : $"HTTP/1.1 200 OK\r\nContent-Type: application/pkix-crl\r\nContent-Length: {crl.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                if (crl is not null)
                {
                    await stream.WriteAsync(crl, _stop.Token);
                }
                Interlocked.Increment(ref _requests);
            }
            catch (IOException)
            {
                // The client went away.
            }
        }
    }
}
