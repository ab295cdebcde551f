using Microsoft.Extensions.Logging.Abstractions;
using Newsletter.Core.Delivery;

namespace Newsletter.Core.Tests.Delivery;

/// <summary>
/// The group commit behind the hand-over gate: a wait commits what is queued, a full batch commits without a wait, and
/// once recording fails nothing more may be handed over. The writer is a fake: a store that fails on demand.
/// </summary>
public sealed class OutcomeRecorderTests
{
    private static DeliveryRecord Record(long id) =>
        new(id, id, OutboxStatus.Sent, 1, "250 ok", DateTimeOffset.UnixEpoch, null, false);

    [Fact]
    public async Task A_wait_commits_everything_queued_in_one_batch()
    {
        var writer = new Writer();
        var committed = new List<IReadOnlyList<DeliveryRecord>>();
        await using var recorder = new OutcomeRecorder(writer, committed.Add, (_, _) => { },
            fullBatch: 4, TimeSpan.FromHours(1), NullLogger.Instance);

        var first = recorder.Append(Record(1));
        var second = recorder.Append(Record(2));
        Assert.Empty(writer.Batches);

        recorder.WaitDurable(first);
        recorder.WaitDurable(second);   // already durable: no second commit

        Assert.Equal([1L, 2L], Assert.Single(writer.Batches).Select(r => r.OutboxId));
        Assert.Single(committed);
    }

    [Fact]
    public async Task A_full_batch_is_committed_by_the_append_that_fills_it()
    {
        var writer = new Writer();
        await using var recorder = new OutcomeRecorder(writer, _ => { }, (_, _) => { },
            fullBatch: 3, TimeSpan.FromHours(1), NullLogger.Instance);

        recorder.Append(Record(1));
        recorder.Append(Record(2));
        Assert.Empty(writer.Batches);
        recorder.Append(Record(3));

        Assert.Equal(3, Assert.Single(writer.Batches).Count);
    }

    [Fact]
    public async Task After_a_failed_commit_every_wait_fails_and_the_failure_is_reported_once()
    {
        var writer = new Writer { Fail = true };
        var failures = 0;
        await using var recorder = new OutcomeRecorder(writer, _ => { }, (_, _) => failures++,
            fullBatch: 4, TimeSpan.FromHours(1), NullLogger.Instance);

        var first = recorder.Append(Record(1));
        Assert.Throws<InvalidOperationException>(() => recorder.WaitDurable(first));
        var second = recorder.Append(Record(2));
        Assert.Throws<InvalidOperationException>(() => recorder.WaitDurable(second));

        Assert.Equal(1, failures);
        Assert.Equal(5, writer.Attempts);   // retried, then given up
    }

    [Fact]
    public async Task Disposing_commits_what_no_wait_asked_for()
    {
        var writer = new Writer();
        var recorder = new OutcomeRecorder(writer, _ => { }, (_, _) => { },
            fullBatch: 4, TimeSpan.FromHours(1), NullLogger.Instance);
        recorder.Append(Record(7));

        await recorder.DisposeAsync();

        Assert.Equal(7, Assert.Single(Assert.Single(writer.Batches)).OutboxId);
        Assert.True(writer.Disposed);
    }

    [Fact]
    public async Task With_a_writer_that_keeps_outcomes_a_hand_over_waits_for_no_commit_and_all_is_forgotten_once_committed()
    {
        var writer = new Writer { Keeps = true };
        var recorder = new OutcomeRecorder(writer, _ => { }, (_, _) => { }, fullBatch: 4, TimeSpan.FromHours(1), NullLogger.Instance);

        recorder.WaitDurable(recorder.Append(Record(1)));

        Assert.Empty(writer.Batches);   // without keeping, the wait would have committed
        Assert.Equal([1L], writer.Kept.Select(r => r.OutboxId));

        await recorder.DisposeAsync();

        Assert.Equal(1, Assert.Single(Assert.Single(writer.Batches)).OutboxId);
        Assert.Empty(writer.Kept);
    }

    [Fact]
    public async Task Full_kept_outcomes_are_forgotten_only_after_a_commit_of_all_of_them()
    {
        var writer = new Writer { Keeps = true, KeepLimit = 2 };
        var recorder = new OutcomeRecorder(writer, _ => { }, (_, _) => { }, fullBatch: 4, TimeSpan.FromHours(1), NullLogger.Instance);
        recorder.Append(Record(1));
        recorder.Append(Record(2));
        Assert.True(writer.KeptFull);

        recorder.CommitPendingQuietly();

        Assert.Equal([1L, 2L], Assert.Single(writer.Batches).Select(r => r.OutboxId));
        Assert.Empty(writer.Kept);
        recorder.WaitDurable(recorder.Append(Record(3)));
        Assert.Equal([3L], writer.Kept.Select(r => r.OutboxId));
        Assert.Single(writer.Batches);

        await recorder.DisposeAsync();

        Assert.Equal(3, writer.Batches[1].Single().OutboxId);
        Assert.Empty(writer.Kept);
    }

    [Fact]
    public async Task When_keeping_fails_a_hand_over_waits_for_the_commit_again()
    {
        var writer = new Writer { Keeps = true, KeepFails = true };
        await using var recorder = new OutcomeRecorder(writer, _ => { }, (_, _) => { }, fullBatch: 4, TimeSpan.FromHours(1), NullLogger.Instance);

        var first = recorder.Append(Record(1));
        Assert.False(recorder.IsSafe(first));
        recorder.WaitDurable(first);

        Assert.Equal(1, Assert.Single(Assert.Single(writer.Batches)).OutboxId);
    }

    private sealed class Writer : IOutcomeWriter
    {
        public List<IReadOnlyList<DeliveryRecord>> Batches { get; } = [];

        public bool Fail { get; init; }

        public int Attempts { get; private set; }

        public bool Disposed { get; private set; }

        public bool Keeps { get; init; }

        public bool KeepFails { get; init; }

        public int KeepLimit { get; init; } = int.MaxValue;

        public List<DeliveryRecord> Kept { get; } = [];

        public bool CanKeep => Keeps;

        public void Keep(DeliveryRecord record)
        {
            if (KeepFails)
            {
                throw new IOException("disk full");
            }
            Kept.Add(record);
        }

        public bool KeptFull => Kept.Count >= KeepLimit;

        public void ForgetKept() => Kept.Clear();

        public Task WriteAsync(IReadOnlyList<DeliveryRecord> records, CancellationToken ct = default)
        {
            Attempts++;
            if (Fail)
            {
                throw new IOException("disk full");
            }
            Batches.Add([.. records]);
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
