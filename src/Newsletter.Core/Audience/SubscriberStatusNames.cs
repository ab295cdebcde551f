namespace Newsletter.Core.Audience;

/// <summary>The lowercase words for <see cref="SubscriberStatus"/> used in storage, JSON, CSV and the CLI.</summary>
public static class SubscriberStatusNames
{
    public static string ToWord(this SubscriberStatus status) => status switch
    {
        SubscriberStatus.Active => "active",
        SubscriberStatus.Unsubscribed => "unsubscribed",
        SubscriberStatus.Bounced => "bounced",
        SubscriberStatus.Complained => "complained",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Parses the word (case- and space-insensitive; 正常/退订/退信/投诉 accepted too).</summary>
    public static bool TryParse(string? text, out SubscriberStatus status)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "active" or "正常" or "订阅": status = SubscriberStatus.Active; return true;
            case "unsubscribed" or "退订": status = SubscriberStatus.Unsubscribed; return true;
            case "bounced" or "退信": status = SubscriberStatus.Bounced; return true;
            case "complained" or "投诉": status = SubscriberStatus.Complained; return true;
            default: status = default; return false;
        }
    }

    public static SubscriberStatus Parse(string text) =>
        TryParse(text, out var s) ? s : throw new FormatException($"unknown subscriber status '{text}'");
}
