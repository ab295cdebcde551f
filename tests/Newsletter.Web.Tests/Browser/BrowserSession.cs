using Microsoft.Playwright;
using Newsletter.Testing;

namespace Newsletter.Web.Tests.Browser;

/// <summary>
/// Debian's Chromium driven by Playwright for .NET (its bundled driver; no browser is downloaded), headless, and a
/// folder for screenshots (<c>TestResults/screenshots</c>, ignored by git).
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private static readonly string[] LaunchArguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;

    private BrowserSession(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static string ScreenshotDirectory { get; } = Path.Combine(TestEnvironment.RepositoryRoot, "TestResults", "screenshots");

    public static async Task<BrowserSession> StartAsync()
    {
        var executable = TestEnvironment.ChromiumPath;
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            Args = LaunchArguments,
        });
        return new BrowserSession(playwright, browser);
    }

    public Task<IBrowserContext> NewContextAsync(string baseUrl, int width = 1400) => Browser.NewContextAsync(new BrowserNewContextOptions
    {
        BaseURL = baseUrl,
        ViewportSize = new ViewportSize { Width = width, Height = 1000 },
        Locale = "zh-CN",
    });

    /// <summary>Signs <paramref name="login"/> (password <see cref="WebApp.Password"/>) in on the login page and waits for the dashboard.</summary>
    public static async Task SignInAsync(IPage page, string baseUrl, string login)
    {
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("input[name=UserName]", login);
        await page.FillAsync("input[name=Password]", WebApp.Password);
        await page.ClickAsync("main button[type=submit]");
        await Assertions.Expect(page).ToHaveURLAsync(baseUrl + "/", new PageAssertionsToHaveURLOptions { Timeout = 30_000 });
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
