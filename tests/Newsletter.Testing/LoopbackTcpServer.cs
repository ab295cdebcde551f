using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Newsletter.Testing;

/// <summary>
/// What the SMTP servers written for the tests share: a listener on a free loopback port, each connection served on its
/// own task, and on dispose the listener stopped and the open sessions given 5 s to end. A subclass calls
/// <see cref="Start"/> at the end of its constructor, once what <see cref="ServeAsync"/> reads is set.
/// </summary>
public abstract class LoopbackTcpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _sessions = [];
    private Task _acceptLoop = Task.CompletedTask;
    private int _connectionCount;

    protected LoopbackTcpServer(int backlog)
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(backlog);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connectionCount);

    /// <summary>Cancelled when the server is disposed: a session stops at its next read or write.</summary>
    protected CancellationToken Stopping => _stop.Token;

    /// <summary>Starts accepting connections.</summary>
    protected void Start() => _acceptLoop = Task.Run(AcceptLoopAsync);

    /// <summary>Serves one accepted connection (numbered from 1) until it ends; owns <paramref name="client"/>.</summary>
    protected abstract Task ServeAsync(TcpClient client, int connection);

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        await Task.WhenAll(_sessions.ToArray()).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var number = Interlocked.Increment(ref _connectionCount);
            _sessions.Add(Task.Run(() => ServeAsync(client, number)));
        }
    }
}
