using Newsletter.Core.Audience;

namespace Newsletter.Testing;

/// <summary>
/// An <see cref="ISubscriberStore"/> that passes everything to a real one; a test overrides
/// <see cref="BeginImportAsync"/> to wrap the import session (a fault, a hook after a batch).
/// </summary>
public abstract class DelegatingSubscriberStore(ISubscriberStore inner) : ISubscriberStore
{
    public virtual Task<ISubscriberImportSession> BeginImportAsync(CancellationToken ct = default) => inner.BeginImportAsync(ct);
    public Task<long> CountAllAsync(CancellationToken ct = default) => inner.CountAllAsync(ct);
    public IAsyncEnumerable<Subscriber> StreamActiveAsync(AudienceFilter filter, int batchSize, CancellationToken ct = default) => inner.StreamActiveAsync(filter, batchSize, ct);
    public Task<Subscriber?> FindByIdAsync(long id, CancellationToken ct = default) => inner.FindByIdAsync(id, ct);
    public Task<Subscriber?> FindByEmailAsync(string email, CancellationToken ct = default) => inner.FindByEmailAsync(email, ct);
    public Task<bool> UnsubscribeAsync(long id, string source, CancellationToken ct = default) => inner.UnsubscribeAsync(id, source, ct);
    public Task MarkBouncedAsync(long id, string reason, CancellationToken ct = default) => inner.MarkBouncedAsync(id, reason, ct);
    public Task MarkComplainedAsync(long id, string reason, CancellationToken ct = default) => inner.MarkComplainedAsync(id, reason, ct);
    public Task<IReadOnlyList<Segment>> ListSegmentsAsync(CancellationToken ct = default) => inner.ListSegmentsAsync(ct);
    public Task<IReadOnlyList<string>> ListDistrictsAsync(CancellationToken ct = default) => inner.ListDistrictsAsync(ct);
    public Task AddSegmentAsync(Segment segment, CancellationToken ct = default) => inner.AddSegmentAsync(segment, ct);
    public Task<IReadOnlyList<SegmentCount>> CountBySegmentAsync(CancellationToken ct = default) => inner.CountBySegmentAsync(ct);
    public Task<IReadOnlyList<Subscriber>> SearchAsync(SubscriberQuery query, CancellationToken ct = default) => inner.SearchAsync(query, ct);
    public Task<Subscriber> AddAsync(SubscriberDraft draft, string? consentNote = null, CancellationToken ct = default) => inner.AddAsync(draft, consentNote, ct);
    public Task<Subscriber?> UpdateAsync(long id, SubscriberDraft draft, CancellationToken ct = default) => inner.UpdateAsync(id, draft, ct);
    public Task<bool> ResubscribeAsync(string email, string consentNote, CancellationToken ct = default) => inner.ResubscribeAsync(email, consentNote, ct);
    public Task<bool> RemoveAsync(string email, CancellationToken ct = default) => inner.RemoveAsync(email, ct);
    public Task<bool> IsSuppressedAsync(string email, CancellationToken ct = default) => inner.IsSuppressedAsync(email, ct);
}

/// <summary>An <see cref="ISubscriberImportSession"/> that passes everything to a real one; a test overrides what it intercepts.</summary>
public abstract class DelegatingImportSession(ISubscriberImportSession inner) : ISubscriberImportSession
{
    public virtual Task<ImportOutcome> ApplyAsync(SubscriberDraft draft, bool update, CancellationToken ct = default) => inner.ApplyAsync(draft, update, ct);

    public virtual Task<IReadOnlyList<ImportResult>> ApplyBatchAsync(IReadOnlyList<SubscriberDraft> drafts, bool update, CancellationToken ct = default) =>
        inner.ApplyBatchAsync(drafts, update, ct);

    public Task CommitAsync(CancellationToken ct = default) => inner.CommitAsync(ct);

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return inner.DisposeAsync();
    }
}
