using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Newsletter.Core.Audience;
using Newsletter.Core.Audience.Import;

namespace Newsletter.Data.Tests;

public sealed class DataServiceCollectionExtensionsTests : IAsyncLifetime
{
    private readonly SqliteTestDatabase _db = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private ServiceProvider Build(string? tokenSecret = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "sqlite",
            ["Database:ConnectionString"] = _db.Options.ConnectionString,
        };
        if (tokenSecret is not null) settings["Security:TokenSecret"] = tokenSecret;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddNewsletterData(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Fact]
    public async Task Registers_the_store_importer_and_exporter_on_a_migrated_database()
    {
        await using var services = Build();
        var store = services.GetRequiredService<ISubscriberStore>();
        Assert.Equal(0, await store.CountAllAsync());
        Assert.NotNull(services.GetRequiredService<SubscriberImporter>());
        Assert.NotNull(services.GetRequiredService<SubscriberExporter>());
        Assert.Same(services.GetRequiredService<NewsletterDatabase>(), services.GetRequiredService<NewsletterDatabase>());
    }

    [Fact]
    public async Task Without_a_configured_secret_nodes_on_one_database_share_the_generated_one()
    {
        await using var first = Build();
        await using var second = Build();
        var token = first.GetRequiredService<SubscriberTokens>().Create(TokenPurpose.Unsubscribe, 42, 7);
        Assert.True(second.GetRequiredService<SubscriberTokens>().TryVerify(token, TokenPurpose.Unsubscribe, out var s, out var c));
        Assert.Equal((42L, 7L), (s, c));

        await using var configured = Build("a configured secret, long enough");
        Assert.False(configured.GetRequiredService<SubscriberTokens>().TryVerify(token, TokenPurpose.Unsubscribe, out _, out _));
        Assert.True(SubscriberTokens.FromText("a configured secret, long enough")
            .TryVerify(configured.GetRequiredService<SubscriberTokens>().Create(TokenPurpose.View, 1), TokenPurpose.View, out _, out _));
    }

    [Fact]
    public async Task A_short_configured_secret_is_refused()
    {
        await using var services = Build("short");
        Assert.Throws<DatabaseConfigurationException>(() => services.GetRequiredService<SubscriberTokens>());
    }
}
