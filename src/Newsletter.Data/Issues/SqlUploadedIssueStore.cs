using System.Data.Common;
using System.Globalization;
using Newsletter.Core.Issues;

namespace Newsletter.Data.Issues;

/// <summary>
/// <see cref="IUploadedIssueStore"/> on SQLite or PostgreSQL (table <c>uploaded_issues</c>). The state is not stored:
/// it is read from the scheduler's <c>ready_issues</c> and the campaigns, the one place "ready" is kept.
/// </summary>
public sealed class SqlUploadedIssueStore(NewsletterDatabase database, TimeProvider time) : IUploadedIssueStore
{
    /// <summary>Something reads the upload's file (the rule of <see cref="DeleteAsync"/> and <see cref="ListUnusedAsync"/>).</summary>
    private const string InUse =
        "EXISTS (SELECT 1 FROM campaigns c WHERE c.source_path = uploaded_issues.path AND c.state IN ('scheduled', 'running', 'paused')) " +
        "OR EXISTS (SELECT 1 FROM ready_issues r WHERE r.source_path = uploaded_issues.path)";

    /// <summary>Ready: marked ready for the plans, or any campaign was made from it (sent, scheduled, or since cancelled).</summary>
    private const string Ready =
        "CASE WHEN EXISTS (SELECT 1 FROM ready_issues r WHERE r.source_path = uploaded_issues.path) " +
        "OR EXISTS (SELECT 1 FROM campaigns c WHERE c.source_path = uploaded_issues.path) THEN 1 ELSE 0 END";

    private const string Columns = $"id, file_name, path, title, {Ready}, uploaded_by, created_at";

    public async Task<UploadedIssue> AddAsync(string fileName, string path, string title, string uploadedBy, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var insert = connection.Command(
            "INSERT INTO uploaded_issues (file_name, path, title, uploaded_by, created_at, updated_at) VALUES (@f, @p, @t, @u, @now, @now) RETURNING id")
            .With("@f", fileName).With("@p", path).With("@t", title).With("@u", uploadedBy).With("@now", now);
        var id = Convert.ToInt64(await insert.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        return (await GetAsync(id, ct))!;
    }

    public async Task<UploadedIssue?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command($"SELECT {Columns} FROM uploaded_issues WHERE id = @id").With("@id", id);
        return await ReadAsync(command, ct) is [var issue, ..] ? issue : null;
    }

    public async Task<IReadOnlyList<UploadedIssue>> ListAsync(int limit, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command($"SELECT {Columns} FROM uploaded_issues ORDER BY id DESC LIMIT @n").With("@n", limit);
        return await ReadAsync(command, ct);
    }

    public Task<bool> SetTitleAsync(long id, string title, CancellationToken ct = default) =>
        UpdateAsync("title = @a", id, title, null, ct);

    public Task<bool> SetFileAsync(long id, string fileName, string path, CancellationToken ct = default) =>
        UpdateAsync("file_name = @a, path = @b", id, fileName, path, ct);

    public async Task<UploadDeletion> DeleteAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var delete = connection.Command($"DELETE FROM uploaded_issues WHERE id = @id AND NOT ({InUse})").With("@id", id);
        if (await delete.ExecuteNonQueryAsync(ct) > 0) return UploadDeletion.Deleted;
        return await GetAsync(id, ct) is null ? UploadDeletion.NotFound : UploadDeletion.InUse;
    }

    public async Task<IReadOnlyList<UploadedIssue>> ListUnusedAsync(DateTimeOffset createdBefore, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command($"SELECT {Columns} FROM uploaded_issues WHERE created_at < @cutoff AND NOT ({InUse}) ORDER BY id")
            .With("@cutoff", createdBefore);
        return await ReadAsync(command, ct);
    }

    private async Task<bool> UpdateAsync(string assignments, long id, string a, string? b, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command($"UPDATE uploaded_issues SET {assignments}, updated_at = @now WHERE id = @id")
            .With("@a", a).With("@now", time.GetUtcNow()).With("@id", id);
        if (b is not null) command.With("@b", b);
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    private static async Task<IReadOnlyList<UploadedIssue>> ReadAsync(DbCommand command, CancellationToken ct)
    {
        var list = new List<UploadedIssue>();
        await using var r = await command.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(new UploadedIssue(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3),
                Convert.ToInt64(r.GetValue(4), CultureInfo.InvariantCulture) == 1 ? UploadedIssueState.Ready : UploadedIssueState.Draft,
                r.GetString(5), r.GetFieldValue<DateTimeOffset>(6)));
        }
        return list;
    }
}
