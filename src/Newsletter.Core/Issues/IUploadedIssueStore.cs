namespace Newsletter.Core.Issues;

/// <summary>
/// Where an uploaded issue stands. There is one notion of "ready": the scheduler's ready issues (what
/// <c>CampaignScheduler.MarkReadyAsync</c> records for the recurring plans). An upload is <see cref="Ready"/> when a
/// ready issue or a campaign reads its file, else a <see cref="Draft"/> under review; the upload keeps no flag of its own.
/// </summary>
public enum UploadedIssueState
{
    Draft,
    Ready,
}

/// <summary>What <see cref="IUploadedIssueStore.DeleteAsync"/> did.</summary>
public enum UploadDeletion
{
    Deleted,
    NotFound,

    /// <summary>A scheduled, running or paused campaign, or an issue marked ready for the plans, reads the file: kept.</summary>
    InUse,
}

/// <summary>An issue file uploaded through the admin; <see cref="Path"/> is the stored copy (absolute).</summary>
public sealed record UploadedIssue(long Id, string FileName, string Path, string Title, UploadedIssueState State,
    string UploadedBy, DateTimeOffset CreatedAt);

/// <summary>
/// The records of uploaded issues (the files themselves are the web's to write and remove). Declared here for the web
/// admin, implemented in Newsletter.Data.
/// </summary>
public interface IUploadedIssueStore
{
    /// <summary>Records an upload whose file is stored at <paramref name="path"/>.</summary>
    Task<UploadedIssue> AddAsync(string fileName, string path, string title, string uploadedBy, CancellationToken ct = default);

    Task<UploadedIssue?> GetAsync(long id, CancellationToken ct = default);

    /// <summary>The latest <paramref name="limit"/> uploads, newest first.</summary>
    Task<IReadOnlyList<UploadedIssue>> ListAsync(int limit, CancellationToken ct = default);

    /// <summary>Sets the title shown in the list (the issue's subject once it was read). False when no such upload.</summary>
    Task<bool> SetTitleAsync(long id, string title, CancellationToken ct = default);

    /// <summary>Points the upload at another stored file (a plain-text upload converted to Markdown). False when no such upload.</summary>
    Task<bool> SetFileAsync(long id, string fileName, string path, CancellationToken ct = default);

    /// <summary>
    /// Removes the record of upload <paramref name="id"/>, in one conditional statement: refused
    /// (<see cref="UploadDeletion.InUse"/>) while a scheduled, running or paused campaign or a ready issue reads its file.
    /// </summary>
    Task<UploadDeletion> DeleteAsync(long id, CancellationToken ct = default);

    /// <summary>Uploads created before <paramref name="createdBefore"/> that nothing uses (see <see cref="DeleteAsync"/>), oldest first.</summary>
    Task<IReadOnlyList<UploadedIssue>> ListUnusedAsync(DateTimeOffset createdBefore, CancellationToken ct = default);
}
