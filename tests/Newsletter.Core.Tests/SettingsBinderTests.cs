using Microsoft.Extensions.Configuration;
using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;
using Newsletter.Core.Scheduling;

namespace Newsletter.Core.Tests;

/// <summary>Settings are bound and validated once; a bad value is one clause naming the setting, its value and what is allowed.</summary>
public sealed class SettingsBinderTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void The_defaults_pass_every_validator()
    {
        var empty = Settings();
        Assert.Equal(new DeliveryOptions(), SettingsBinder.Load(empty, "Delivery", new DeliveryOptionsValidator()));
        Assert.Equal(new SmtpOptions(), SettingsBinder.Load(empty, "Smtp", new SmtpOptionsValidator()));
        Assert.Equal(new SchedulingOptions(), SettingsBinder.Load(empty, SchedulingOptions.SectionName, new SchedulingOptionsValidator()));
        Assert.Equal(new SubscriberTokenOptions(), SettingsBinder.Load(empty, "Security", new SubscriberTokenOptionsValidator()));
    }

    [Fact]
    public void A_value_that_is_not_a_number_names_the_setting_the_value_and_the_type_wanted()
    {
        var e = Assert.Throws<SettingsException>(() => SettingsBinder.Load(Settings(("Smtp:Connections", "abc")), "Smtp", new SmtpOptionsValidator()));
        Assert.Equal("setting Smtp:Connections = 'abc': must be a whole number", e.Message);
    }

    [Fact]
    public void A_misspelt_choice_lists_the_choices()
    {
        var e = Assert.Throws<SettingsException>(() => SettingsBinder.Load(Settings(("Delivery:Transport", "smpt")), "Delivery", new DeliveryOptionsValidator()));
        Assert.Equal("setting Delivery:Transport = 'smpt': must be one of Pickup, Smtp", e.Message);
    }

    [Fact]
    public void A_number_naming_no_choice_is_refused_too()
    {
        var e = Assert.Throws<SettingsException>(() => SettingsBinder.Load(Settings(("Smtp:Security", "7")), "Smtp", new SmtpOptionsValidator()));
        Assert.Equal("setting Smtp:Security = '7': must be one of None, StartTls, SslOnConnect, Auto", e.Message);
    }

    [Fact]
    public void Out_of_range_values_are_refused_not_clamped_each_with_its_range()
    {
        var e = Assert.Throws<SettingsException>(() => SettingsBinder.Load(
            Settings(("Delivery:BatchSize", "0"), ("Delivery:MessagesPerSecond", "-1"), ("Delivery:LeaseDuration", "00:00:01")),
            "Delivery", new DeliveryOptionsValidator()));
        Assert.Equal(
            "setting Delivery:MessagesPerSecond = '-1': must be 0 (no limit) or a positive number; " +
            "setting Delivery:BatchSize = '0': must be a whole number from 1 to 5000; " +
            "setting Delivery:LeaseDuration = '00:00:01': must be a duration from 00:00:05 to 01:00:00", e.Message);
    }

    [Fact]
    public void Values_at_the_bounds_are_taken_as_given()
    {
        var smtp = SettingsBinder.Load(Settings(("Smtp:Port", "65535"), ("Smtp:Connections", "64"), ("Smtp:Timeout", "00:00:01")), "Smtp", new SmtpOptionsValidator());
        Assert.Equal((65535, 64, TimeSpan.FromSeconds(1)), (smtp.Port, smtp.Connections, smtp.Timeout));
    }
}
