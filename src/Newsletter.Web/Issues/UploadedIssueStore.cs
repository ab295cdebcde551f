using System.Data.Common;
using System.Globalization;
using Newsletter.Data;

namespace Newsletter.Web.Issues;

/// <summary>Where an uploaded issue stands: uploaded for review, or marked ready by an editor.</summary>
public enum UploadedIssueState
{
    Draft,
    Ready,
}

/// <summary>What <see cref="UploadedIssueStore.DeleteAsync"/> did.</summary>
public enum UploadDeletion
{
    Deleted,
    NotFound,

    /// <summary>A scheduled, running or paused campaign, or an issue marked ready for the plans, reads the file: kept.</summary>
    InUse,
}

/// <summary>An issue file uploaded through the admin; <see cref="Path"/> is the stored copy.</summary>
public sealed record UploadedIssue(long Id, string FileName, string Path, string Title, UploadedIssueState State,
    string UploadedBy, DateTimeOffset CreatedAt);

/// <summary>
/// Uploaded issues (table <c>uploaded_issues</c>): the file is kept under <see cref="WebOptions.IssuesDirectory"/>
/// so the publisher can read it like any issue file. Kept here until the scheduler's own "ready" store exists.
/// </summary>
public sealed class UploadedIssueStore(NewsletterDatabase database, WebOptions options, TimeProvider time)
{
    private const string Columns = "id, file_name, path, title, state, uploaded_by, created_at";

    /// <summary>Stores <paramref name="content"/> as a new upload.</summary>
    public async Task<UploadedIssue> AddAsync(string fileName, byte[] content, string title, string uploadedBy, CancellationToken ct)
    {
        var safeName = SafeFileName(fileName);
        var folder = System.IO.Path.GetFullPath(System.IO.Path.Combine(options.IssuesDirectory, Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(folder);
        var path = System.IO.Path.Combine(folder, safeName);
        await File.WriteAllBytesAsync(path, content, ct);

        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var insert = Command(connection,
            "INSERT INTO uploaded_issues (file_name, path, title, state, uploaded_by, created_at, updated_at) " +
            "VALUES (@f, @p, @t, 'draft', @u, @now, @now) RETURNING id",
            ("@f", safeName), ("@p", path), ("@t", title), ("@u", uploadedBy), ("@now", now));
        var id = Convert.ToInt64(await insert.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        return (await GetAsync(id, ct))!;
    }

    public async Task<UploadedIssue?> GetAsync(long id, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = Command(connection, $"SELECT {Columns} FROM uploaded_issues WHERE id = @id", ("@id", id));
        return await ReadAsync(command, ct) is [var issue, ..] ? issue : null;
    }

    public async Task<IReadOnlyList<UploadedIssue>> ListAsync(int limit, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = Command(connection, $"SELECT {Columns} FROM uploaded_issues ORDER BY id DESC LIMIT @n", ("@n", limit));
        return await ReadAsync(command, ct);
    }

    public async Task<bool> SetStateAsync(long id, UploadedIssueState state, string title, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = Command(connection, "UPDATE uploaded_issues SET state = @s, title = @t, updated_at = @now WHERE id = @id",
            ("@s", state == UploadedIssueState.Ready ? "ready" : "draft"), ("@t", title), ("@now", time.GetUtcNow()), ("@id", id));
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    /// <summary>
    /// Deletes upload <paramref name="id"/>: its row and its folder. Refused (<see cref="UploadDeletion.InUse"/>) while a
    /// campaign that may still read the file (scheduled, running, paused) or a ready issue of the plans names it.
    /// </summary>
    public async Task<UploadDeletion> DeleteAsync(long id, CancellationToken ct)
    {
        var upload = await GetAsync(id, ct);
        if (upload is null) return UploadDeletion.NotFound;
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var delete = Command(connection, $"DELETE FROM uploaded_issues WHERE id = @id AND NOT ({InUse})", ("@id", id));
        if (await delete.ExecuteNonQueryAsync(ct) == 0)
        {
            return await GetAsync(id, ct) is null ? UploadDeletion.NotFound : UploadDeletion.InUse;
        }
        DeleteFolder(upload.Path);
        return UploadDeletion.Deleted;
    }

    /// <summary>
    /// Deletes the uploads older than <see cref="WebOptions.UploadRetention"/> that nothing uses (see <see cref="DeleteAsync"/>);
    /// returns how many. A retention of zero keeps every upload.
    /// </summary>
    public async Task<int> PurgeAsync(CancellationToken ct)
    {
        if (options.UploadRetention <= TimeSpan.Zero) return 0;
        var cutoff = time.GetUtcNow() - options.UploadRetention;
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var select = Command(connection, $"SELECT {Columns} FROM uploaded_issues WHERE created_at < @cutoff AND NOT ({InUse}) ORDER BY id",
            ("@cutoff", cutoff));
        var purged = 0;
        foreach (var upload in await ReadAsync(select, ct))
        {
            if (await DeleteAsync(upload.Id, ct) == UploadDeletion.Deleted) purged++;
        }
        return purged;
    }

    /// <summary>The condition (on <c>uploaded_issues</c>) that something still reads the upload's file.</summary>
    private const string InUse =
        "EXISTS (SELECT 1 FROM campaigns c WHERE c.source_path = uploaded_issues.path AND c.state IN ('scheduled', 'running', 'paused')) " +
        "OR EXISTS (SELECT 1 FROM ready_issues r WHERE r.source_path = uploaded_issues.path)";

    /// <summary>Removes the upload's own folder (a GUID folder under the issues folder), never anything outside it.</summary>
    private void DeleteFolder(string path)
    {
        var root = System.IO.Path.GetFullPath(options.IssuesDirectory) + System.IO.Path.DirectorySeparatorChar;
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (folder is null || !folder.StartsWith(root, StringComparison.Ordinal)) return;
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Removed by hand already: the row was the last trace.
        }
    }

    /// <summary>Points the upload at another stored file (a plain-text upload converted to Markdown when its 期号 was set).</summary>
    public async Task<bool> SetFileAsync(long id, string fileName, string path, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = Command(connection, "UPDATE uploaded_issues SET file_name = @f, path = @p, updated_at = @now WHERE id = @id",
            ("@f", fileName), ("@p", path), ("@now", time.GetUtcNow()), ("@id", id));
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    /// <summary>The base name with only safe characters kept (CJK included), never a path.</summary>
    internal static string SafeFileName(string fileName)
    {
        var name = System.IO.Path.GetFileName(fileName.Replace('\\', '/'));
        var kept = new string(name.Where(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_').ToArray()).TrimStart('.');
        return kept.Length == 0 ? "issue.md" : kept;
    }

    private static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private static async Task<IReadOnlyList<UploadedIssue>> ReadAsync(DbCommand command, CancellationToken ct)
    {
        var list = new List<UploadedIssue>();
        await using var r = await command.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(new UploadedIssue(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3),
                r.GetString(4) == "ready" ? UploadedIssueState.Ready : UploadedIssueState.Draft, r.GetString(5),
                r.GetFieldValue<DateTimeOffset>(6)));
        }
        return list;
    }
}
