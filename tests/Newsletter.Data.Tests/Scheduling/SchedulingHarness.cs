using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Newsletter.Core;
using Newsletter.Core.Audience;
using Newsletter.Core.Scheduling;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Scheduling;

/// <summary>
/// A clock that reads real time shifted by an offset the test moves: timers and delays stay real (the send pipeline
/// waits on them), while "now" can jump hours ahead, as a host that was down would see it.
/// </summary>
public sealed class ShiftedClock(DateTimeOffset start) : TimeProvider
{
    private readonly TimeSpan _base = start - DateTimeOffset.UtcNow;
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow + _base + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves "now" to <paramref name="at"/> (forward or back).</summary>
    public void Set(DateTimeOffset at) => Interlocked.Add(ref _offsetTicks, (at - GetUtcNow()).Ticks);
}

/// <summary>
/// The scheduling services on a real database (pickup transport into a temp folder), with the sample subscribers:
/// two municipal, one county, one enterprise and one editor (test-recipients).
/// </summary>
public sealed class SchedulingHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 27, 0, 0, 0, TimeSpan.Zero);

    private readonly TestDatabase _db;
    private readonly TempDirectory _folder = new("newsletter-sched");

    private SchedulingHarness(TestDatabase db, TimeSpan misfireGrace)
    {
        _db = db;
        Clock = new ShiftedClock(Start);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = db.Options.Provider,
            ["Database:ConnectionString"] = db.Options.ConnectionString,
            ["Templates:Directory"] = Path.Combine(TestEnvironment.RepositoryRoot, "templates"),
            ["Delivery:PickupDirectory"] = Outbox,
            ["Security:TokenSecret"] = "test-secret-for-unsubscribe-tokens-0123456789",
            ["Scheduling:MisfireGrace"] = misfireGrace.ToString(),
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton<IConfiguration>(configuration);
        services.AddNewsletter(configuration);   // as every host composes it
        Services = services.BuildServiceProvider();
    }

    public ServiceProvider Services { get; }

    public ShiftedClock Clock { get; }

    public string Folder => _folder.Path;

    public string Outbox => Path.Combine(_folder.Path, "outbox");

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public static async Task<SchedulingHarness> CreateAsync(TestDatabase db, TimeSpan? misfireGrace = null)
    {
        var harness = new SchedulingHarness(db, misfireGrace ?? TimeSpan.FromHours(2));
        await harness.AddSubscribersAsync();
        return harness;
    }

    private async Task AddSubscribersAsync()
    {
        var store = Get<ISubscriberStore>();
        foreach (var (email, name, segment) in new[]
                 {
                     ("wang@example.org", "王建国", Segments.Municipal), ("li@example.org", "李明", Segments.Municipal),
                     ("zhao@example.org", "赵强", Segments.County), ("qiye@example.org", "张三", Segments.Enterprise),
                     ("editor@example.org", "编辑", Segments.TestRecipients),
                 })
        {
            await store.AddAsync(new SubscriberDraft(email, name, null, null, [segment], null, []));
        }
    }

    /// <summary>A copy of the sample issue under <paramref name="name"/> (its key, as it has no 期号).</summary>
    public string Issue(string name)
    {
        var path = Path.Combine(_folder.Path, name + ".md");
        File.Copy(Path.Combine(TestEnvironment.RepositoryRoot, "seeds", "sample-issue.md"), path, overwrite: true);
        return path;
    }

    /// <summary>Recipient addresses of the messages written for campaign <paramref name="campaignId"/>, one per file.</summary>
    public IReadOnlyList<string> Sent(long campaignId)
    {
        var folder = Path.Combine(Outbox, $"campaign-{campaignId}");
        return Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.eml").Select(f => MimeKit.MimeMessage.Load(f).To.Mailboxes.Single().Address).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    /// <summary>The subjects of the notices written for the editors.</summary>
    public IReadOnlyList<string> Notices()
    {
        var folder = Path.Combine(Outbox, EditorNotifier.BatchName);
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*.eml").Order(StringComparer.Ordinal).Select(f => MimeKit.MimeMessage.Load(f).Subject ?? "").ToList() : [];
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await _db.DisposeAsync();
        _folder.Dispose();
    }
}
