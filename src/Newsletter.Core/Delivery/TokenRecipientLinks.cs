using Newsletter.Core.Audience;

namespace Newsletter.Core.Delivery;

/// <summary>Links signed with <see cref="SubscriberTokens"/>: <c>{PublicBaseUrl}/u/{token}</c> and <c>/v/{token}</c>.</summary>
public sealed class TokenRecipientLinks(SubscriberTokens tokens, PublicOptions options) : IRecipientLinks
{
    private readonly string _base = options.PublicBaseUrl.TrimEnd('/');

    public string UnsubscribeUrl(long subscriberId, long campaignId) =>
        $"{_base}/u/{tokens.Create(TokenPurpose.Unsubscribe, subscriberId, campaignId)}";

    public string ViewUrl(long subscriberId, long campaignId) =>
        $"{_base}/v/{tokens.Create(TokenPurpose.View, subscriberId, campaignId)}";
}

/// <summary>Root settings about the public web endpoints.</summary>
public sealed record PublicOptions
{
    /// <summary>
    /// Base URL of the public unsubscribe and web-view pages (<c>newsletter serve</c>), as subscribers reach it;
    /// default <c>http://127.0.0.1:5080</c>. Set it to the institute's https address in production.
    /// </summary>
    public string PublicBaseUrl { get; init; } = "http://127.0.0.1:5080";
}
