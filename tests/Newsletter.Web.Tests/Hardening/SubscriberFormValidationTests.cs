using System.Net;

namespace Newsletter.Web.Tests.Hardening;

/// <summary>The admin form refuses what the importer refuses, with the importer's (and the CLI's) messages, in the admin's language (简体中文 by default).</summary>
public sealed class SubscriberFormValidationTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp App => fixture.App;

    public static TheoryData<string, string, string> Refused => new()
    {
        { "Name", "\u001b]0;pwned\u0007\u001b[2J王", "含有控制字符" },
        { "Organisation", "许昌市科技局\r\nBcc: x@example.org", "含有控制字符" },
        { "Title", "=HYPERLINK(\"http://evil.example\",\"局长\")", "像表格公式" },
        { "District", "+禹州市", "像表格公式" },
        { "Salutation", "@尊敬的王局长", "像表格公式" },
        { "Name", "-王", "像表格公式" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_field_the_importer_refuses_is_refused_with_its_message_and_nothing_is_stored(string field, string value, string message)
    {
        var email = $"v-{Guid.NewGuid():N}@example.org";
        var fields = new Dictionary<string, string> { ["Email"] = email, ["Name"] = "王五", ["SegmentKeys"] = "municipal", [field] = value };
        using var admin = await App.ClientAsync(WebApp.AdminLogin);

        using var response = await WebApp.PostFormAsync(admin, "/Subscribers/Edit", fields, "/Subscribers/Edit?handler=Save");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(message, html);
        Assert.DoesNotContain("\u001b", html, StringComparison.Ordinal);
        Assert.Null(await App.Subscribers.FindByEmailAsync(email));
    }

    [Fact]
    public async Task An_edit_cannot_slip_a_control_character_into_a_stored_subscriber()
    {
        var subscriber = await App.AddSubscriberAsync($"e-{Guid.NewGuid():N}@example.org", "赵六", "county");
        using var admin = await App.ClientAsync(WebApp.AdminLogin);
        var url = $"/Subscribers/Edit/{subscriber.Id}";

        using var response = await WebApp.PostFormAsync(admin, url, new()
        {
            ["Email"] = subscriber.Email, ["Name"] = "赵六\u001b[2J", ["SegmentKeys"] = "county",
        }, url + "?handler=Save");

        Assert.Contains("姓名：含有控制字符", await response.Content.ReadAsStringAsync());
        Assert.Equal("赵六", (await App.Subscribers.FindByIdAsync(subscriber.Id))!.Name);
    }
}
