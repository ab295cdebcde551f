using Microsoft.Extensions.Time.Testing;
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
