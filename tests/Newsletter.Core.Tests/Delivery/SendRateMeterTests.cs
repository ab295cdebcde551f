using Microsoft.Extensions.Time.Testing;
using Newsletter.Core.Delivery;

namespace Newsletter.Core.Tests.Delivery;

/// <summary>The rate and ETA the CLI progress and the live campaign page show: measured over a moving window.</summary>
public sealed class SendRateMeterTests
{
    [Fact]
    public void The_rate_is_measured_over_the_window_and_the_eta_follows_it()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero));
        var meter = new SendRateMeter(time, TimeSpan.FromSeconds(10));
        meter.Add(0);
        Assert.Null(meter.PerSecond);
        Assert.Equal("—", SendRateMeter.FormatEta(meter.Eta(100)));

        time.Advance(TimeSpan.FromSeconds(5));
        meter.Add(50);
        Assert.Equal(10, meter.PerSecond);
        Assert.Equal(TimeSpan.FromSeconds(10), meter.Eta(100));
        Assert.Equal("10/s", SendRateMeter.FormatRate(meter.PerSecond));
        Assert.Equal("0:00:10", SendRateMeter.FormatEta(meter.Eta(100)));

        // A stall shows once the fast samples leave the window, instead of being averaged away over the whole run.
        time.Advance(TimeSpan.FromSeconds(10));
        meter.Add(50);
        time.Advance(TimeSpan.FromSeconds(10));
        meter.Add(50);
        Assert.Equal(0, meter.PerSecond);
        Assert.Null(meter.Eta(50));
        Assert.Equal(TimeSpan.Zero, meter.Eta(0));
    }
}
