using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using Newsletter.Core.Campaigns;
using Newsletter.Core.Delivery;
using Newsletter.Data.Tests.Delivery;
using Newsletter.Testing;

namespace Newsletter.Data.Tests.Campaigns;

/// <summary>
/// The campaign lifecycle on both engines: every state change is one conditional statement, so a change made a moment
/// earlier by another writer — an administrator's cancel just before a run ends — is never overwritten.
/// </summary>
public abstract class CampaignLifecycleTests<TDatabase> where TDatabase : TestDatabase, new()
{
    private static readonly CampaignState[] States = Enum.GetValues<CampaignState>();

    [Fact]
    public async Task TrySetState_changes_only_from_the_states_given_and_says_whether_it_did()
    {
        await using var fixture = await DeliveryFixture.CreateAsync(new TDatabase(), 1);
        var campaign = await fixture.NewCampaignAsync();
        var store = fixture.Campaigns;

        foreach (var from in States)
        {
            await store.SetStateAsync(campaign.Id, from, "set by the test");
            var applied = await store.TrySetStateAsync(campaign.Id, [CampaignState.Running, CampaignState.Paused], CampaignState.Cancelled, "why");
            var now = (await store.GetAsync(campaign.Id))!;
            var expected = from is CampaignState.Running or CampaignState.Paused;
            Assert.True(applied == expected, $"from {from}: applied {applied}");
            Assert.Equal(expected ? CampaignState.Cancelled : from, now.State);
            Assert.Equal(expected ? "why" : "set by the test", now.StateReason);
        }
        Assert.False(await store.TrySetStateAsync(987654, States, CampaignState.Running, null));
        Assert.False(await store.TrySetStateAsync(campaign.Id, [], CampaignState.Running, null));
    }

    [Fact]
    public async Task A_cancel_landing_just_before_the_end_of_a_run_is_not_overwritten_by_completed()
    {
        await using var fixture = await DeliveryFixture.CreateAsync(new TDatabase(), 5);
        var campaign = await fixture.NewCampaignAsync();
        using var pickup = new TempDirectory("newsletter-lifecycle");
        var lifecycle = new CampaignLifecycle(fixture.Campaigns, new SendPolicy(new DeliveryOptions()));
        // Deterministic race: every outcome is recorded and the sender has looked at the state (running); the
        // administrator's cancel lands right then, before the sender writes "completed".
        var store = CancelBeforeCompletion.Wrap(fixture.Campaigns, () => lifecycle.CancelAsync(campaign.Id, "the test"));
        var sender = new CampaignSender(store, fixture.Campaigns, new PickupTransport(pickup.Path), fixture.Messages, new PlainLinks(),
            new DeliveryOptions(), TimeProvider.System, NullLogger<CampaignSender>.Instance);

        var summary = await sender.RunAsync(campaign.Id, TimeSpan.Zero, null, CancellationToken.None);

        Assert.Equal(1, CancelBeforeCompletion.Cancels(store));
        Assert.Equal(5, summary.Counts.Sum(c => c.Sent));
        var stored = (await fixture.Campaigns.GetAsync(campaign.Id))!;
        Assert.Equal(CampaignState.Cancelled, stored.State);
        Assert.Equal("cancelled by the test", stored.StateReason);
        Assert.Equal(CampaignState.Cancelled, summary.Campaign.State);
    }
}

/// <summary>
/// An <see cref="ICampaignStore"/> that forwards every call and, when asked to mark a campaign completed, first runs
/// the given cancel — as an administrator's cancel landing between the sender's last look and its write.
/// </summary>
public class CancelBeforeCompletion : DispatchProxy
{
    private ICampaignStore _inner = null!;
    private Func<Task<CampaignAnswer>> _cancel = null!;
    private int _cancels;

    public static ICampaignStore Wrap(ICampaignStore inner, Func<Task<CampaignAnswer>> cancel)
    {
        var proxy = Create<ICampaignStore, CancelBeforeCompletion>();
        var self = (CancelBeforeCompletion)(object)proxy;
        self._inner = inner;
        self._cancel = cancel;
        return proxy;
    }

    public static int Cancels(ICampaignStore proxy) => ((CancelBeforeCompletion)(object)proxy)._cancels;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var completing = targetMethod.Name is nameof(ICampaignStore.SetStateAsync) or nameof(ICampaignStore.TrySetStateAsync)
            && args!.OfType<CampaignState>().LastOrDefault() == CampaignState.Completed;
        if (!completing)
        {
            return targetMethod.Invoke(_inner, args);
        }
        return targetMethod.ReturnType == typeof(Task<bool>) ? CancelThenTry() : CancelThenSet();

        async Task CancelThenSet()
        {
            await CancelAsync();
            await (Task)targetMethod.Invoke(_inner, args)!;
        }

        async Task<bool> CancelThenTry()
        {
            await CancelAsync();
            return await (Task<bool>)targetMethod.Invoke(_inner, args)!;
        }
    }

    private async Task CancelAsync()
    {
        var answer = await _cancel();
        Assert.True(answer.Kind == CampaignAnswerKind.Done, answer.ToString());
        Interlocked.Increment(ref _cancels);
    }
}

public sealed class SqliteCampaignLifecycleTests : CampaignLifecycleTests<SqliteTestDatabase>;

[Requires("postgres")]
public sealed class PostgresCampaignLifecycleTests : CampaignLifecycleTests<PostgresTestDatabase>;
