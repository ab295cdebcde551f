using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Newsletter.Data.Tests.Delivery;

/// <summary>A logger that keeps every entry as text (message, then the exception with its inner ones), for leak checks.</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string Text)> Entries { get; } = new();

    /// <summary>Everything logged, one entry per line group.</summary>
    public string AllText => string.Join("\n", Entries.Select(e => $"{e.Level}: {e.Text}"));

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        // The structured values too: a sink that writes them (JSON console, Seq) must not get the password either.
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
        Entries.Enqueue((logLevel, $"{formatter(state, exception)} [{values}] {exception}"));
    }
}
