using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;

namespace Newsletter.Testing;

/// <summary>
/// Campaigns and their outbox in memory, with the leasing, fencing and recording rules of the SQL store (Newsletter.Data),
/// so Core's tests can drive a <see cref="CampaignSender"/> without a database. Thread-safe (one lock).
/// </summary>
/// <remarks>
/// Campaigns are added with <see cref="Add"/> (recipients given directly) rather than <see cref="CreateAsync"/>, which
/// needs a subscriber store. Outcomes are committed at once: nothing is kept before a commit.
/// </remarks>
public sealed class InMemoryCampaignStore(TimeProvider time) : ICampaignStore, IOutbox
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, Campaign> _campaigns = [];
    private readonly Dictionary<long, IReadOnlyList<StoredVariant>> _variants = [];
    private readonly List<Row> _rows = [];
    private readonly Dictionary<string, (string Node, long CampaignId, DateTimeOffset Started, DateTimeOffset Heartbeat)> _senders = new(StringComparer.Ordinal);
    private long _nextCampaign = 1, _nextRow = 1, _nextSubscriber = 1;

    /// <summary>One outbox row, as the SQL table holds it.</summary>
    private sealed class Row
    {
        public required OutboxEntry Entry { get; init; }
        public OutboxStatus Status { get; set; } = OutboxStatus.Pending;
        public int Attempts { get; set; }
        public string? Reply { get; set; }
        public DateTimeOffset? NextAttemptAt { get; set; }
        public DateTimeOffset? FirstAttemptAt { get; set; }
        public string? LeaseOwner { get; set; }
        public DateTimeOffset? LeaseUntil { get; set; }
    }

    /// <summary>Adds a running campaign with one variant and one outbox row per address; returns it.</summary>
    public Campaign Add(IReadOnlyList<string> emails, string variant = "municipal", string html = "<p>[[nl:salutation]]</p>", string text = "[[nl:salutation]]")
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            var campaign = new Campaign(_nextCampaign++, "2026-01", "许昌竞争情报快递 2026年第1期", [variant], CampaignState.Running, null, null, now, now, "/tmp/issue.md");
            _campaigns[campaign.Id] = campaign;
            _variants[campaign.Id] = [new StoredVariant(variant, campaign.Title, null, html, text)];
            foreach (var email in emails)
            {
                var subscriber = _nextSubscriber++;
                _rows.Add(new Row
                {
                    Entry = new OutboxEntry(_nextRow++, campaign.Id, subscriber, email, $"王{subscriber}", $"王{subscriber}同志", variant,
                        $"<{Guid.NewGuid():N}@xcsti.example.org>", 0, null, SubscriberActive: true),
                });
            }
            return campaign;
        }
    }

    /// <summary>The outbox rows of a campaign: (row id, status, attempts, lease owner).</summary>
    public IReadOnlyList<(long Id, OutboxStatus Status, int Attempts, string? LeaseOwner)> Rows(long campaignId)
    {
        lock (_lock)
        {
            return [.. _rows.Where(r => r.Entry.CampaignId == campaignId).Select(r => (r.Entry.Id, r.Status, r.Attempts, r.LeaseOwner))];
        }
    }

    public Task<Campaign?> FindAsync(string issueKey, IReadOnlyList<string> segments, AudienceTags tags, CancellationToken ct = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_campaigns.Values.FirstOrDefault(c => c.IssueKey == issueKey && c.State != CampaignState.Cancelled
                && Campaign.SegmentsKey(c.Segments) == Campaign.SegmentsKey(segments) && c.Tags.Key == tags.Key));
        }
    }

    public Task<Campaign?> GetAsync(long id, CancellationToken ct = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_campaigns.GetValueOrDefault(id));
        }
    }

    public Task<IReadOnlyList<Campaign>> ListAsync(CancellationToken ct = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<Campaign>>([.. _campaigns.Values.OrderByDescending(c => c.Id)]);
        }
    }

    /// <summary>Not here: it needs a subscriber store. Use <see cref="Add"/>.</summary>
    public Task<Campaign> CreateAsync(NewCampaign campaign, IReadOnlyList<StoredVariant> variants, AudienceFilter filter,
        Func<string> newMessageId, CancellationToken ct = default) =>
        throw new NotSupportedException("the in-memory store has no subscribers: add campaigns with Add(emails)");

    public Task<IReadOnlyList<StoredVariant>> GetVariantsAsync(long campaignId, CancellationToken ct = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_variants.GetValueOrDefault(campaignId) ?? []);
        }
    }

    public Task<string?> GetSourceTextAsync(long campaignId, CancellationToken ct = default) => Task.FromResult<string?>(null);

    public Task SetStateAsync(long campaignId, CampaignState state, string? reason, CancellationToken ct = default)
    {
        lock (_lock)
        {
            if (_campaigns.TryGetValue(campaignId, out var campaign))
            {
                _campaigns[campaignId] = campaign with { State = state, StateReason = reason, UpdatedAt = time.GetUtcNow() };
            }
        }
        return Task.CompletedTask;
    }

    public Task<bool> TrySetStateAsync(long campaignId, IReadOnlyCollection<CampaignState> from, CampaignState to, string? reason,
        CancellationToken ct = default)
    {
        lock (_lock)
        {
            if (!_campaigns.TryGetValue(campaignId, out var campaign) || !from.Contains(campaign.State)) return Task.FromResult(false);
            _campaigns[campaignId] = campaign with { State = to, StateReason = reason, UpdatedAt = time.GetUtcNow() };
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<CampaignSenderInfo>> ListSendersAsync(long campaignId, CancellationToken ct = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<CampaignSenderInfo>>([.. _senders.Where(s => s.Value.CampaignId == campaignId)
                .OrderBy(s => s.Value.Started).ThenBy(s => s.Key, StringComparer.Ordinal)
                .Select(s => new CampaignSenderInfo(s.Key, s.Value.Node, s.Value.Heartbeat, _rows.Count(r => r.LeaseOwner == s.Key)))]);
        }
    }

    public Task<IReadOnlyList<VariantCounts>> CountAsync(long campaignId, CancellationToken ct = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<VariantCounts>>([.. _rows.Where(r => r.Entry.CampaignId == campaignId)
                .GroupBy(r => r.Entry.Variant).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new VariantCounts(g.Key, g.Count(r => r.Status == OutboxStatus.Pending), g.Count(r => r.Status == OutboxStatus.Sent),
                    g.Count(r => r.Status == OutboxStatus.Deferred), g.Count(r => r.Status == OutboxStatus.Failed), g.Count(r => r.Status == OutboxStatus.Skipped)))]);
        }
    }

    public Task<IReadOnlyList<RecipientFailure>> ListFailuresAsync(long campaignId, int limit, CancellationToken ct = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<RecipientFailure>>([.. _rows
                .Where(r => r.Entry.CampaignId == campaignId && r.Status is OutboxStatus.Failed or OutboxStatus.Deferred).Take(limit)
                .Select(r => new RecipientFailure(r.Entry.Email, r.Entry.Variant, r.Status, r.Attempts, r.Reply))]);
        }
    }

    public Task<int> RetryFailedAsync(long campaignId, CancellationToken ct = default)
    {
        lock (_lock)
        {
            var failed = _rows.Where(r => r.Entry.CampaignId == campaignId && r.Status == OutboxStatus.Failed).ToList();
            foreach (var row in failed)
            {
                (row.Status, row.Attempts, row.NextAttemptAt, row.FirstAttemptAt) = (OutboxStatus.Pending, 0, null, null);
            }
            return Task.FromResult(failed.Count);
        }
    }

    public Task<OutboxEntry?> FindEntryAsync(long campaignId, long subscriberId, CancellationToken ct = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_rows.FirstOrDefault(r => r.Entry.CampaignId == campaignId && r.Entry.SubscriberId == subscriberId) is { } row
                ? Current(row) : null);
        }
    }

    public Task<IReadOnlyList<OutboxEntry>> ClaimAsync(long campaignId, string owner, int count, DateTimeOffset now,
        DateTimeOffset leaseUntil, CancellationToken ct = default)
    {
        lock (_lock)
        {
            bool Free(Row r) => r.LeaseUntil is null || r.LeaseUntil < now;
            var due = _rows.Where(r => r.Entry.CampaignId == campaignId && r.Status == OutboxStatus.Pending && Free(r))
                .Concat(_rows.Where(r => r.Entry.CampaignId == campaignId && r.Status == OutboxStatus.Deferred && r.NextAttemptAt <= now && Free(r)))
                .Take(count).ToList();
            foreach (var row in due)
            {
                (row.LeaseOwner, row.LeaseUntil) = (owner, leaseUntil);
            }
            return Task.FromResult<IReadOnlyList<OutboxEntry>>([.. due.Select(Current)]);
        }
    }

    /// <summary>False: outcomes are committed at once.</summary>
    public bool KeepsOutcomesBeforeCommit => false;

    /// <summary>None: nothing is kept before it is committed.</summary>
    public Task<int> RecoverOutcomesAsync(long campaignId, CancellationToken ct = default) => Task.FromResult(0);

    /// <summary>As the SQL store: a row already sent keeps that outcome; the lease is released.</summary>
    public Task RecordAsync(IReadOnlyList<DeliveryRecord> records, CancellationToken ct = default)
    {
        lock (_lock)
        {
            foreach (var record in records)
            {
                if (_rows.FirstOrDefault(r => r.Entry.Id == record.OutboxId) is not { } row || row.Status == OutboxStatus.Sent)
                {
                    continue;
                }
                (row.Status, row.Attempts, row.Reply, row.NextAttemptAt) = (record.Status, record.Attempts, record.Reply, record.NextAttemptAt);
                row.FirstAttemptAt ??= record.AttemptedAt;
                (row.LeaseOwner, row.LeaseUntil) = (null, null);
            }
        }
        return Task.CompletedTask;
    }

    public Task<IOutcomeWriter> OpenOutcomeWriterAsync(long campaignId, string owner, CancellationToken ct = default) => Task.FromResult<IOutcomeWriter>(new Writer(this));

    public Task<IReadOnlyList<string>> ListLeaseOwnersAsync(long campaignId, CancellationToken ct = default)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<string>>([.. _rows.Where(r => r.Entry.CampaignId == campaignId && r.LeaseOwner is not null)
                .Select(r => r.LeaseOwner!).Distinct(StringComparer.Ordinal)]);
        }
    }

    public Task RenewAsync(string owner, DateTimeOffset leaseUntil, CancellationToken ct = default)
    {
        lock (_lock)
        {
            foreach (var row in _rows.Where(r => r.LeaseOwner == owner))
            {
                row.LeaseUntil = leaseUntil;
            }
        }
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(string owner, CancellationToken ct = default)
    {
        lock (_lock)
        {
            Release(owner);
            _senders.Remove(owner);
        }
        return Task.CompletedTask;
    }

    public Task RegisterSenderAsync(string owner, string node, long campaignId, DateTimeOffset now, CancellationToken ct = default)
    {
        lock (_lock)
        {
            _senders.Add(owner, (node, campaignId, now, now));
        }
        return Task.CompletedTask;
    }

    public Task<bool> HeartbeatAsync(string owner, DateTimeOffset now, CancellationToken ct = default)
    {
        lock (_lock)
        {
            if (!_senders.TryGetValue(owner, out var sender))
            {
                return Task.FromResult(false);
            }
            _senders[owner] = sender with { Heartbeat = now };
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<TakenOverSender>> TakeOverSilentSendersAsync(long? campaignId, DateTimeOffset silentSince, CancellationToken ct = default)
    {
        lock (_lock)
        {
            var silent = _senders.Where(s => s.Value.Heartbeat < silentSince && (campaignId is null || s.Value.CampaignId == campaignId)).ToList();
            var taken = new List<TakenOverSender>();
            foreach (var (owner, sender) in silent)
            {
                _senders.Remove(owner);
                taken.Add(new TakenOverSender(owner, sender.Node, sender.CampaignId, sender.Heartbeat, Release(owner)));
            }
            return Task.FromResult<IReadOnlyList<TakenOverSender>>(taken);
        }
    }

    public Task<DateTimeOffset?> NextDeferredAsync(long campaignId, CancellationToken ct = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_rows.Where(r => r.Entry.CampaignId == campaignId && r.Status == OutboxStatus.Deferred)
                .Select(r => r.NextAttemptAt).Min());
        }
    }

    /// <summary>Under the lock: releases the leases of <paramref name="owner"/>; returns how many.</summary>
    private int Release(string owner)
    {
        var released = 0;
        foreach (var row in _rows.Where(r => r.LeaseOwner == owner))
        {
            (row.LeaseOwner, row.LeaseUntil) = (null, null);
            released++;
        }
        return released;
    }

    private static OutboxEntry Current(Row row) => row.Entry with { Attempts = row.Attempts, FirstAttemptAt = row.FirstAttemptAt };

    private sealed class Writer(InMemoryCampaignStore store) : IOutcomeWriter
    {
        public Task WriteAsync(IReadOnlyList<DeliveryRecord> records, CancellationToken ct = default) => store.RecordAsync(records, ct);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
