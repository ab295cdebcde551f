using Microsoft.Extensions.Time.Testing;
using Newsletter.Core.Delivery;

namespace Newsletter.Core.Tests.Delivery;

public sealed class TokenBucketTests
{
    [Fact]
    public async Task A_full_bucket_gives_one_second_of_burst_then_waits_for_time_to_pass()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(10, time);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(bucket.TakeAsync(CancellationToken.None).IsCompletedSuccessfully, $"token {i} should be there at once");
        }

        var eleventh = bucket.TakeAsync(CancellationToken.None);
        Assert.False(eleventh.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(50));
        await Task.Yield();
        Assert.False(eleventh.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(60));
        await eleventh.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task The_rate_over_time_is_the_configured_one()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(5, time);
        var taken = 0;
        var stop = time.GetUtcNow() + TimeSpan.FromSeconds(10);
        var consumer = Task.Run(async () =>
        {
            while (true)
            {
                await bucket.TakeAsync(CancellationToken.None);
                Interlocked.Increment(ref taken);
            }
        });
        while (time.GetUtcNow() < stop)
        {
            await Task.Delay(2);
            time.Advance(TimeSpan.FromMilliseconds(50));
        }
        await Task.Delay(50);
        // 5 burst + 5/s × 10 s = 55, give or take the token in flight.
        Assert.InRange(Volatile.Read(ref taken), 53, 56);
        Assert.False(consumer.IsCompleted);
    }

    [Fact]
    public void A_rate_of_zero_is_unlimited()
    {
        var bucket = new TokenBucket(0, new FakeTimeProvider());
        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(bucket.TakeAsync(CancellationToken.None).IsCompletedSuccessfully);
        }
    }

    [Fact]
    public async Task Waiting_is_cancellable()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(1, time);
        await bucket.TakeAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = bucket.TakeAsync(cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public void Reservations_queue_behind_each_other_at_the_rate_without_waiting()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(4, time);
        var waits = Enumerable.Range(0, 8).Select(_ => bucket.Reserve()).ToList();

        // A burst of 4 at once, then one every 250 ms, each reservation behind the one before.
        Assert.Equal([0, 0, 0, 0, 250, 500, 750, 1000], waits.Select(w => Math.Round(w.TotalMilliseconds)));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(250, Math.Round(bucket.Reserve().TotalMilliseconds));
        Assert.Equal(TimeSpan.Zero, new TokenBucket(0, time).Reserve());
    }
}
