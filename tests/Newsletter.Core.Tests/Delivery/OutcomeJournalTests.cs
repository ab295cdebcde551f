using Microsoft.Extensions.Logging.Abstractions;
using Newsletter.Core.Delivery;
using Newsletter.Testing;

namespace Newsletter.Core.Tests.Delivery;

/// <summary>
/// The outcome journal on real files: with it a hand-over waits for no commit, the outcomes of a run that died come
/// back exactly, a line cut short by the crash is ignored, and the journal of a live run is left alone.
/// </summary>
public sealed class OutcomeJournalTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 9, 30, 15, 123, TimeSpan.FromHours(8));

    [Fact]
    public async Task With_a_journal_a_hand_over_waits_for_no_commit_and_the_journal_goes_once_all_is_committed()
    {
        using var folder = new TempDirectory("journal");
        var writer = new Writer();
        var journal = OutcomeJournal.Create(folder.Path, 5, "host:42:run");
        var recorder = new OutcomeRecorder(_ => Task.FromResult<IOutcomeWriter>(writer), _ => { }, (_, _) => { },
            fullBatch: 4, TimeSpan.FromHours(1), NullLogger.Instance, journal);

        recorder.WaitDurable(recorder.Append(Record(1, OutboxStatus.Sent)));

        Assert.Empty(writer.Batches);   // without a journal the wait would have committed
        Assert.True(new FileInfo(journal.Path).Length > 0);
        // The run is alive: nobody else may recover its journal.
        Assert.Equal(0, await OutcomeJournal.RecoverAsync(folder.Path, 5, (_, _) => Task.CompletedTask, CancellationToken.None));

        await recorder.DisposeAsync();

        Assert.Equal(1, Assert.Single(Assert.Single(writer.Batches)).OutboxId);
        Assert.False(File.Exists(journal.Path));
    }

    [Fact]
    public async Task A_full_journal_is_emptied_only_by_a_commit_of_everything_in_it()
    {
        using var folder = new TempDirectory("journal");
        var writer = new Writer();
        var journal = OutcomeJournal.Create(folder.Path, 5, "host:42:run", limit: 1);
        var recorder = new OutcomeRecorder(_ => Task.FromResult<IOutcomeWriter>(writer), _ => { }, (_, _) => { },
            fullBatch: 4, TimeSpan.FromHours(1), NullLogger.Instance, journal);
        recorder.Append(Record(1, OutboxStatus.Sent));
        recorder.Append(Record(2, OutboxStatus.Sent));
        Assert.True(journal.Full);

        recorder.CommitPendingQuietly();

        Assert.Equal([1L, 2L], Assert.Single(writer.Batches).Select(r => r.OutboxId));
        Assert.Equal(0, journal.Length);
        recorder.WaitDurable(recorder.Append(Record(3, OutboxStatus.Sent)));
        Assert.InRange(journal.Length, 1, 300);   // the third outcome alone
        Assert.Single(writer.Batches);

        await recorder.DisposeAsync();

        Assert.Equal(3, writer.Batches[1].Single().OutboxId);
        Assert.False(File.Exists(journal.Path));
    }

    [Fact]
    public async Task The_journal_of_a_dead_run_is_recorded_once_in_order_and_a_torn_last_line_is_ignored()
    {
        using var folder = new TempDirectory("journal");
        DeliveryRecord[] written =
        [
            Record(1, OutboxStatus.Deferred) with { Reply = "451 4.3.0 稍后再试 \"quoted\"\n", NextAttemptAt = At.AddMinutes(5) },
            Record(2, OutboxStatus.Failed) with { Reply = "550 5.1.1 no such user", MarkSubscriberBounced = true },
            Record(1, OutboxStatus.Sent) with { Reply = null, Attempts = 2 },
        ];
        var journal = OutcomeJournal.Create(folder.Path, 5, "host:42:run");
        foreach (var record in written)
        {
            journal.Write(record);
        }
        journal.Dispose();   // the process died: nothing committed, the lock released
        await File.AppendAllTextAsync(journal.Path, """{"id":3,"subscriber":3,"sta""");
        using (OutcomeJournal.Create(folder.Path, 6, "host:43:run"))
        {
            var recorded = new List<DeliveryRecord>();
            var count = await OutcomeJournal.RecoverAsync(folder.Path, 5, (batch, _) =>
            {
                recorded.AddRange(batch);
                return Task.CompletedTask;
            }, CancellationToken.None);

            Assert.Equal(3, count);
            Assert.Equal(written, recorded);
            Assert.False(File.Exists(journal.Path));
            Assert.Single(Directory.GetFiles(folder.Path));   // campaign 6's journal is not campaign 5's
        }
        Assert.Equal(0, await OutcomeJournal.RecoverAsync(folder.Path, 5, (_, _) => throw new InvalidOperationException("nothing to record"), CancellationToken.None));
    }

    private static DeliveryRecord Record(long id, OutboxStatus status) => new(id, id * 10, status, 1, "250 2.0.0 Ok", At, null, false);

    private sealed class Writer : IOutcomeWriter
    {
        public List<IReadOnlyList<DeliveryRecord>> Batches { get; } = [];

        public Task WriteAsync(IReadOnlyList<DeliveryRecord> records, CancellationToken ct = default)
        {
            Batches.Add([.. records]);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
