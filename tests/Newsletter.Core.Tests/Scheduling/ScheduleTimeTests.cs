using Microsoft.Extensions.Configuration;
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
    public void Out_of_range_options_are_refused_with_the_setting_its_value_and_the_range_instead_of_clamped()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Scheduling:MisfireGrace"] = "-01:00:00",
            ["Scheduling:SyncInterval"] = "00:00:00",
            ["Scheduling:TimeZone"] = " ",
        }).Build();

        var e = Assert.Throws<SettingsException>(() => SettingsBinder.Load(configuration, SchedulingOptions.SectionName, new SchedulingOptionsValidator()));

        Assert.Contains("setting Scheduling:MisfireGrace = '-01:00:00': must be a duration from 00:00:00 to 7.00:00:00", e.Message, StringComparison.Ordinal);
        Assert.Contains("setting Scheduling:SyncInterval = '00:00:00': must be a duration from 00:00:01 to 00:05:00", e.Message, StringComparison.Ordinal);
        Assert.Contains("setting Scheduling:TimeZone = ' ': must be a time zone this machine knows", e.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromHours(2), new SchedulingOptions().MisfireGrace);
        Assert.True(new SchedulingOptionsValidator().Validate(new SchedulingOptions()).IsValid, "the defaults must pass");
    }
}
