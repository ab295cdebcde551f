using System.Net;
using Newsletter.Core.Users;

namespace Newsletter.Web.Tests.Accounts;

public sealed class SignInTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp App => fixture.App;

    [Fact]
    public async Task Repeated_failures_lock_the_account_even_for_the_right_password()
    {
        var users = App.Services.GetRequiredService<IUserStore>();
        await users.AddAsync("lockme", UserRole.Editor, Web.Accounts.Passwords.Hash(WebApp.Password));
        using var client = await App.ClientAsync();

        for (var i = 0; i < new WebOptions().LockoutThreshold; i++)
        {
            using var wrong = await WebApp.PostFormAsync(client, "/Account/Login", new() { ["UserName"] = "lockme", ["Password"] = "wrong password " + i });
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }
        using var right = await WebApp.PostFormAsync(client, "/Account/Login", new() { ["UserName"] = "lockme", ["Password"] = WebApp.Password });

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.DoesNotContain("nl.auth=", string.Join(";", right.Headers.TryGetValues("Set-Cookie", out var set) ? set : []));
        Assert.Contains("暂时锁定", await right.Content.ReadAsStringAsync());
        Assert.True((await users.FindAsync("lockme"))!.LockedUntil > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_without_saying_which_part_was_wrong()
    {
        using var client = await App.ClientAsync();

        using var wrongPassword = await WebApp.PostFormAsync(client, "/Account/Login", new() { ["UserName"] = WebApp.EditorLogin, ["Password"] = "nope nope nope" });
        using var unknownUser = await WebApp.PostFormAsync(client, "/Account/Login", new() { ["UserName"] = "nobody-here", ["Password"] = "nope nope nope" });

        Assert.Equal(HttpStatusCode.OK, wrongPassword.StatusCode);
        Assert.Contains("用户名或密码错误", await wrongPassword.Content.ReadAsStringAsync());
        Assert.Contains("用户名或密码错误", await unknownUser.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_sign_in_cookie_is_http_only_and_same_site_strict()
    {
        using var client = await App.ClientAsync();

        using var response = await WebApp.PostFormAsync(client, "/Account/Login", new() { ["UserName"] = WebApp.AdminLogin, ["Password"] = WebApp.Password });

        var cookie = response.Headers.GetValues("Set-Cookie").Single(v => v.StartsWith("nl.auth=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", cookie);
        Assert.Contains("samesite=strict", cookie);
    }

    [Fact]
    public async Task A_removed_user_is_signed_out_at_the_next_request()
    {
        var users = App.Services.GetRequiredService<IUserStore>();
        await users.AddAsync("leaving", UserRole.Admin, Web.Accounts.Passwords.Hash(WebApp.Password));
        using var client = await App.ClientAsync("leaving");
        using (var before = await client.GetAsync("/Subscribers")) Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        await users.RemoveAsync("leaving");
        using var after = await client.GetAsync("/Subscribers");

        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Contains("/Account/Login", after.Headers.Location!.ToString());
    }
}
