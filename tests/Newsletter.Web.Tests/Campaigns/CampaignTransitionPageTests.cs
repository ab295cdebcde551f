using System.Net;
using Newsletter.Core.Campaigns;
using Newsletter.Core.Delivery;
using Newsletter.Testing;

namespace Newsletter.Web.Tests.Campaigns;

/// <summary>
/// The campaign page's pause, resume and cancel answer for every state as <see cref="CampaignTransitionCases"/> says —
/// the table the CLI test drives too — because both only adapt <see cref="CampaignLifecycle"/>.
/// </summary>
public sealed class CampaignTransitionPageTests(WebAppFixture fixture) : IClassFixture<WebAppFixture>
{
    private WebApp App => fixture.App;

    private ICampaignStore Campaigns => App.Services.GetRequiredService<ICampaignStore>();

    [Fact]
    public async Task Every_transition_answers_as_the_table_says()
    {
        await App.AddSubscriberAsync($"t-{Guid.NewGuid():N}@example.org", "赵九", "county");
        var upload = await App.UploadSampleAsync();
        var campaign = (await App.Services.GetRequiredService<IssuePublisher>()
            .PrepareAsync(upload.Path, ["county"], CampaignState.Scheduled, DateTimeOffset.UtcNow.AddDays(3))).Campaign;
        using var admin = await App.ClientAsync(WebApp.AdminLogin);
        var url = $"/Campaigns/Details/{campaign.Id}";

        var seen = new Dictionary<(string State, string Action), (string Answer, string After)>();
        foreach (var state in CampaignTransitionCases.States)
        {
            foreach (var action in CampaignTransitionCases.Actions)
            {
                await Campaigns.SetStateAsync(campaign.Id, Enum.Parse<CampaignState>(state, ignoreCase: true), null);
                var handler = char.ToUpperInvariant(action[0]) + action[1..];
                // The token from a page that always has a form: a completed campaign's page shows no buttons.
                using var response = await WebApp.PostFormAsync(admin, "/Issues", [], $"{url}?handler={handler}");
                var answer = response.StatusCode switch
                {
                    HttpStatusCode.Redirect => "done",
                    HttpStatusCode.OK => "unchanged",
                    HttpStatusCode.Conflict => "refused",
                    var other => $"HTTP {(int)other}",
                };
                if (answer == "refused")
                {
                    Assert.Contains("该任务当前状态下不能执行此操作", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                }
                // A resumed campaign goes to the page's background runner: wait (bounded) for it to finish.
                seen[(state, action)] = (answer, CampaignLifecycle.Word(await SettledAsync(campaign.Id)));
            }
        }

        Assert.Equal(CampaignTransitionCases.Format(CampaignTransitionCases.Expected), CampaignTransitionCases.Format(seen));
    }

    private async Task<CampaignState> SettledAsync(long id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var state = (await Campaigns.GetAsync(id))!.State;
        while (state == CampaignState.Running && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            state = (await Campaigns.GetAsync(id))!.State;
        }
        Assert.True(state != CampaignState.Running || DateTime.UtcNow < deadline,
            $"campaign {id} still running after 60 s: {string.Join(", ", (await Campaigns.CountAsync(id)).Select(c => c.ToString()))}");
        return state;
    }
}
