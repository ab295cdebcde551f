using System.Text.Json;
using Microsoft.Data.Sqlite;
using Newsletter.Cli.Infrastructure;
using Newsletter.Core.Audience;
using Newsletter.Data;
using Newsletter.Testing;

namespace Newsletter.Cli.Tests.Commands;

/// <summary><c>newsletter secrets rotate-token</c> on a SQLite file of its own.</summary>
[Collection("Console")]
public sealed class SecretsCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new("secrets-cli");
    private readonly string _config;
    private readonly string _database;

    public SecretsCommandTests()
    {
        _database = _temp.File("newsletter.db");
        _config = _temp.File("settings.json");
        File.WriteAllText(_config, JsonSerializer.Serialize(new { Database = new { ConnectionString = $"Data Source={_database}" } }));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private Task<(int Exit, string Out, string Error)> Run(params string[] args) => InProcessCli.RunAsync([.. args, "--config", _config]);

    [Fact]
    public async Task Rotate_token_adds_a_key_version_and_says_until_when_old_links_work()
    {
        await using var database = new NewsletterDatabase(new DatabaseOptions { ConnectionString = $"Data Source={_database}" });
        var store = new TokenKeyStore(database, new AppSecrets(database, TimeProvider.System), TimeProvider.System, null);
        var before = new SubscriberTokens(await store.LoadAsync(), TimeSpan.FromDays(90), TimeProvider.System);
        var oldLink = before.Create(TokenPurpose.Unsubscribe, 3, 1);

        var first = await Run("secrets", "rotate-token");
        var second = await Run("secrets", "rotate-token");

        Assert.True(first.Exit == 0, first.Error);
        Assert.Contains("key version 1", first.Out);
        // The CLI shows times in Scheduling:TimeZone (Asia/Shanghai by default), so the date is Shanghai's.
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        Assert.Contains($"until {TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddDays(90), shanghai):yyyy-MM-dd}", first.Out);
        Assert.Contains("key version 2", second.Out);
        var after = new SubscriberTokens(await store.LoadAsync(), TimeSpan.FromDays(90), TimeProvider.System);
        Assert.Equal(2, after.CurrentVersion);
        Assert.True(after.TryVerify(oldLink, TokenPurpose.Unsubscribe, out var subscriber, out _));
        Assert.Equal(3, subscriber);
    }
}
