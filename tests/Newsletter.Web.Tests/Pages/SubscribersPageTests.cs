using System.Net;
using System.Text.RegularExpressions;
using Newsletter.Core.Audience;

namespace Newsletter.Web.Tests.Pages;

public sealed partial class SubscribersPageTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp App => fixture.App;

    [Fact]
    public async Task Pages_follow_on_by_id_without_gaps_or_repeats()
    {
        var tag = "p" + Guid.NewGuid().ToString("N")[..8];
        var added = new List<long>();
        for (var i = 0; i < 120; i++)
        {
            added.Add((await App.Subscribers.AddAsync(new SubscriberDraft($"{tag}-{i}@example.org", "翻页" + i, tag, null, ["county"], null, []))).Id);
        }
        using var admin = await App.ClientAsync(WebApp.AdminLogin);

        var seen = new List<long>();
        var url = $"/Subscribers?q={tag}";
        var pages = 0;
        while (url is not null && pages++ < 10)
        {
            var html = await admin.GetStringAsync(url);
            seen.AddRange(RowId().Matches(html).Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
            var next = NextLink().Match(html);
            url = next.Success ? WebUtility.HtmlDecode(next.Groups[1].Value) : null;
        }

        Assert.Equal(3, pages);
        Assert.Equal(added, seen);
    }

    [Fact]
    public async Task Filters_by_status_and_segment()
    {
        var tag = "f" + Guid.NewGuid().ToString("N")[..8];
        var active = await App.Subscribers.AddAsync(new SubscriberDraft($"{tag}-a@example.org", "甲", tag, null, ["enterprise"], null, []));
        var gone = await App.Subscribers.AddAsync(new SubscriberDraft($"{tag}-b@example.org", "乙", tag, null, ["enterprise"], null, []));
        var other = await App.Subscribers.AddAsync(new SubscriberDraft($"{tag}-c@example.org", "丙", tag, null, ["municipal"], null, []));
        await App.Subscribers.UnsubscribeAsync(gone.Id, "test");
        using var admin = await App.ClientAsync(WebApp.AdminLogin);

        var unsubscribed = await admin.GetStringAsync($"/Subscribers?q={tag}&status=unsubscribed");
        var enterprise = await admin.GetStringAsync($"/Subscribers?q={tag}&segment=enterprise");

        Assert.Equal([gone.Id], RowId().Matches(unsubscribed).Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal([active.Id, gone.Id], RowId().Matches(enterprise).Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.DoesNotContain(other.Email, enterprise);
    }

    [Fact]
    public async Task Add_edit_unsubscribe_and_remove_through_the_forms()
    {
        var email = $"form-{Guid.NewGuid():N}@example.org";
        using var admin = await App.ClientAsync(WebApp.AdminLogin);

        using var add = await WebApp.PostFormAsync(admin, "/Subscribers/Edit", new()
        {
            ["Email"] = email, ["Name"] = "孙七", ["Organisation"] = "许昌市科技局", ["Title"] = "局长", ["SegmentKeys"] = "municipal",
            ["Industries"] = "新材料、食品",
        }, "/Subscribers/Edit?handler=Save");
        Assert.Equal(HttpStatusCode.Redirect, add.StatusCode);
        var added = await App.Subscribers.FindByEmailAsync(email);
        Assert.NotNull(added);
        Assert.Equal(["新材料", "食品"], added.Industries);
        Assert.Equal("尊敬的孙局长", added.Salutation);

        var editUrl = $"/Subscribers/Edit/{added.Id}";
        using var edit = await WebApp.PostFormAsync(admin, editUrl, new()
        {
            ["Email"] = email, ["Name"] = "孙七", ["Organisation"] = "许昌市发改委", ["Title"] = "局长", ["SegmentKeys"] = "county", ["Salutation"] = "尊敬的孙局长",
        }, editUrl + "?handler=Save");
        Assert.Equal(HttpStatusCode.Redirect, edit.StatusCode);
        var edited = (await App.Subscribers.FindByIdAsync(added.Id))!;
        Assert.Equal("许昌市发改委", edited.Organisation);
        Assert.Equal(["county"], edited.Segments);

        using var unsubscribe = await WebApp.PostFormAsync(admin, editUrl, [], editUrl + "?handler=Unsubscribe");
        Assert.Equal(SubscriberStatus.Unsubscribed, (await App.Subscribers.FindByIdAsync(added.Id))!.Status);

        using var remove = await WebApp.PostFormAsync(admin, editUrl, [], editUrl + "?handler=Remove");
        Assert.Null(await App.Subscribers.FindByIdAsync(added.Id));
        Assert.True(await App.Subscribers.IsSuppressedAsync(email));
    }

    [Fact]
    public async Task A_bad_address_is_shown_as_an_error_and_nothing_is_stored()
    {
        using var admin = await App.ClientAsync(WebApp.AdminLogin);

        using var response = await WebApp.PostFormAsync(admin, "/Subscribers/Edit", new()
        {
            ["Email"] = "no-at-sign", ["Name"] = "错", ["SegmentKeys"] = "municipal",
        }, "/Subscribers/Edit?handler=Save");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("邮箱地址无效", await response.Content.ReadAsStringAsync());
        Assert.Null(await App.Subscribers.FindByEmailAsync("no-at-sign"));
    }

    [Fact]
    public async Task Export_is_a_csv_of_the_segment()
    {
        var email = $"export-{Guid.NewGuid():N}@example.org";
        await App.AddSubscriberAsync(email, "导出", "enterprise");
        using var admin = await App.ClientAsync(WebApp.AdminLogin);

        using var response = await admin.GetAsync("/Subscribers?handler=Export&segment=enterprise");

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var csv = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("email,", csv.TrimStart('\uFEFF'));
        Assert.Contains(email, csv);
        Assert.Contains("导出", csv);
    }

    [GeneratedRegex(@"<tr><td>(\d+)</td><td><a href=""/Subscribers/Edit/")]
    private static partial Regex RowId();

    [GeneratedRegex(@"<a href=""([^""]+)"" rel=""next"">")]
    private static partial Regex NextLink();
}
