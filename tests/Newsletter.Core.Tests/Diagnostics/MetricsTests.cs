using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Newsletter.Core.Diagnostics;

namespace Newsletter.Core.Tests.Diagnostics;

/// <summary>
/// The metrics settings (off by default, a short token refused at start, doctor says which) and the domain label's
/// bound: a list of many domains makes at most <see cref="NewsletterMetrics.MaxDomains"/> series plus <c>other</c>.
/// </summary>
public sealed class MetricsTests
{
    private static MetricsOptions Load(params (string Key, string Value)[] values) =>
        SettingsBinder.Load(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build(),
            "Metrics", new MetricsOptionsValidator());

    [Fact]
    public async Task Metrics_are_off_by_default_and_doctor_says_how_a_scrape_is_let_in_when_on()
    {
        Assert.False(Load().Enabled);
        var off = Assert.Single(await new MetricsCheck(Load()).RunAsync(CancellationToken.None));
        Assert.Contains("metrics off", off.Message, StringComparison.Ordinal);

        var on = Assert.Single(await new MetricsCheck(Load(("Metrics:Enabled", "true"))).RunAsync(CancellationToken.None));
        Assert.Contains("secrets metrics-token", on.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_token_is_refused_at_start_naming_the_setting()
    {
        var e = Assert.Throws<SettingsException>(() => Load(("Metrics:Enabled", "true"), ("Metrics:Token", "short")));
        Assert.Contains("Metrics:Token", e.Message, StringComparison.Ordinal);
        Assert.Equal("0123456789abcdef", Load(("Metrics:Token", "0123456789abcdef")).Token);
    }

    [Fact]
    public void Outcomes_are_counted_by_campaign_domain_and_outcome_with_the_domains_bounded()
    {
        var seen = new List<(long Value, Dictionary<string, string> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == NewsletterMetrics.MeterName && instrument.Name == "newsletter.messages")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var map = new Dictionary<string, string>();
            foreach (var tag in tags)
            {
                map[tag.Key] = (string)tag.Value!;
            }
            if (map["campaign"] == "-7")
            {
                lock (seen) seen.Add((value, map));
            }
        });
        listener.Start();

        NewsletterMetrics.Outcome("-7", "leader@XuChang.gov.cn", "sent");
        for (var i = 0; i < NewsletterMetrics.MaxDomains + 50; i++)
        {
            NewsletterMetrics.Outcome("-7", $"reader@d{i}.example", "deferred");
        }

        Assert.Equal(new Dictionary<string, string> { ["campaign"] = "-7", ["domain"] = "xuchang.gov.cn", ["outcome"] = "sent" }, seen[0].Tags);
        var domains = seen.Select(s => s.Tags["domain"]).Distinct().ToList();
        Assert.Contains("other", domains);
        Assert.InRange(domains.Count, NewsletterMetrics.MaxDomains / 2, NewsletterMetrics.MaxDomains + 1);
        Assert.Equal(NewsletterMetrics.MaxDomains + 51, seen.Sum(s => s.Value));
    }
}
