using System.Runtime.InteropServices;

namespace Newsletter.Cli.Infrastructure;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM while a campaign is sent in the foreground: the first one cancels <see cref="Token"/> so
/// the run lets the SMTP transactions in flight finish and stops; a second one ends the process at once (the outcomes
/// recorded so far are safe either way: journaled on SQLite, committed on PostgreSQL).
/// </summary>
internal sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;

    public StopSignal()
    {
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>The first signal received, or null.</summary>
    public PosixSignal? Signal { get; private set; }

    /// <summary>How a shell reports a process ended by <see cref="Signal"/>: 130 for SIGINT, 143 for SIGTERM.</summary>
    public int ExitCode => Signal == PosixSignal.SIGTERM ? 143 : 130;

    /// <summary>The reason a campaign stopped by this signal is paused with.</summary>
    public string Reason => Texts.Get(Signal == PosixSignal.SIGTERM ? "cli.stop.sigterm" : "cli.stop.sigint");

    private void Handle(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _received) == 1)
        {
            Signal = context.Signal;
            context.Cancel = true;   // keep the process: the run stops in order
            Console.Error.WriteLine(Texts.Get("cli.stop_signal.stopping_the_messages_being"));
            _stop.Cancel();
            return;
        }
        // The second signal: the default action ends the process now. Nothing recorded is lost; the messages in flight
        // are sent again (same Message-ID) by `campaigns resume`.
        Console.Error.WriteLine(Texts.Get("cli.stop_signal.stopping_at_once"));
        context.Cancel = false;
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
        _stop.Dispose();
    }
}
