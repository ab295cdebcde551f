namespace Newsletter.Web.Issues;

/// <summary>
/// Uploaded issues as the web keeps them: the file under <see cref="WebOptions.IssuesDirectory"/> (so the publisher
/// reads it like any issue file), its record in <see cref="IUploadedIssueStore"/>. Whether an upload is ready is the
/// scheduler's notion (its ready issues), not a flag of the upload's: see <see cref="UploadedIssueState"/>.
/// </summary>
public sealed class UploadedIssueStore(IUploadedIssueStore records, WebOptions options, TimeProvider time)
{
    /// <summary>Stores <paramref name="content"/> as a new upload.</summary>
    public async Task<UploadedIssue> AddAsync(string fileName, byte[] content, string title, string uploadedBy, CancellationToken ct)
    {
        var safeName = SafeFileName(fileName);
        var folder = Path.GetFullPath(Path.Combine(options.IssuesDirectory, Guid.NewGuid().ToString("N")));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, safeName);
        await File.WriteAllBytesAsync(path, content, ct);
        return await records.AddAsync(safeName, path, title, uploadedBy, ct);
    }

    public Task<UploadedIssue?> GetAsync(long id, CancellationToken ct) => records.GetAsync(id, ct);

    public Task<IReadOnlyList<UploadedIssue>> ListAsync(int limit, CancellationToken ct) => records.ListAsync(limit, ct);

    /// <summary>Shows the issue's subject as the upload's title (after it was marked ready, scheduled or sent).</summary>
    public Task<bool> SetTitleAsync(long id, string title, CancellationToken ct) => records.SetTitleAsync(id, title, ct);

    /// <summary>Points the upload at another stored file (a plain-text upload converted to Markdown when its 期号 was set).</summary>
    public Task<bool> SetFileAsync(long id, string fileName, string path, CancellationToken ct) => records.SetFileAsync(id, fileName, path, ct);

    /// <summary>
    /// Deletes upload <paramref name="id"/>: its record, then its folder. Refused (<see cref="UploadDeletion.InUse"/>) while a
    /// campaign that may still read the file (scheduled, running, paused) or a ready issue of the plans names it.
    /// </summary>
    public async Task<UploadDeletion> DeleteAsync(long id, CancellationToken ct)
    {
        var upload = await records.GetAsync(id, ct);
        if (upload is null) return UploadDeletion.NotFound;
        var outcome = await records.DeleteAsync(id, ct);
        if (outcome == UploadDeletion.Deleted) DeleteFolder(upload.Path);
        return outcome;
    }

    /// <summary>
    /// Deletes the uploads older than <see cref="WebOptions.UploadRetention"/> that nothing uses (see <see cref="DeleteAsync"/>);
    /// returns how many. A retention of zero keeps every upload.
    /// </summary>
    public async Task<int> PurgeAsync(CancellationToken ct)
    {
        if (options.UploadRetention <= TimeSpan.Zero) return 0;
        var purged = 0;
        foreach (var upload in await records.ListUnusedAsync(time.GetUtcNow() - options.UploadRetention, ct))
        {
            if (await DeleteAsync(upload.Id, ct) == UploadDeletion.Deleted) purged++;
        }
        return purged;
    }

    /// <summary>Removes the upload's own folder (a GUID folder under the issues folder), never anything outside it.</summary>
    private void DeleteFolder(string path)
    {
        var root = Path.GetFullPath(options.IssuesDirectory) + Path.DirectorySeparatorChar;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is null || !folder.StartsWith(root, StringComparison.Ordinal)) return;
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Removed by hand already: the record was the last trace.
        }
    }

    /// <summary>The base name with only safe characters kept (CJK included), never a path.</summary>
    internal static string SafeFileName(string fileName)
    {
        var name = Path.GetFileName(fileName.Replace('\\', '/'));
        var kept = new string(name.Where(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_').ToArray()).TrimStart('.');
        return kept.Length == 0 ? "issue.md" : kept;
    }
}
