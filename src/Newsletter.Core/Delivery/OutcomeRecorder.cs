using Microsoft.Extensions.Logging;

namespace Newsletter.Core.Delivery;

/// <summary>
/// Group commit of delivery outcomes, done by whoever needs it. Workers append outcomes; a worker that is about to hand
/// over its next message (SMTP's final dot) first needs its previous outcome durable, and commits everything appended
/// so far if nobody is committing already — so the outcomes of all connections go out in one transaction, with no
/// thread in between. Once every connection has an outcome waiting, the worker that appends the last one commits them at
/// once, before anyone has to wait at a hand-over; a timer commits what waits when no worker asks (idle workers, progress).
/// When the writer keeps outcomes (<see cref="IOutcomeWriter.CanKeep"/>) an outcome is safe once kept, so nobody waits
/// at a hand-over: batches of <see cref="KeptBatch"/> are committed on the thread pool, and the kept outcomes are
/// forgotten when the writer says they are <see cref="IOutcomeWriter.KeptFull"/> and every one of them is committed.
/// </summary>
/// <remarks>
/// Thread-safe. The store's writer is async; commits block on it, which is what a worker waiting to hand over does anyway.
/// After a commit fails (with retries) every later wait fails too: nothing more may be handed over. After keeping an
/// outcome fails, the recorder commits before hand-overs again.
/// </remarks>
internal sealed class OutcomeRecorder : IAsyncDisposable
{
    private const int Attempts = 5;
    private const int KeptBatch = 64;

    private readonly Action<IReadOnlyList<DeliveryRecord>> _committed;
    private readonly Action<Exception, IReadOnlyList<DeliveryRecord>> _failed;
    private readonly ILogger _logger;
    private readonly Lock _appending = new();
    // One commit at a time (the writer is not thread-safe). Keeping a database with one writer free of
    // collisions between commits and claims is the store's business.
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly Timer _timer;
    private readonly int _fullBatch;
    private List<DeliveryRecord> _pending = new(64);
    private long _appended;     // sequence number of the last appended outcome (under _appending)
    private long _durable;      // sequence number up to which outcomes are committed
    private long _kept;         // sequence number up to which outcomes are kept by the writer (under _appending)
    private readonly bool _keeping;
    private bool _keepFailed;
    private readonly IOutcomeWriter _writer;
    private Exception? _failure;

    /// <param name="writer">The store's writer (<see cref="IOutbox.OpenOutcomeWriterAsync"/>); the recorder disposes it.</param>
    /// <param name="committed">Called (one commit at a time) with each batch once it is committed.</param>
    /// <param name="failed">Called once, with the batch that could not be committed after retries.</param>
    /// <param name="fullBatch">The number of workers: a batch of that many outcomes is committed without waiting to be asked.</param>
    /// <param name="idleCommit">How long an appended outcome may wait for a worker to ask before the timer commits it.</param>
    public OutcomeRecorder(IOutcomeWriter writer, Action<IReadOnlyList<DeliveryRecord>> committed,
        Action<Exception, IReadOnlyList<DeliveryRecord>> failed, int fullBatch, TimeSpan idleCommit, ILogger logger)
    {
        _writer = writer;
        _keeping = writer.CanKeep;
        _fullBatch = _keeping ? KeptBatch : fullBatch;
        _committed = committed;
        _failed = failed;
        _logger = logger;
        _timer = new Timer(_ => CommitOnTick(), null, idleCommit, idleCommit);
    }

    /// <summary>Queues an outcome; returns its sequence number for <see cref="WaitDurable"/>.</summary>
    public long Append(DeliveryRecord record)
    {
        long sequence;
        bool full;
        lock (_appending)
        {
            _pending.Add(record);
            sequence = ++_appended;
            full = _pending.Count >= _fullBatch;
            if (_keeping && !_keepFailed)
            {
                Keep(record, sequence);
            }
        }
        if (full)
        {
            if (!_keeping)
            {
                TryCommitPending();   // on this worker: the next hand-over would wait for it anyway
            }
            else if (_writing.CurrentCount > 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(_ => TryCommitPending(), null);   // nobody waits for it
            }
        }
        return sequence;
    }

    /// <summary>Commits what is queued unless a commit (or claim) is under way already, which the next wait joins.</summary>
    private void TryCommitPending()
    {
        if (_writing.Wait(0))
        {
            try
            {
                CommitPendingAfterFailureCheck();
            }
            finally
            {
                _writing.Release();
            }
        }
    }

    /// <summary>
    /// Whether outcome <paramref name="sequence"/> would survive a crash now (committed, or kept) and recording
    /// has not failed: then <see cref="WaitDurable"/> would return at once.
    /// </summary>
    public bool IsSafe(long sequence) =>
        Volatile.Read(ref _failure) is null && (Volatile.Read(ref _durable) >= sequence || Volatile.Read(ref _kept) >= sequence);

    /// <summary>Blocks until outcome <paramref name="sequence"/> is safe (see <see cref="IsSafe"/>), committing everything queued if needed.</summary>
    /// <exception cref="InvalidOperationException">The outcomes could not be recorded.</exception>
    public void WaitDurable(long sequence)
    {
        if (IsSafe(sequence))
        {
            return;
        }
        _writing.Wait();
        try
        {
            if (_failure is not null)
            {
                throw new InvalidOperationException("the previous outcome could not be recorded", _failure);
            }
            if (_durable < sequence)
            {
                CommitPending();
            }
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Commits everything queued; a failure has already been reported through the logger and later waits.</summary>
    public void CommitPendingQuietly()
    {
        _writing.Wait();
        try
        {
            CommitPendingAfterFailureCheck();
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>
    /// The timer's commit: skipped while another commit is under way, which commits what is queued anyway. Waiting
    /// instead parked a thread-pool thread per tick (every 50 ms) behind a slow commit — one retrying after PostgreSQL
    /// ended a transaction a frozen process had left open — faster than the pool grows: the pool starved, and with it
    /// the heartbeat that would have told the woken run it had been taken over (the run hung).
    /// </summary>
    private void CommitOnTick()
    {
        if (!_writing.Wait(0))
        {
            return;
        }
        try
        {
            CommitPendingAfterFailureCheck();
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>While writing: commits what is queued unless recording has failed (which the callbacks reported).</summary>
    private void CommitPendingAfterFailureCheck()
    {
        if (_failure is null)
        {
            try
            {
                CommitPending();
            }
            catch (InvalidOperationException)
            {
                // Kept in _failure for the workers.
            }
        }
    }

    private void CommitPending()
    {
        if (_keeping && _writer.KeptFull)
        {
            // Appends wait for this one commit (a few ms, once per few MB kept): then nothing kept is uncommitted, and
            // the writer may forget it.
            lock (_appending)
            {
                Commit(TakePending());
                if (!_keepFailed)
                {
                    _writer.ForgetKept();
                }
            }
            return;
        }
        (List<DeliveryRecord>, long)? batch;
        lock (_appending)
        {
            batch = TakePending();
        }
        Commit(batch);
    }

    /// <summary>Under <see cref="_appending"/>: what is queued, with its last sequence number; null when nothing is.</summary>
    private (List<DeliveryRecord> Records, long UpTo)? TakePending()
    {
        if (_pending.Count == 0)
        {
            return null;
        }
        var batch = (_pending, _appended);
        _pending = new List<DeliveryRecord>(64);
        return batch;
    }

    private void Commit((List<DeliveryRecord> Records, long UpTo)? pending)
    {
        if (pending is not var (batch, upTo))
        {
            return;
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _writer.WriteAsync(batch, CancellationToken.None).GetAwaiter().GetResult();
                break;
            }
            catch (Exception e) when (attempt < Attempts)
            {
                _logger.LogWarning(e, "Recording {Count} outcomes failed (attempt {Attempt}); retrying", batch.Count, attempt);
                Thread.Sleep(TimeSpan.FromMilliseconds(100 * attempt));
            }
            catch (Exception e)
            {
                _failure = e;
                _failed(e, batch);
                throw new InvalidOperationException("the previous outcome could not be recorded", e);
            }
        }
        Volatile.Write(ref _durable, upTo);
        _committed(batch);
    }

    /// <summary>Under <see cref="_appending"/>: has the writer keep the outcome; after a failure, commits take over.</summary>
    private void Keep(DeliveryRecord record, long sequence)
    {
        try
        {
            _writer.Keep(record);
            Volatile.Write(ref _kept, sequence);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _keepFailed = true;
            _logger.LogWarning(e, "Cannot keep delivery outcomes before they are committed; committing every outcome before the next message instead");
        }
    }

    /// <summary>Stops the timer and commits what is left.</summary>
    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync();
        CommitPendingQuietly();
        if (_keeping && _failure is null)
        {
            try
            {
                _writer.ForgetKept();   // everything kept is committed; otherwise the next run recovers it
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Recovering committed outcomes again changes nothing (a sent row stays sent); say why they are left.
                _logger.LogWarning(e, "Cannot forget the kept delivery outcomes; the next run records them again");
            }
        }
        await _writer.DisposeAsync();
        _writing.Dispose();
    }
}
