using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Newsletter.Core.Audience;
using Newsletter.Core.Issues;
using Newsletter.Core.Users;
using Newsletter.Data;
using Newsletter.Testing;
using Newsletter.Web.Accounts;

namespace Newsletter.Web.Tests;

/// <summary>
/// The web app on a real loopback port with a real SQLite file in a temporary folder, as <c>newsletter serve</c> runs
/// it. Mail goes to <see cref="SmtpSink"/> when one is given, else to a pickup folder. Seeds one admin and one editor.
/// </summary>
public sealed partial class WebApp : IAsyncDisposable
{
    public const string AdminLogin = "admin";
    public const string EditorLogin = "editor";
    public const string Password = "correct horse battery";

    // Hashed once per test process, not twice per app: a hash is deliberately slow (PBKDF2), and the seeded users'
    // hashes are only ever verified (issue 16: the fast loop).
    private static readonly Lazy<string> PasswordHash = new(() => Passwords.Hash(Password));

    private readonly TempDirectory _folder;

    private WebApp(WebApplication app, string baseUrl, TempDirectory folder)
    {
        App = app;
        BaseUrl = baseUrl;
        _folder = folder;
    }

    /// <summary>The temporary folder holding the database, uploads and the pickup outbox.</summary>
    public string Folder => _folder.Path;

    public WebApplication App { get; }

    /// <summary>E.g. <c>http://127.0.0.1:41234</c>, no trailing slash.</summary>
    public string BaseUrl { get; }

    public IServiceProvider Services => App.Services;

    public ISubscriberStore Subscribers => Services.GetRequiredService<ISubscriberStore>();

    /// <param name="configure">Maps extra (test) endpoints before the app starts.</param>
    public static async Task<WebApp> StartAsync(SmtpSink? sink = null, IDictionary<string, string?>? settings = null, Action<WebApplication>? configure = null)
    {
        var folder = new TempDirectory("web-test");
        var port = SmtpSink.FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var config = new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = $"Data Source={folder.File("newsletter.db")}",
            ["Templates:Directory"] = Path.Combine(TestEnvironment.RepositoryRoot, "templates"),
            ["Web:IssuesDirectory"] = folder.File("issues"),
            ["Web:ImportsDirectory"] = folder.File("imports"),
            ["PublicBaseUrl"] = baseUrl,
            ["Delivery:Transport"] = sink is null ? "Pickup" : "Smtp",
            ["Delivery:PickupDirectory"] = folder.File("outbox"),
            ["Smtp:Host"] = sink?.Host ?? "127.0.0.1",
            ["Smtp:Port"] = (sink?.Port ?? 25).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:Security"] = "None",
            ["Smtp:Connections"] = "2",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }
        // The same builder as `newsletter serve`, with the settings of this test.
        var builder = NewsletterWeb.CreateBuilder(new ConfigurationBuilder().AddInMemoryCollection(config).Build(), baseUrl, folder.Path);
        builder.Logging.ClearProviders();
        // As serve composes it: the application (AddNewsletter), then the web on top.
        builder.Services.AddNewsletter(builder.Configuration);
        builder.Services.AddNewsletterWeb(builder.Configuration);
        var app = builder.Build();
        app.MapNewsletterWeb();
        configure?.Invoke(app);
        await app.StartAsync();

        var web = new WebApp(app, baseUrl, folder);
        var users = app.Services.GetRequiredService<IUserStore>();
        await users.AddAsync(AdminLogin, UserRole.Admin, PasswordHash.Value);
        await users.AddAsync(EditorLogin, UserRole.Editor, PasswordHash.Value);
        return web;
    }

    /// <summary>A client with its own cookie jar that follows no redirects; signed in as <paramref name="login"/> when given.</summary>
    public async Task<HttpClient> ClientAsync(string? login = null)
    {
        var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer(), UseCookies = true };
        var client = new HttpClient(handler) { BaseAddress = new Uri(BaseUrl) };
        if (login is not null)
        {
            var response = await PostFormAsync(client, "/Account/Login", new() { ["UserName"] = login, ["Password"] = Password });
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"sign-in as {login} failed: {(int)response.StatusCode}");
        }
        return client;
    }

    /// <summary>GETs <paramref name="pageUrl"/>, takes the antiforgery token from its form and POSTs the fields to <paramref name="action"/> (default the same URL).</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string pageUrl, Dictionary<string, string> fields, string? action = null)
    {
        var page = await client.GetStringAsync(pageUrl);
        var form = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = Token(page) };
        return await client.PostAsync(action ?? pageUrl, new FormUrlEncodedContent(form));
    }

    public static string Token(string html)
    {
        var match = TokenPattern().Match(html);
        Assert.True(match.Success, "no antiforgery token in the page");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>Adds an active subscriber.</summary>
    public Task<Subscriber> AddSubscriberAsync(string email, string name, params string[] segments) =>
        Subscribers.AddAsync(new SubscriberDraft(email, name, "许昌市测试单位", "局长", segments, null, []));

    /// <summary>
    /// Stores the reviewed sample issue as an upload, under a file name of its own: an issue without 期号 is known by
    /// its file name, so uploads of different tests never meet as "the same issue".
    /// </summary>
    public Task<UploadedIssue> UploadSampleAsync() =>
        Services.GetRequiredService<Issues.UploadedIssueStore>().AddAsync($"sample-{Guid.NewGuid():N}.md",
            File.ReadAllBytes(Path.Combine(TestEnvironment.RepositoryRoot, "seeds", "sample-issue.md")), "sample", AdminLogin, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        _folder.Dispose();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
