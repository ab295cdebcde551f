using System.Globalization;
using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;

namespace Newsletter.Web.Infrastructure;

/// <summary>Formatting shared by the pages: local times, status names.</summary>
public sealed class Display(WebOptions options, UiText text)
{
    private readonly TimeZoneInfo _zone = options.ResolveTimeZone();

    public TimeZoneInfo Zone => _zone;

    public string Time(DateTimeOffset? time) =>
        time is { } t ? TimeZoneInfo.ConvertTime(t, _zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "—";

    /// <summary>The value of a <c>datetime-local</c> input given in the configured zone, as UTC; null when unreadable.</summary>
    public DateTimeOffset? ParseLocal(string? value)
    {
        if (!DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)) return null;
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return new DateTimeOffset(unspecified, _zone.GetUtcOffset(unspecified)).ToUniversalTime();
    }

    public string Status(SubscriberStatus status) => text["status." + status.ToWord()];

    public string State(CampaignState state) => text["campaign.state." + state.ToString().ToLowerInvariant()];

    public string Outbox(OutboxStatus status) => text["outbox." + status.ToString().ToLowerInvariant()];

    public static string SegmentName(Segment segment) => UiText.IsEnglish ? segment.NameEn : segment.NameZh;

    public static string SegmentName(string key, IEnumerable<Segment> known) =>
        known.FirstOrDefault(s => s.Key == key) is { } segment ? SegmentName(segment) : key;
}
