using System.Data.Common;
using Newsletter.Core.Delivery;

namespace Newsletter.Data.Delivery;

/// <summary>The <see cref="IOutbox"/> half of the store: outcomes, leases, heartbeats and takeovers (claims are beside the campaign queries).</summary>
public sealed partial class SqlCampaignStore
{
    /// <summary>
    /// SQLite: where runs keep their outcomes before they are committed (<see cref="OutcomeJournal"/>), a folder beside
    /// the file. Null on PostgreSQL, whose outbox several machines share: there each outcome is committed before the
    /// connection's next message is handed over.
    /// </summary>
    private string? JournalDirectory => database.SqliteFile is { } file ? file + "-outcomes" : null;

    public bool KeepsOutcomesBeforeCommit => JournalDirectory is not null;

    public async Task<int> RecoverOutcomesAsync(long campaignId, CancellationToken ct = default) =>
        JournalDirectory is { } directory ? await OutcomeJournal.RecoverAsync(directory, campaignId, RecordAsync, ct) : 0;

    public async Task RecordAsync(IReadOnlyList<DeliveryRecord> records, CancellationToken ct = default)
    {
        await using var writer = new OutcomeWriter(database, IsPostgres ? null : _sqliteWriter, longLived: false);
        await writer.WriteAsync(records, ct);
    }

    public Task<IOutcomeWriter> OpenOutcomeWriterAsync(long campaignId, string owner, CancellationToken ct = default) =>
        Task.FromResult<IOutcomeWriter>(new OutcomeWriter(database, IsPostgres ? null : _sqliteWriter, longLived: true)
        {
            Journal = JournalDirectory is { } directory ? () => OutcomeJournal.Create(directory, campaignId, owner) : null,
        });

    /// <summary>
    /// Writes a batch with one UPDATE per up to <see cref="MaxRows"/> outcomes (a statement per row cost ~30 µs each on
    /// SQLite, most of it per-statement overhead). Keeps its connection and one prepared statement per batch size between
    /// calls; after a failure it starts over on a new connection. A long-lived writer on SQLite leaves WAL checkpoints to
    /// a <see cref="SqliteCheckpointer"/>, because a sender waits for its commits. With a <see cref="Journal"/> it keeps
    /// outcomes before they are committed, in an <see cref="OutcomeJournal"/> created at the first one.
    /// </summary>
    /// <param name="sqliteWriter">SQLite: the store's one-writer turn (see <c>_sqliteWriter</c>); null on PostgreSQL.</param>
    private sealed class OutcomeWriter(NewsletterDatabase database, SemaphoreSlim? sqliteWriter, bool longLived) : IOutcomeWriter
    {
        private readonly bool _postgres = sqliteWriter is null;

        private const int MaxRows = 32;
        private const int Columns = 6;

        private readonly Dictionary<int, DbCommand> _updates = [];
        private DbConnection? _connection;
        private SqliteCheckpointer? _checkpointer;
        private DbCommand? _bounce;
        private OutcomeJournal? _journal;

        /// <summary>Creates the run's journal; null when outcomes are safe only once committed.</summary>
        public Func<OutcomeJournal>? Journal { get; init; }

        public bool CanKeep => Journal is not null;

        public void Keep(DeliveryRecord record) => (_journal ??= Journal!()).Write(record);

        public bool KeptFull => _journal is { Full: true };

        public void ForgetKept() => _journal?.Clear();

        public async Task WriteAsync(IReadOnlyList<DeliveryRecord> records, CancellationToken ct = default)
        {
            if (records.Count == 0)
            {
                return;
            }
            if (sqliteWriter is not null)
            {
                await sqliteWriter.WaitAsync(ct);
            }
            try
            {
                if (_connection is null)
                {
                    _connection = await database.OpenConnectionAsync(ct);
                    _checkpointer = longLived && !_postgres ? await SqliteCheckpointer.StartAsync(database, _connection, ct) : null;
                }
                await using var transaction = await _connection.BeginTransactionAsync(ct);
                for (var start = 0; start < records.Count; start += MaxRows)
                {
                    var count = Math.Min(MaxRows, records.Count - start);
                    var update = Update(count);
                    update.Transaction = transaction;
                    var parameters = update.Parameters;
                    for (var i = 0; i < count; i++)
                    {
                        var record = records[start + i];
                        parameters[(i * Columns) + 0].Value = record.OutboxId;
                        parameters[(i * Columns) + 1].Value = Word(record.Status);
                        parameters[(i * Columns) + 2].Value = record.Attempts;
                        parameters[(i * Columns) + 3].Value = (object?)Truncate(record.Reply) ?? DBNull.Value;
                        parameters[(i * Columns) + 4].Value = (object?)record.NextAttemptAt ?? DBNull.Value;
                        parameters[(i * Columns) + 5].Value = record.AttemptedAt;
                    }
                    await update.ExecuteNonQueryAsync(ct);
                }
                foreach (var record in records.Where(r => r.MarkSubscriberBounced))
                {
                    _bounce ??= _connection.Command(
                        "UPDATE subscribers SET status = 'bounced', status_reason = @r, updated_at = @now WHERE id = @id AND status = 'active'");
                    _bounce.Transaction = transaction;
                    await _bounce.With("@r", Truncate(record.Reply)).With("@now", record.AttemptedAt).With("@id", record.SubscriberId).ExecuteNonQueryAsync(ct);
                }
                await transaction.CommitAsync(ct);
            }
            catch
            {
                await CloseConnectionAsync();   // the connection may be broken: the next call opens a new one
                throw;
            }
            finally
            {
                sqliteWriter?.Release();
            }
        }

        /// <summary>
    /// The UPDATE for <paramref name="rows"/> outcomes: a VALUES list joined to the outbox by id. A row already sent
    /// is final: an outcome of a sender that was frozen while another node took its rows over (a late deferral, a
    /// second send of a message under way at the freeze) must not turn it back into something to send again.
    /// </summary>
        private DbCommand Update(int rows)
        {
            if (_updates.TryGetValue(rows, out var cached))
            {
                return cached;
            }
            // PostgreSQL types an all-NULL VALUES column as text: say what each column is.
            string[] casts = _postgres ? ["::bigint", "::text", "::integer", "::text", "::timestamptz", "::timestamptz"] : ["", "", "", "", "", ""];
            var values = string.Join(", ", Enumerable.Range(0, rows).Select(
                i => "(" + string.Join(", ", Enumerable.Range(0, Columns).Select(c => $"@p{(i * Columns) + c}{casts[c]}")) + ")"));
            var command = _connection!.Command(
                $"""
                WITH v (id, status, attempts, reply, next_at, at) AS (VALUES {values})
                UPDATE outbox SET status = v.status, attempts = v.attempts, last_reply = v.reply, next_attempt_at = v.next_at,
                    first_attempt_at = COALESCE(outbox.first_attempt_at, v.at), last_attempt_at = v.at, lease_owner = NULL, lease_until = NULL
                FROM v WHERE outbox.id = v.id AND outbox.status <> 'sent'
                """);
            for (var i = 0; i < rows * Columns; i++)
            {
                command.Add($"@p{i}", null);
            }
            _updates[rows] = command;
            return command;
        }

        /// <summary>Closes the connection; an outcome journal is deleted when everything kept is forgotten, else left for recovery.</summary>
        public async ValueTask DisposeAsync()
        {
            await CloseConnectionAsync();
            if (_journal is { Length: 0 })
            {
                _journal.Delete();
            }
            else
            {
                _journal?.Dispose();
            }
            _journal = null;
        }

        private async ValueTask CloseConnectionAsync()
        {
            foreach (var update in _updates.Values)
            {
                await update.DisposeAsync();
            }
            _updates.Clear();
            if (_bounce is not null)
            {
                await _bounce.DisposeAsync();
            }
            if (_checkpointer is not null)
            {
                await _checkpointer.DisposeAsync();
            }
            if (_connection is not null)
            {
                await _connection.DisposeAsync();
            }
            (_bounce, _checkpointer, _connection) = (null, null, null);
        }
    }

    public async Task<IReadOnlyList<string>> ListLeaseOwnersAsync(long campaignId, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            "SELECT DISTINCT lease_owner FROM outbox WHERE campaign_id = @c AND lease_owner IS NOT NULL").With("@c", campaignId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var owners = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            owners.Add(reader.GetString(0));
        }
        return owners;
    }

    public async Task RenewAsync(string owner, DateTimeOffset leaseUntil, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command("UPDATE outbox SET lease_until = @u WHERE lease_owner = @o");
        await command.With("@u", leaseUntil).With("@o", owner).ExecuteNonQueryAsync(ct);
    }

    public async Task ReleaseAsync(string owner, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var release = connection.Command("UPDATE outbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = @o", transaction))
        {
            await release.With("@o", owner).ExecuteNonQueryAsync(ct);
        }
        await using (var forget = connection.Command("DELETE FROM lease_owners WHERE owner = @o", transaction))
        {
            await forget.With("@o", owner).ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    public async Task RegisterSenderAsync(string owner, string node, long campaignId, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            "INSERT INTO lease_owners (owner, node, campaign_id, started_at, heartbeat_at) VALUES (@o, @n, @c, @t, @t)");
        await command.With("@o", owner).With("@n", node).With("@c", campaignId).With("@t", now.ToUniversalTime()).ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> HeartbeatAsync(string owner, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command("UPDATE lease_owners SET heartbeat_at = @t WHERE owner = @o");
        return await command.With("@t", now.ToUniversalTime()).With("@o", owner).ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<IReadOnlyList<TakenOverSender>> TakeOverSilentSendersAsync(long? campaignId, DateTimeOffset silentSince,
        CancellationToken ct = default)
    {
        var cutoff = silentSince.ToUniversalTime();
        await using var connection = await database.OpenConnectionAsync(ct);
        var silent = new List<(string Owner, string Node, long CampaignId, DateTimeOffset At)>();
        await using (var find = connection.Command(
            "SELECT owner, node, campaign_id, heartbeat_at FROM lease_owners WHERE heartbeat_at < @cutoff"
            + (campaignId is null ? "" : " AND campaign_id = @c")))
        {
            find.With("@cutoff", cutoff);
            if (campaignId is { } id)
            {
                find.With("@c", id);
            }
            await using var reader = await find.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                silent.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<DateTimeOffset>(3)));
            }
        }
        var taken = new List<TakenOverSender>();
        foreach (var (owner, node, campaign, at) in silent)
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            // Still silent? The heartbeat may have come since (PostgreSQL re-checks the condition on the locked row).
            await using var forget = connection.Command("DELETE FROM lease_owners WHERE owner = @o AND heartbeat_at < @cutoff", transaction);
            if (await forget.With("@o", owner).With("@cutoff", cutoff).ExecuteNonQueryAsync(ct) != 1)
            {
                await transaction.RollbackAsync(ct);
                continue;
            }
            await using var release = connection.Command(
                "UPDATE outbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = @o", transaction);
            var released = await release.With("@o", owner).ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
            taken.Add(new TakenOverSender(owner, node, campaign, at, released));
        }
        return taken;
    }

    public async Task<DateTimeOffset?> NextDeferredAsync(long campaignId, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            "SELECT next_attempt_at FROM outbox WHERE campaign_id = @c AND status = 'deferred' ORDER BY next_attempt_at LIMIT 1").With("@c", campaignId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) && !reader.IsDBNull(0) ? reader.GetFieldValue<DateTimeOffset>(0) : null;
    }
}
