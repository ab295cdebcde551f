using Newsletter.Core.Scheduling;

namespace Newsletter.Core.Tests.Scheduling;

public sealed class ScheduleTimeTests
{
    private static readonly TimeZoneInfo Shanghai = ScheduleTime.FindZone("Asia/Shanghai")!;

    [Theory]
    [InlineData("2026-11-30 09:00", "2026-11-30T01:00:00Z")]
    [InlineData("2026-11-30T09:00:30", "2026-11-30T01:00:30Z")]
    [InlineData("2026/11/30 00:30", "2026-11-29T16:30:00Z")]
    [InlineData("2026-11-30T09:00+08:00", "2026-11-30T01:00:00Z")]
    [InlineData("2026-11-30T09:00:00Z", "2026-11-30T09:00:00Z")]
    [InlineData("2026-11-30T09:00:00-05:00", "2026-11-30T14:00:00Z")]
    public void Local_times_are_read_in_the_zone_and_offsets_are_kept(string text, string expectedUtc)
    {
        var at = ScheduleTime.TryParse(text, Shanghai, out var error);
        Assert.True(at.HasValue, error);
        Assert.Equal(DateTimeOffset.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), at.Value);
        Assert.Equal(TimeSpan.Zero, at.Value.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tomorrow")]
    [InlineData("2026-13-01 09:00")]
    [InlineData("09:00")]
    public void Unreadable_times_are_errors_with_an_example(string text)
    {
        Assert.Null(ScheduleTime.TryParse(text, Shanghai, out var error));
        Assert.False(string.IsNullOrEmpty(error));
        if (text.Length > 0)
        {
            Assert.Contains("2026-11-30 09:00", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_local_time_skipped_by_daylight_saving_is_refused()
    {
        var newYork = ScheduleTime.FindZone("America/New_York")!;
        Assert.Null(ScheduleTime.TryParse("2026-03-08 02:30", newYork, out var error));
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Times_are_shown_in_the_zone_with_its_name()
    {
        var at = new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero);
        Assert.Equal("2026-11-30 09:00 (Asia/Shanghai)", ScheduleTime.Show(at, Shanghai));
        Assert.Equal("2026-11-30 09:00:05 (Asia/Shanghai)", ScheduleTime.Show(at.AddSeconds(5), Shanghai));
    }

    [Fact]
    public void Unknown_zones_are_null_and_the_options_say_which_setting()
    {
        Assert.Null(ScheduleTime.FindZone("Mars/Olympus"));
        var e = Assert.Throws<SettingsException>(() => new SchedulingOptions { TimeZone = "Mars/Olympus" }.Zone());
        Assert.Contains("Scheduling:TimeZone", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_are_clamped_to_sane_values()
    {
        var options = new SchedulingOptions { MisfireGrace = TimeSpan.FromHours(-1), SyncInterval = TimeSpan.Zero, TimeZone = " " }.Normalized();
        Assert.Equal(TimeSpan.Zero, options.MisfireGrace);
        Assert.Equal(TimeSpan.FromSeconds(1), options.SyncInterval);
        Assert.Equal("Asia/Shanghai", options.TimeZone);
        Assert.Equal(TimeSpan.FromHours(2), new SchedulingOptions().MisfireGrace);
    }
}
