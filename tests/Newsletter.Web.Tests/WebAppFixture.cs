namespace Newsletter.Web.Tests;

/// <summary>One <see cref="WebApp"/> shared by the tests of a class (each test uses its own data).</summary>
public sealed class WebAppFixture : IAsyncLifetime
{
    private WebApp? _app;

    public WebApp App => _app ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _app = await WebApp.StartAsync();

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
