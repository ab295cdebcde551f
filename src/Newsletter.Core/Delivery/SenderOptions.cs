namespace Newsletter.Core.Delivery;

/// <summary>Settings section <c>Sender</c>: who the bulletin comes from.</summary>
public sealed record SenderOptions
{
    /// <summary>From, as <c>"Display name" &lt;address&gt;</c> or a bare address.</summary>
    public string From { get; init; } = "许昌市科学技术情报研究所 <bulletin@xcsti.example.org>";

    /// <summary>Reply-To; none when empty.</summary>
    public string? ReplyTo { get; init; }

    /// <summary>Domain of Message-IDs (<c>&lt;uuid@domain&gt;</c>); default the From address's domain.</summary>
    public string? MessageIdDomain { get; init; }

    /// <summary>Address for mailto one-click unsubscribe; default <c>unsubscribe@</c> the From domain.</summary>
    public string? UnsubscribeMailbox { get; init; }

    /// <summary>List-Id identifier (RFC 2919); default <c>bulletin.</c> the From domain.</summary>
    public string? ListId { get; init; }
}
