using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Newsletter.Testing;

/// <summary>What every real server a test starts on loopback needs: a free port, and a wait until it listens.</summary>
public static class LoopbackServer
{
    /// <summary>A port that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Returns once <paramref name="process"/> accepts connections on 127.0.0.1:<paramref name="port"/>; throws with
    /// what it said when it exits first (<paramref name="diagnostics"/> adds e.g. its log file) or misses the deadline.
    /// </summary>
    public static void WaitUntilListening(Process process, int port, string name, TimeSpan within, Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited at start: {process.StandardError.ReadToEnd()} {diagnostics?.Invoke()}");
            }
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }
        throw new InvalidOperationException($"{name} did not listen on 127.0.0.1:{port} within {within.TotalSeconds:0} s");
    }

    /// <summary>Kills <paramref name="process"/> (a server a test started) with its children, waits up to 5 s, and releases it.</summary>
    public static void Stop(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // It ended (or was never started) meanwhile: nothing to stop.
        }
        process.Dispose();
    }
}
