using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;
using Newsletter.Core.Issues;

namespace Newsletter.Core.Tests.Delivery;

/// <summary>A 样刊, or an issue without 期号/date, goes over SMTP only to the editors' test list; the pickup folder only warns.</summary>
public sealed class SendPolicyTests
{
    private static IssueMetadata Meta(string? number, DateOnly? date, bool sample) =>
        new(IssueMetadata.DefaultTitle, number, date, null, ["municipal"], null, null, sample);

    private static readonly SendPolicy Smtp = new(new DeliveryOptions { Transport = TransportKind.Smtp });
    private static readonly SendPolicy Pickup = new(new DeliveryOptions());

    [Theory]
    [InlineData(null, "2024-09-15", false, "no 期号")]
    [InlineData("2024年第9期", null, false, "no date")]
    [InlineData("2024年第9期", "2024-09-15", true, "sample")]
    [InlineData(null, null, true, "sample")]
    public void An_unfinished_issue_is_refused_to_real_segments_over_smtp(string? number, string? date, bool sample, string reason)
    {
        var meta = Meta(number, date is null ? null : DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), sample);

        var refused = Assert.Throws<SampleIssueRefusedException>(() => Smtp.Check(meta, ["municipal", Segments.TestRecipients]));
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Contains("municipal", refused.Message, StringComparison.Ordinal);
        Assert.Contains("--number", refused.Hint, StringComparison.Ordinal);

        Assert.NotEmpty(Smtp.Check(meta, [Segments.TestRecipients]));   // the test list: allowed, with a warning
        Assert.Contains("pickup", Assert.Single(Pickup.Check(meta, ["municipal"])), StringComparison.Ordinal);
    }

    [Fact]
    public void A_finished_issue_goes_anywhere() =>
        Assert.Empty(Smtp.Check(Meta("2024年第9期", new DateOnly(2024, 9, 15), false), ["municipal", "county"]));
}
