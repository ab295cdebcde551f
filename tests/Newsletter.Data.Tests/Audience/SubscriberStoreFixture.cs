using System.Text;
using Microsoft.Extensions.Time.Testing;
using Newsletter.Core.Audience.Import;
using Newsletter.Data.Audience;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Audience;

/// <summary>
/// A real subscriber store on a fresh <typeparamref name="TDatabase"/> (SQLite file or PostgreSQL database) with a
/// fake clock; the store, importer and sheet tests build on it. <paramref name="start"/> is the clock's time.
/// </summary>
public abstract class SubscriberStoreFixture<TDatabase>(DateTimeOffset start) : IAsyncLifetime where TDatabase : TestDatabase, new()
{
    /// <summary>The test database: <c>Open()</c> gives a second connection to the same data.</summary>
    protected TDatabase Db { get; private set; } = null!;

    protected FakeTimeProvider Time { get; } = new(start);

    protected NewsletterDatabase Database { get; private set; } = null!;

    protected SqlSubscriberStore Store { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Db = new TDatabase();
        Database = Db.Open();
        Store = new SqlSubscriberStore(Database, Time);
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync()
    {
        await Database.DisposeAsync();
        await Db.DisposeAsync();
    }
}

/// <summary>
/// The store fixture with what the importer tests add: a folder of files to import (<paramref name="folder"/> names it)
/// and an importer on the real store; GBK/GB18030 are readable (code pages registered).
/// </summary>
public abstract class ImportFixture<TDatabase>(DateTimeOffset start, string folder) : SubscriberStoreFixture<TDatabase>(start)
    where TDatabase : TestDatabase, new()
{
    static ImportFixture() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Where a test writes the files it imports; deleted after the test.</summary>
    protected TempDirectory Dir { get; } = new(folder);

    protected SubscriberImporter Importer => new(Store);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Dir.Dispose();
    }
}
