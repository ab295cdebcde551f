using Newsletter.Core.Audience;

namespace Newsletter.Core.Figures;

/// <summary>
/// The signed tokens of a tracked campaign's open pixel (<c>/o/{token}</c>) and click redirects (<c>/c/{token}</c>),
/// made with <see cref="SubscriberTokens"/> (same key ring, own purposes). A click token signs the link's number with
/// the subscriber and campaign (the number in the top 16 bits of the campaign field), so an altered number, a token of
/// another purpose or a forged one never verifies; the target is always read from the stored issue, never from the URL.
/// </summary>
public sealed class TrackingTokens(SubscriberTokens tokens)
{
    private const int LinkShift = 48;
    private const long CampaignMask = (1L << LinkShift) - 1;

    /// <summary>The most links of one message that are tracked; later ones are left as they are.</summary>
    public const int MaxLinks = 65535;

    public string Open(long subscriberId, long campaignId) => tokens.Create(TokenPurpose.Open, subscriberId, campaignId);

    public string Click(long subscriberId, long campaignId, int link)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(link, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(link, MaxLinks);
        return tokens.Create(TokenPurpose.Click, subscriberId, (campaignId & CampaignMask) | ((long)link << LinkShift));
    }

    public bool TryVerifyOpen(string? token, out long subscriberId, out long campaignId) =>
        tokens.TryVerify(token, TokenPurpose.Open, out subscriberId, out campaignId);

    public bool TryVerifyClick(string? token, out long subscriberId, out long campaignId, out int link)
    {
        link = 0;
        if (!tokens.TryVerify(token, TokenPurpose.Click, out subscriberId, out var packed))
        {
            campaignId = 0;
            return false;
        }
        campaignId = packed & CampaignMask;
        link = (int)((ulong)packed >> LinkShift);
        return link >= 1;
    }
}
