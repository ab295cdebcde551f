using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Newsletter.Core.Delivery;
using Newsletter.Testing;

namespace Newsletter.Core.Tests.Delivery;

/// <summary>
/// The sender driven on the in-memory store (<see cref="InMemoryCampaignStore"/>) and a scripted transport: the run's
/// rules without a database or a server. The same sender on SQLite and PostgreSQL with real SMTP servers is tested in
/// Newsletter.Data.Tests.
/// </summary>
public sealed class CampaignSenderTests
{
    private static readonly DeliveryOptions Fast = new() { RetryBaseDelay = TimeSpan.FromMilliseconds(10), BatchSize = 10 };

    private static readonly MessageFactory Messages = new(new SenderOptions { From = "许昌市科学技术情报研究所 <bulletin@xcsti.example.org>" });

    private static List<string> Emails(int count) => [.. Enumerable.Range(0, count).Select(i => $"leader{i:D3}@xuchang.gov.cn")];

    private static CampaignSender Sender(InMemoryCampaignStore store, IMailTransport transport, DeliveryOptions options) =>
        new(store, store, transport, Messages, new Links(), options, TimeProvider.System, NullLogger<CampaignSender>.Instance);

    [Fact]
    public async Task Every_row_is_sent_once_by_as_many_workers_as_the_transport_has_sessions_and_the_campaign_completes()
    {
        var store = new InMemoryCampaignStore(TimeProvider.System);
        var campaign = store.Add(Emails(45));
        var transport = new ScriptedTransport(sessions: 3, _ => null);

        var summary = await Sender(store, transport, Fast).RunAsync(campaign.Id, TimeSpan.Zero, null, CancellationToken.None);

        Assert.Equal(CampaignState.Completed, summary.Campaign.State);
        Assert.Equal(45, Assert.Single(summary.Counts).Sent);
        Assert.Equal(45, transport.Sends.Count);
        Assert.All(transport.Sends.Values, n => Assert.Equal(1, n));
        Assert.Equal(3, transport.SessionsOpened);
        Assert.Empty(await store.ListLeaseOwnersAsync(campaign.Id));
        Assert.Empty(await store.ListSendersAsync(campaign.Id));
    }

    [Fact]
    public async Task A_second_run_of_a_campaign_this_process_is_sending_starts_nothing_and_says_so()
    {
        var store = new InMemoryCampaignStore(TimeProvider.System);
        var campaign = store.Add(Emails(5));
        using var sending = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var transport = new ScriptedTransport(sessions: 1, n =>
        {
            sending.Set();
            Assert.True(release.Wait(TimeSpan.FromSeconds(30)), "the test released the first message");
            return null;
        });
        var sender = Sender(store, transport, Fast);

        var first = Task.Run(() => sender.RunAsync(campaign.Id, TimeSpan.Zero, null, CancellationToken.None));
        Assert.True(sending.Wait(TimeSpan.FromSeconds(30)), "the first run began sending");
        var second = await sender.RunAsync(campaign.Id, TimeSpan.Zero, null, CancellationToken.None);
        release.Set();
        var finished = await first;

        Assert.True(second.AlreadyRunning);
        Assert.Equal(CampaignState.Running, second.Campaign.State);
        Assert.False(finished.AlreadyRunning);
        Assert.Equal(CampaignState.Completed, finished.Campaign.State);
        Assert.Equal(5, transport.Sends.Count);
        Assert.All(transport.Sends.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task Rejections_in_a_row_pause_the_campaign_but_a_success_between_them_starts_the_count_again()
    {
        // One connection, so the order is the outbox's: every third message gets through, two of three are refused.
        var store = new InMemoryCampaignStore(TimeProvider.System);
        var campaign = store.Add(Emails(30));
        var alternating = new ScriptedTransport(sessions: 1, n => n % 3 == 2 ? null : Refused());

        var summary = await Sender(store, alternating, Fast with { PauseAfterConsecutiveErrors = 3 })
            .RunAsync(campaign.Id, TimeSpan.Zero, null, CancellationToken.None);

        Assert.Null(summary.Paused);
        Assert.Equal((10, 20), (summary.Counts.Single().Sent, summary.Counts.Single().Failed));

        // The same refusals three in a row pause it.
        var second = store.Add(Emails(30));
        var refusing = new ScriptedTransport(sessions: 1, n => n < 5 ? null : Refused());
        var paused = await Sender(store, refusing, Fast with { PauseAfterConsecutiveErrors = 3 })
            .RunAsync(second.Id, TimeSpan.Zero, null, CancellationToken.None);

        Assert.Equal(CampaignState.Paused, paused.Campaign.State);
        Assert.StartsWith("3 messages in a row were rejected", paused.Paused, StringComparison.Ordinal);
        Assert.Equal((5, 3), (paused.Counts.Single().Sent, paused.Counts.Single().Failed));
    }

    [Fact]
    public async Task A_run_frozen_past_the_grace_and_taken_over_sends_nothing_more_and_leaves_the_campaign_state_alone()
    {
        var store = new InMemoryCampaignStore(TimeProvider.System);
        var campaign = store.Add(Emails(40));
        var options = Fast with { HeartbeatInterval = TimeSpan.FromMilliseconds(200), FailoverGrace = TimeSpan.FromMilliseconds(500) };
        var outbox = new FreezableOutbox(store);
        var thawed = new ManualResetEventSlim();
        // The first message freezes the whole run — its worker and its heartbeat — as SIGSTOP would.
        var transport = new ScriptedTransport(sessions: 1, n =>
        {
            if (n == 0)
            {
                outbox.Freeze();
                thawed.Wait();
            }
            return null;
        });
        var run = new CampaignSender(store, outbox, transport, Messages, new Links(), options, TimeProvider.System, NullLogger<CampaignSender>.Instance)
            .RunAsync(campaign.Id, TimeSpan.Zero, null, CancellationToken.None);

        // Another node: once the heartbeat is older than the silence limit, it takes the run over.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        IReadOnlyList<TakenOverSender> taken = [];
        while (taken.Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no silent sender within a minute; frozen {outbox.IsFrozen}, sent {transport.Sends.Count}");
            if (outbox.IsFrozen)
            {
                taken = await store.TakeOverSilentSendersAsync(campaign.Id, DateTimeOffset.UtcNow - options.SilenceLimit);
            }
            await Task.Delay(20);
        }
        outbox.Thaw();
        thawed.Set();
        var summary = await run.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.True(Assert.Single(taken).Released >= 10, "the rows it held were released");
        Assert.Equal(CampaignState.Running, summary.Campaign.State);   // not completed, not paused: the other node's now
        Assert.Single(transport.Sends);                                 // the message under way at the freeze, no other
        Assert.Equal((1, 39), (summary.Counts.Single().Sent, summary.Counts.Single().Pending));
    }

    private static DeliveryException Refused() => new(DeliveryFailureKind.MessageRejected, "554 5.7.1 message refused", 554);

    private sealed class Links : IRecipientLinks
    {
        public string UnsubscribeUrl(long subscriberId, long campaignId) => $"https://bulletin.example.org/u/{subscriberId}";

        public string ViewUrl(long subscriberId, long campaignId) => $"https://bulletin.example.org/v/{subscriberId}";
    }

    /// <summary>A transport whose n-th send (over all sessions, from 0) is accepted (null) or fails with the exception the script gives.</summary>
    private sealed class ScriptedTransport(int sessions, Func<int, DeliveryException?> script) : IMailTransport
    {
        private int _sends;
        private int _opened;

        public ConcurrentDictionary<string, int> Sends { get; } = new();

        public int SessionsOpened => Volatile.Read(ref _opened);

        public string Description => "scripted";

        public int MaxSessions => sessions;

        private DeliveryException? Next() => script(Interlocked.Increment(ref _sends) - 1);

        public IMailSession OpenSession(string batchName, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _opened);
            return new Session(this);
        }

        private sealed class Session(ScriptedTransport transport) : IMailSession
        {
            public string Send(OutgoingMessage message, string fileName, Action? handOver)
            {
                if (transport.Next() is { } failure)
                {
                    throw failure;
                }
                handOver?.Invoke();
                transport.Sends.AddOrUpdate(fileName, 1, (_, count) => count + 1);
                return "250 2.0.0 queued";
            }

            public void Dispose()
            {
            }
        }
    }

    /// <summary>The store's outbox, whose heartbeat and lease renewal can be frozen (they wait) and thawed.</summary>
    private sealed class FreezableOutbox(InMemoryCampaignStore store) : IOutbox
    {
        private readonly ManualResetEventSlim _running = new(initialState: true);

        public bool IsFrozen => !_running.IsSet;

        public void Freeze() => _running.Reset();

        public void Thaw() => _running.Set();

        public bool KeepsOutcomesBeforeCommit => false;

        public Task<int> RecoverOutcomesAsync(long campaignId, CancellationToken ct = default) => store.RecoverOutcomesAsync(campaignId, ct);

        public async Task<bool> HeartbeatAsync(string owner, DateTimeOffset now, CancellationToken ct = default)
        {
            await Task.Run(() => _running.Wait(ct), ct);
            return await store.HeartbeatAsync(owner, now, ct);
        }

        public async Task RenewAsync(string owner, DateTimeOffset leaseUntil, CancellationToken ct = default)
        {
            await Task.Run(() => _running.Wait(ct), ct);
            await store.RenewAsync(owner, leaseUntil, ct);
        }

        public Task<IReadOnlyList<OutboxEntry>> ClaimAsync(long campaignId, string owner, int count, DateTimeOffset now,
            DateTimeOffset leaseUntil, CancellationToken ct = default) =>
            store.ClaimAsync(campaignId, owner, count, now, leaseUntil, ct);

        public Task RecordAsync(IReadOnlyList<DeliveryRecord> records, CancellationToken ct = default) => store.RecordAsync(records, ct);

        public Task<IOutcomeWriter> OpenOutcomeWriterAsync(long campaignId, string owner, CancellationToken ct = default) =>
            store.OpenOutcomeWriterAsync(campaignId, owner, ct);

        public Task<IReadOnlyList<string>> ListLeaseOwnersAsync(long campaignId, CancellationToken ct = default) => store.ListLeaseOwnersAsync(campaignId, ct);

        public Task ReleaseAsync(string owner, CancellationToken ct = default) => store.ReleaseAsync(owner, ct);

        public Task RegisterSenderAsync(string owner, string node, long campaignId, DateTimeOffset now, CancellationToken ct = default) =>
            store.RegisterSenderAsync(owner, node, campaignId, now, ct);

        public Task<IReadOnlyList<TakenOverSender>> TakeOverSilentSendersAsync(long? campaignId, DateTimeOffset silentSince, CancellationToken ct = default) =>
            store.TakeOverSilentSendersAsync(campaignId, silentSince, ct);

        public Task<DateTimeOffset?> NextDeferredAsync(long campaignId, CancellationToken ct = default) => store.NextDeferredAsync(campaignId, ct);
    }
}
