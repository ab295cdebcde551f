using System.Net;
using Newsletter.Core.Users;
using Newsletter.Web.Accounts;

namespace Newsletter.Web.Tests.Accounts;

/// <summary>Every session carries the account's security stamp: a new password, logout or "sign out everywhere" ends the old cookies.</summary>
public sealed class SessionStampTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp App => fixture.App;

    private IUserStore Users => App.Services.GetRequiredService<IUserStore>();

    /// <summary>A browser signed in as <paramref name="login"/>, with its cookie jar at hand.</summary>
    private async Task<(HttpClient Client, CookieContainer Jar)> BrowserAsync(string login)
    {
        var jar = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = jar, UseCookies = true }) { BaseAddress = new Uri(App.BaseUrl) };
        using var response = await WebApp.PostFormAsync(client, "/Account/Login", new() { ["UserName"] = login, ["Password"] = WebApp.Password });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return (client, jar);
    }

    /// <summary>A second browser holding a copy of <paramref name="jar"/>'s cookies.</summary>
    private HttpClient CopyOf(CookieContainer jar)
    {
        var uri = new Uri(App.BaseUrl);
        var copy = new CookieContainer();
        foreach (Cookie cookie in jar.GetCookies(uri)) copy.Add(uri, new Cookie(cookie.Name, cookie.Value, "/"));
        return new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = copy, UseCookies = true }) { BaseAddress = uri };
    }

    private static async Task AssertSignedInAsync(HttpClient client, string because)
    {
        using var response = await client.GetAsync("/Issues");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{because}: {(int)response.StatusCode} {response.Headers.Location}");
    }

    private static async Task AssertSignedOutAsync(HttpClient client, string because)
    {
        using var response = await client.GetAsync("/Issues");
        Assert.True(response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.ToString().Contains("/Account/Login", StringComparison.Ordinal),
            $"{because}: {(int)response.StatusCode} {response.Headers.Location}");
    }

    [Fact]
    public async Task A_cookie_from_before_a_password_reset_is_refused()
    {
        await Users.AddAsync("reset-me", UserRole.Editor, Passwords.Hash(WebApp.Password));
        using var client = await App.ClientAsync("reset-me");
        await AssertSignedInAsync(client, "before the reset");

        await Users.SetPasswordAsync("reset-me", Passwords.Hash("a brand new password"));

        await AssertSignedOutAsync(client, "after the reset");
    }

    [Fact]
    public async Task A_copied_cookie_dies_when_its_session_logs_out()
    {
        await Users.AddAsync("copied", UserRole.Editor, Passwords.Hash(WebApp.Password));
        var (browser, jar) = await BrowserAsync("copied");
        using var _ = browser;
        using var thief = CopyOf(jar);
        await AssertSignedInAsync(thief, "the copy works before the logout");

        using var logout = await WebApp.PostFormAsync(browser, "/Issues", [], "/Account/Logout");
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        await AssertSignedOutAsync(thief, "the copy after the logout");
        await AssertSignedOutAsync(browser, "the browser after its logout");
    }

    [Fact]
    public async Task An_admin_signs_a_user_out_everywhere()
    {
        await Users.AddAsync("everywhere", UserRole.Editor, Passwords.Hash(WebApp.Password));
        using var laptop = await App.ClientAsync("everywhere");
        using var phone = await App.ClientAsync("everywhere");
        using var admin = await App.ClientAsync(WebApp.AdminLogin);

        using var response = await WebApp.PostFormAsync(admin, "/Users", new() { ["login"] = "everywhere" }, "/Users?handler=SignOut");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("everywhere 的所有登录已注销", await response.Content.ReadAsStringAsync());
        await AssertSignedOutAsync(laptop, "laptop");
        await AssertSignedOutAsync(phone, "phone");
        await AssertSignedInAsync(admin, "the admin's own session");
    }

    [Fact]
    public async Task A_role_change_ends_the_sessions()
    {
        await Users.AddAsync("promoted", UserRole.Editor, Passwords.Hash(WebApp.Password));
        using var client = await App.ClientAsync("promoted");

        await Users.SetRoleAsync("promoted", UserRole.Admin);

        await AssertSignedOutAsync(client, "after the role change");
    }

    [Theory]
    [InlineData("short pass", "至少 12 个字符")]
    [InlineData("             ", "不能只有空格")]
    [InlineData("new-person-2024", "不能是用户名")]
    [InlineData("Password2024!", "常见密码")]
    [InlineData("qwertyqwerty", "常见密码")]
    [InlineData("123456789012", "常见密码")]
    public async Task The_users_page_refuses_weak_passwords_with_the_reason(string password, string reason)
    {
        using var admin = await App.ClientAsync(WebApp.AdminLogin);

        using var response = await WebApp.PostFormAsync(admin, "/Users",
            new() { ["NewLogin"] = "new-person", ["NewRole"] = "editor", ["NewPassword"] = password }, "/Users?handler=Add");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync());
        Assert.Null(await Users.FindAsync("new-person"));
    }
}
