using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Newsletter.Core.Users;
using Newsletter.Web.Accounts;
using Newsletter.Testing;
using Xunit.Abstractions;

namespace Newsletter.Web.Tests.Accounts;

/// <summary>
/// The sign-in race, lock expiry, per-address throttling and the indistinguishable refusals, each on an app of its own
/// (real Kestrel, real SQLite) so their failures do not spend another test's budget.
/// </summary>
public sealed partial class SignInHardeningTests(ITestOutputHelper output)
{
    private static Dictionary<string, string?> Settings(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => (string?)p.Value);

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string login, string password) =>
        await WebApp.PostFormAsync(client, "/Account/Login", new() { ["UserName"] = login, ["Password"] = password });

    private static bool SignedIn(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.Redirect &&
        response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("nl.auth=", StringComparison.Ordinal));

    [Fact]
    [Requires("postgres")]
    public Task Forty_parallel_guesses_on_postgresql_count_at_most_the_threshold() =>
        Forty_parallel_guesses_count_at_most_the_threshold_and_the_right_password_is_refused_while_locked("postgres");

    [Theory]
    [InlineData("sqlite")]   // PostgreSQL: the fact above, marked as needing the server
    public async Task Forty_parallel_guesses_count_at_most_the_threshold_and_the_right_password_is_refused_while_locked(string provider)
    {
        const int threshold = 5;
        var settings = Settings(("Web:LockoutThreshold", "5"), ("Web:ClientSignInLimit", "1000"));
        await using var postgres = provider == "postgres" ? await ScratchPostgres.CreateAsync() : null;
        if (postgres is not null)
        {
            settings["Database:Provider"] = "postgres";
            settings["Database:ConnectionString"] = postgres.ConnectionString;
        }
        await using var app = await WebApp.StartAsync(settings: settings);
        var users = app.Services.GetRequiredService<IUserStore>();
        await users.AddAsync("racer", UserRole.Admin, Passwords.Hash(WebApp.Password));

        // Forty browsers, each with its own antiforgery token, all posting at once.
        var clients = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => app.ClientAsync()));
        var forms = await Task.WhenAll(clients.Select(async c => WebApp.Token(await c.GetStringAsync("/Account/Login"))));
        using var start = new ManualResetEventSlim();
        var posts = clients.Select((c, i) => Task.Run(async () =>
        {
            start.Wait();
            return await c.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["UserName"] = "racer", ["Password"] = "wrong guess number " + i, ["__RequestVerificationToken"] = forms[i],
            }));
        })).ToList();
        start.Set();
        var responses = await Task.WhenAll(posts);

        var account = (await users.FindAsync("racer"))!;
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.True(account.FailedAttempts <= threshold, $"{account.FailedAttempts} failures counted, threshold {threshold}");
        Assert.True(account.LockedUntil > DateTimeOffset.UtcNow, "the account is locked");

        using var client = await app.ClientAsync();
        using var right = await SignInAsync(client, "racer", WebApp.Password);
        Assert.False(SignedIn(right), "the right password signed in while the account was locked");
        Assert.Contains("用户名或密码错误", await right.Content.ReadAsStringAsync());
        foreach (var c in clients) c.Dispose();
    }

    [Fact]
    public async Task A_lock_expires_and_the_failure_count_starts_again()
    {
        await using var app = await WebApp.StartAsync(settings: Settings(("Web:LockoutThreshold", "3"), ("Web:LockoutDuration", "00:00:02")));
        var users = app.Services.GetRequiredService<IUserStore>();
        await users.AddAsync("sleeper", UserRole.Editor, Passwords.Hash(WebApp.Password));
        using var client = await app.ClientAsync();
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await SignInAsync(client, "sleeper", "wrong password " + i);
        }
        var locked = (await users.FindAsync("sleeper"))!;
        Assert.True(locked.LockedUntil > DateTimeOffset.UtcNow, "locked after 3 failures");
        using (var whileLocked = await SignInAsync(client, "sleeper", WebApp.Password)) Assert.False(SignedIn(whileLocked));

        // Wait (bounded) for the lock to run out.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTimeOffset.UtcNow <= locked.LockedUntil!.Value.AddMilliseconds(200) && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(DateTimeOffset.UtcNow > locked.LockedUntil, $"the lock until {locked.LockedUntil:O} did not run out by the deadline");

        using (var oneWrong = await SignInAsync(client, "sleeper", "wrong again"))
        {
            Assert.False(SignedIn(oneWrong));
        }
        var after = (await users.FindAsync("sleeper"))!;
        Assert.Equal(1, after.FailedAttempts);
        Assert.False(after.IsLockedAt(DateTimeOffset.UtcNow), "one failure after the lock ran out locked the account again");
        using var right = await SignInAsync(client, "sleeper", WebApp.Password);
        Assert.True(SignedIn(right), $"the right password after the lock: {(int)right.StatusCode}");
        Assert.Equal(0, (await users.FindAsync("sleeper"))!.FailedAttempts);
    }

    [Fact]
    public async Task An_unknown_and_a_locked_login_get_the_same_answer()
    {
        await using var app = await WebApp.StartAsync(settings: Settings(("Web:LockoutThreshold", "2"), ("Web:ClientSignInLimit", "1000")));
        var users = app.Services.GetRequiredService<IUserStore>();
        await users.AddAsync("known-user", UserRole.Editor, Passwords.Hash(WebApp.Password));
        using var client = await app.ClientAsync();
        for (var i = 0; i < 2; i++)
        {
            using var wrong = await SignInAsync(client, "known-user", "wrong password " + i);
        }

        // Same length logins, so the echoed field does not differ either.
        using var locked = await SignInAsync(client, "known-user", WebApp.Password);
        using var unknown = await SignInAsync(client, "nobody-xyz", WebApp.Password);
        using var wrongPassword = await SignInAsync(client, WebApp.EditorLogin, "not the password");

        Assert.Equal(locked.StatusCode, unknown.StatusCode);
        Assert.Equal(Normalize(await locked.Content.ReadAsStringAsync(), "known-user"), Normalize(await unknown.Content.ReadAsStringAsync(), "nobody-xyz"));
        Assert.Equal(Normalize(await locked.Content.ReadAsStringAsync(), "known-user"), Normalize(await wrongPassword.Content.ReadAsStringAsync(), WebApp.EditorLogin));

        // The time: measured and shown (no bound asserted on a shared machine); both paths verify one hash.
        var lockedTimes = new List<double>();
        var unknownTimes = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            lockedTimes.Add(await TimeAsync(client, "known-user"));
            unknownTimes.Add(await TimeAsync(client, "nobody-xyz"));
        }
        output.WriteLine($"median sign-in answer: locked {Median(lockedTimes):0.0} ms, unknown {Median(unknownTimes):0.0} ms");
    }

    [Fact]
    public async Task One_client_address_is_throttled_across_logins_while_another_signs_in()
    {
        await using var app = await WebApp.StartAsync(settings: Settings(("Web:ClientSignInLimit", "3")));
        using var attacker = await app.ClientAsync();
        attacker.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.9");
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await SignInAsync(attacker, "guess-" + i, "wrong password " + i);
        }

        using var attackerRight = await SignInAsync(attacker, WebApp.AdminLogin, WebApp.Password);
        using var office = await app.ClientAsync();
        office.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.10");
        using var officeRight = await SignInAsync(office, WebApp.AdminLogin, WebApp.Password);

        Assert.False(SignedIn(attackerRight), "the throttled address signed in");
        Assert.Contains("用户名或密码错误", await attackerRight.Content.ReadAsStringAsync());
        Assert.True(SignedIn(officeRight), "another address is not throttled");
        Assert.Equal(0, (await app.Services.GetRequiredService<IUserStore>().FindAsync(WebApp.AdminLogin))!.FailedAttempts);
    }

    private static async Task<double> TimeAsync(HttpClient client, string login)
    {
        var page = await client.GetStringAsync("/Account/Login");
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = login, ["Password"] = WebApp.Password, ["__RequestVerificationToken"] = WebApp.Token(page),
        });
        var watch = Stopwatch.StartNew();
        using var response = await client.PostAsync("/Account/Login", form);
        await response.Content.ReadAsStringAsync();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>The page without what differs by design: the antiforgery token and the echoed login.</summary>
    private static string Normalize(string html, string login) =>
        TokenValue().Replace(html, "value=\"TOKEN\"").Replace($"value=\"{login}\"", "value=\"LOGIN\"", StringComparison.Ordinal);

    [GeneratedRegex("(?<=name=\"__RequestVerificationToken\" type=\"hidden\" )value=\"[^\"]+\"")]
    private static partial Regex TokenValue();
}

/// <summary>A PostgreSQL database of its own on the test server, dropped at the end.</summary>
internal sealed class ScratchPostgres : IAsyncDisposable
{
    private readonly string _name = "newsletter_web_" + Guid.NewGuid().ToString("N")[..16];

    public string ConnectionString => new Npgsql.NpgsqlConnectionStringBuilder(Testing.TestEnvironment.PostgresConnectionString) { Database = _name }.ToString();

    public static async Task<ScratchPostgres> CreateAsync()
    {
        var scratch = new ScratchPostgres();
        await using var connection = new Npgsql.NpgsqlConnection(Testing.TestEnvironment.PostgresConnectionString);
        await connection.OpenAsync();
        await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {scratch._name} ENCODING 'UTF8'", connection);
        await create.ExecuteNonQueryAsync();
        return scratch;
    }

    public async ValueTask DisposeAsync()
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        await using var connection = new Npgsql.NpgsqlConnection(Testing.TestEnvironment.PostgresConnectionString);
        await connection.OpenAsync();
        await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
