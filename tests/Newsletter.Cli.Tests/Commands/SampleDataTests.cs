using Microsoft.Data.Sqlite;
using Newsletter.Testing;
using Npgsql;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// Issue 13: the synthetic sample lists reach a store only on purpose — the Quick start's demo <c>publish</c> into the
/// embedded store it has just created (saying so loudly), or <c>subscribers load-samples</c>; never <c>send-test</c>
/// or <c>schedule</c>, never a configured database (a SQLite file or PostgreSQL named in the settings).
/// </summary>
[Slow]
public sealed class SampleDataTests
{
    private static readonly Dictionary<string, int> Lists = new() { ["municipal"] = 3, ["county"] = 2, ["test-recipients"] = 1 };

    [Fact]
    public void The_demo_publish_loads_the_samples_into_the_store_it_created_and_says_so()
    {
        using var workspace = CampaignsWorkspace.Create(Lists, load: false);
        var result = CliProcess.Run(workspace.Path, CampaignsWorkspace.Environment(), "publish", CampaignsWorkspace.Issue, "--segments", "municipal");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("demo: this new database had no subscribers, so the synthetic", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(6, Subscribers(workspace.Path, "newsletter.db"));
    }

    [Fact]
    public void An_existing_empty_default_store_gets_no_samples_from_publish()
    {
        using var workspace = CampaignsWorkspace.Create(Lists, load: false);
        var list = CliProcess.Run(workspace.Path, CampaignsWorkspace.Environment(), "subscribers", "list");   // creates the store
        Assert.True(list.ExitCode == 0, list.ToString());

        var result = CliProcess.Run(workspace.Path, CampaignsWorkspace.Environment(), "publish", CampaignsWorkspace.Issue, "--segments", "municipal");
        Assert.Contains("0 recipients selected", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("demo:", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, Subscribers(workspace.Path, "newsletter.db"));
    }

    [Theory]
    [InlineData("send-test")]
    [InlineData("schedule")]
    public void Send_test_and_schedule_never_load_the_samples(string verb)
    {
        using var workspace = CampaignsWorkspace.Create(Lists, load: false);
        string[] args = verb == "send-test"
            ? ["send-test", CampaignsWorkspace.Issue, "--to", "editor@xcsti.example.org"]
            : ["schedule", CampaignsWorkspace.Issue, "--at", "2099-01-01T09:00:00Z", "--segments", "municipal"];
        var result = CliProcess.Run(workspace.Path, CampaignsWorkspace.Environment(), args);
        Assert.DoesNotContain("sample subscribers", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, Subscribers(workspace.Path, "newsletter.db"));
    }

    [Fact]
    public void A_configured_sqlite_database_gets_no_samples()
    {
        using var workspace = CampaignsWorkspace.Create(Lists, load: false);
        var environment = CampaignsWorkspace.Environment(("NEWSLETTER_Database__ConnectionString", "Data Source=production.db"));
        var result = CliProcess.Run(workspace.Path, environment, "publish", CampaignsWorkspace.Issue, "--segments", "municipal");
        Assert.Contains("0 recipients selected", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, Subscribers(workspace.Path, "production.db"));

        // Only on purpose: the explicit command loads them into any store it is pointed at.
        var load = CliProcess.Run(workspace.Path, environment, "subscribers", "load-samples");
        Assert.True(load.ExitCode == 0, load.ToString());
        Assert.Equal(6, Subscribers(workspace.Path, "production.db"));
    }

    [Fact]
    [Requires("postgres")]
    public void A_postgres_database_gets_no_samples()
    {
        var server = TestEnvironment.PostgresConnectionString;
        var name = "newsletter_samples_" + Guid.NewGuid().ToString("N")[..16];
        using (var connection = new NpgsqlConnection(server))
        {
            connection.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE {name} ENCODING 'UTF8'", connection);
            create.ExecuteNonQuery();
        }
        var database = new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
        try
        {
            using var workspace = CampaignsWorkspace.Create(Lists, load: false);
            var environment = CampaignsWorkspace.Environment(("NEWSLETTER_Database__Provider", "postgres"), ("NEWSLETTER_Database__ConnectionString", database));
            var result = CliProcess.Run(workspace.Path, environment, "publish", CampaignsWorkspace.Issue, "--segments", "municipal");
            Assert.Contains("0 recipients selected", result.Stdout, StringComparison.Ordinal);
            Assert.Contains($"database: PostgreSQL {name}", result.Stderr, StringComparison.Ordinal);
            using var connection = new NpgsqlConnection(database);
            connection.Open();
            using var count = new NpgsqlCommand("SELECT COUNT(*) FROM subscribers", connection);
            Assert.Equal(0L, (long)count.ExecuteScalar()!);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            using var connection = new NpgsqlConnection(server);
            connection.Open();
            using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            drop.ExecuteNonQuery();
        }
    }

    /// <summary>How many subscribers the SQLite file <paramref name="file"/> in the workspace's home holds (0 when there is no file).</summary>
    private static long Subscribers(string workspace, string file)
    {
        var path = Path.Combine(workspace, "data", file);
        if (!File.Exists(path))
        {
            return 0;
        }
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM subscribers";
        return (long)command.ExecuteScalar()!;
    }
}
