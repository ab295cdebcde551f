using System.Net;
using System.Text.RegularExpressions;
using Newsletter.Data;
using Newsletter.Core.Users;
using Newsletter.Data.Users;
using Newsletter.Testing;
using Newsletter.Web.Accounts;
using Npgsql;

namespace Newsletter.Cli.Tests.Commands;

/// <summary>
/// <c>newsletter serve</c> as operators run it: several nodes on one PostgreSQL share the data-protection keys
/// (encrypted in the database), and a PostgreSQL that cannot be reached is one clear line, not "this is a bug".
/// </summary>
[Slow]
public sealed partial class ServeHardeningTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private const string Password = "correct horse battery";
    private readonly string _name = "newsletter_dp_" + Guid.NewGuid().ToString("N")[..16];
    private bool _created;

    private string Database => new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresConnectionString) { Database = _name }.ToString();

    [Fact]
    [Requires("postgres")]
    public async Task Two_nodes_on_one_PostgreSQL_accept_each_others_cookies_and_form_tokens()
    {
        using (var connection = new NpgsqlConnection(TestEnvironment.PostgresConnectionString))
        {
            connection.Open();
            using var create = new NpgsqlCommand($"CREATE DATABASE {_name} ENCODING 'UTF8'", connection);
            create.ExecuteNonQuery();
            _created = true;
        }
        await using (var database = new NewsletterDatabase(new DatabaseOptions { Provider = "postgres", ConnectionString = Database }))
        {
            await new UserStore(database, TimeProvider.System).AddAsync("zhang", UserRole.Admin, Passwords.Hash(Password));
        }
        using var workspace = CliProcess.NewWorkspace();
        // Each node has a HOME of its own, as two machines would: keys kept in ~/.aspnet would not be shared.
        using var homeA = new TempDirectory("home-a");
        using var homeB = new TempDirectory("home-b");
        var (portA, portB) = (SmtpSink.FreePort(), SmtpSink.FreePort());
        using var a = new ServeProcess(workspace.Path, Environment(homeA.Path), "--urls", $"http://127.0.0.1:{portA}");
        using var b = new ServeProcess(workspace.Path, Environment(homeB.Path), "--urls", $"http://127.0.0.1:{portB}");
        Assert.True(a.WaitForOutput("serving", Bound), a.Output);
        Assert.True(b.WaitForOutput("serving", Bound), b.Output);

        // One browser: cookies are per host, not per port, so both nodes see the same cookie jar — as behind a balancer.
        var jar = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = jar, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
        var nodeA = $"http://127.0.0.1:{portA}";
        var nodeB = $"http://127.0.0.1:{portB}";
        await WaitForHealthAsync(browser, nodeA, a);
        await WaitForHealthAsync(browser, nodeB, b);

        var loginPage = await browser.GetStringAsync(nodeA + "/Account/Login");
        using var signIn = await browser.PostAsync(nodeA + "/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "zhang", ["Password"] = Password, ["__RequestVerificationToken"] = Token(loginPage),
        }));
        Assert.True(signIn.StatusCode == HttpStatusCode.Redirect, $"sign-in on A: {(int)signIn.StatusCode}\n{a.Output}");

        // A's cookie on B.
        using var onB = await browser.GetAsync(nodeB + "/Issues");
        Assert.True(onB.StatusCode == HttpStatusCode.OK, $"A's sign-in cookie on B: {(int)onB.StatusCode} {onB.Headers.Location}\n{b.Output}");

        // A's form token posted to B.
        var issuesOnA = await browser.GetStringAsync(nodeA + "/Issues");
        using var logoutOnB = await browser.PostAsync(nodeB + "/Account/Logout",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = Token(issuesOnA) }));
        Assert.True(logoutOnB.StatusCode == HttpStatusCode.Redirect, $"A's form token on B: {(int)logoutOnB.StatusCode}\n{b.Output}");
        Assert.Equal("/Account/Login", logoutOnB.Headers.Location?.ToString());

        // The key ring is in the database, encrypted.
        using var pg = new NpgsqlConnection(Database);
        pg.Open();
        using var select = new NpgsqlCommand("SELECT xml FROM data_protection_keys", pg);
        using var reader = select.ExecuteReader();
        var keys = new List<string>();
        while (reader.Read()) keys.Add(reader.GetString(0));
        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.Contains("aesGcm", k));
        Assert.All(keys, k => Assert.DoesNotContain("<masterKey", k));
        Assert.False(Directory.Exists(Path.Combine(homeA.Path, ".aspnet", "DataProtection-Keys")) &&
                     Directory.EnumerateFiles(Path.Combine(homeA.Path, ".aspnet", "DataProtection-Keys")).Any(), "keys were written to HOME");

        Assert.Equal(0, a.Stop(Bound));
        Assert.Equal(0, b.Stop(Bound));
    }

    [Fact]
    public void An_unreachable_PostgreSQL_is_one_clear_line()
    {
        using var workspace = CliProcess.NewWorkspace();
        var closed = SmtpSink.FreePort();
        var result = CliProcess.Run(workspace.Path, new Dictionary<string, string>
        {
            ["NEWSLETTER_Database__Provider"] = "postgres",
            ["NEWSLETTER_Database__ConnectionString"] = $"Host=127.0.0.1;Port={closed};Database=newsletter;Username=newsletter;Password=secret-pw;Timeout=5",
        }, "serve", "--urls", "http://127.0.0.1:0");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Errors.Trim().Split('\n'));
        Assert.StartsWith("error: cannot reach the PostgreSQL database (127.0.0.1:" + closed + "/newsletter)", line);
        Assert.DoesNotContain("bug", line);
        Assert.DoesNotContain("secret-pw", result.Stderr + result.Stdout);
    }

    private Dictionary<string, string> Environment(string home) => new()
    {
        ["HOME"] = home,
        ["NEWSLETTER_Database__Provider"] = "postgres",
        ["NEWSLETTER_Database__ConnectionString"] = Database,
        ["NEWSLETTER_Delivery__Transport"] = "pickup",
    };

    private static async Task WaitForHealthAsync(HttpClient client, string node, ServeProcess process)
    {
        var deadline = DateTime.UtcNow + Bound;
        var last = "";
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var response = await client.GetAsync(node + "/healthz");
                if (response.StatusCode == HttpStatusCode.OK) return;
                last = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            await Task.Delay(200);
        }
        Assert.Fail($"{node} not healthy ({last}):\n{process.Output}");
    }

    private static string Token(string html)
    {
        var match = TokenPattern().Match(html);
        Assert.True(match.Success, "no antiforgery token in the page");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public void Dispose()
    {
        if (!_created) return;
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(TestEnvironment.PostgresConnectionString);
        connection.Open();
        using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
        drop.ExecuteNonQuery();
    }
}
