using System.Collections.Concurrent;
using Newsletter.Core.Delivery;

namespace Newsletter.Data.Tests.Delivery;

/// <summary>
/// A process sends a campaign through one run at a time: <c>serve</c>'s delivery round and a scheduled job may both ask
/// for the same campaign, and a second run would double the connections (and the messages whose fate a crash leaves
/// unknown) beyond <c>Smtp:Connections</c>.
/// </summary>
public sealed class CampaignSenderOneRunTests
{
    [Fact]
    public async Task A_second_run_of_the_same_campaign_in_one_process_opens_no_connections_of_its_own()
    {
        await using var fixture = await DeliveryFixture.CreateAsync(new SqliteTestDatabase(), 40);
        var campaign = await fixture.NewCampaignAsync();
        var transport = new SlowTransport(TimeSpan.FromMilliseconds(20));
        var sender = fixture.Sender(transport, new DeliveryOptions { BatchSize = 10 });

        var first = sender.RunAsync(campaign.Id, TimeSpan.Zero, null, CancellationToken.None);
        await transport.FirstSend.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var second = await sender.RunAsync(campaign.Id, TimeSpan.Zero, null, CancellationToken.None);
        var summary = await first;

        Assert.Equal(CampaignState.Running, second.Campaign.State);   // it left the campaign to the run in progress
        Assert.Equal(CampaignState.Completed, summary.Campaign.State);
        Assert.Equal(2, transport.MaxOpenSessions);
        Assert.Equal(40, transport.Sends.Count);
        Assert.All(transport.Sends.Values, count => Assert.Equal(1, count));

        // Once the first run has ended, the campaign can be run again (here: nothing left to do).
        Assert.Equal(CampaignState.Completed, (await sender.RunAsync(campaign.Id, TimeSpan.Zero, null, CancellationToken.None)).Campaign.State);
    }

    /// <summary>Accepts every message after a delay and counts open sessions and sends per message.</summary>
    private sealed class SlowTransport(TimeSpan delay) : IMailTransport
    {
        private int _open;
        private int _maxOpen;

        public ConcurrentDictionary<string, int> Sends { get; } = new();

        public TimeSpan Delay => delay;

        public TaskCompletionSource FirstSend { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int MaxOpenSessions => Volatile.Read(ref _maxOpen);

        public string Description => "slow test transport";

        public int MaxSessions => 2;

        public IMailSession OpenSession(string batchName, CancellationToken cancellationToken)
        {
            var open = Interlocked.Increment(ref _open);
            int max;
            while (open > (max = Volatile.Read(ref _maxOpen)) && Interlocked.CompareExchange(ref _maxOpen, open, max) != max)
            {
            }
            return new Session(this);
        }

        private sealed class Session(SlowTransport owner) : IMailSession
        {
            public string Send(OutgoingMessage message, string fileName, Action? handOver)
            {
                owner.FirstSend.TrySetResult();
                Thread.Sleep(owner.Delay);
                owner.Sends.AddOrUpdate(message.MessageId, 1, (_, n) => n + 1);
                return "250 ok";
            }

            public void Dispose() => Interlocked.Decrement(ref owner._open);
        }
    }
}
