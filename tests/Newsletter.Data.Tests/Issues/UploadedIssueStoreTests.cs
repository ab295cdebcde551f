using Newsletter.Testing;
using Newsletter.Core.Delivery;
using Newsletter.Core.Issues;
using Newsletter.Core.Scheduling;
using Newsletter.Data.Tests.Scheduling;

namespace Newsletter.Data.Tests.Issues;

/// <summary>
/// Uploaded issues on SQLite and PostgreSQL: one notion of "ready" — the scheduler's ready issues (or a campaign made
/// from the file) — and no deletion while something reads the file.
/// </summary>
public abstract class UploadedIssueStoreTests<TDatabase> : IAsyncLifetime where TDatabase : TestDatabase, new()
{
    private SchedulingHarness _h = null!;

    public async Task InitializeAsync() => _h = await SchedulingHarness.CreateAsync(new TDatabase());

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private IUploadedIssueStore Store => _h.Get<IUploadedIssueStore>();

    [Fact]
    public async Task An_upload_is_ready_exactly_when_the_scheduler_has_it_ready_and_is_kept_while_it_is()
    {
        var path = Path.GetFullPath(_h.Issue("upload-a"));
        var upload = await Store.AddAsync("upload-a.md", path, "sample", "admin");
        Assert.Equal((UploadedIssueState.Draft, "upload-a.md", path, "admin"), (upload.State, upload.FileName, upload.Path, upload.UploadedBy));

        await _h.Get<CampaignScheduler>().MarkReadyAsync(path, default);

        Assert.Equal(UploadedIssueState.Ready, (await Store.GetAsync(upload.Id))!.State);
        Assert.Equal(UploadDeletion.InUse, await Store.DeleteAsync(upload.Id));
        Assert.Empty(await Store.ListUnusedAsync(_h.Clock.GetUtcNow().AddDays(1)));
        Assert.True(await Store.SetTitleAsync(upload.Id, "新标题"));
        Assert.Equal("新标题", (await Store.ListAsync(10)).Single().Title);
    }

    [Fact]
    public async Task A_campaign_makes_an_upload_ready_and_an_unused_one_is_deleted_once()
    {
        var scheduled = Path.GetFullPath(_h.Issue("upload-b"));
        var unused = Path.GetFullPath(_h.Issue("upload-c"));
        var b = await Store.AddAsync("upload-b.md", scheduled, "b", "editor");
        var c = await Store.AddAsync("upload-c.md", unused, "c", "editor");
        await _h.Get<CampaignScheduler>().ScheduleAsync(scheduled, ["municipal"], SchedulingHarness.Start.AddDays(1), default);

        Assert.Equal(UploadedIssueState.Ready, (await Store.GetAsync(b.Id))!.State);
        Assert.Equal(UploadedIssueState.Draft, (await Store.GetAsync(c.Id))!.State);
        Assert.Equal([c.Id], (await Store.ListUnusedAsync(_h.Clock.GetUtcNow().AddDays(1))).Select(u => u.Id));
        Assert.Equal(UploadDeletion.InUse, await Store.DeleteAsync(b.Id));
        Assert.Equal(UploadDeletion.Deleted, await Store.DeleteAsync(c.Id));
        Assert.Equal(UploadDeletion.NotFound, await Store.DeleteAsync(c.Id));
        Assert.True(await Store.SetFileAsync(b.Id, "b2.md", "/elsewhere/b2.md"));
        Assert.Equal(("b2.md", "/elsewhere/b2.md"), ((await Store.GetAsync(b.Id))!.FileName, (await Store.GetAsync(b.Id))!.Path));
        Assert.Equal(CampaignState.Scheduled, Assert.Single(await _h.Get<ICampaignStore>().ListAsync()).State);
    }
}

public sealed class SqliteUploadedIssueStoreTests : UploadedIssueStoreTests<SqliteTestDatabase>;

[Requires("postgres")]
public sealed class PostgresUploadedIssueStoreTests : UploadedIssueStoreTests<PostgresTestDatabase>;
