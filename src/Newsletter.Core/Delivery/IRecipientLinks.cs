namespace Newsletter.Core.Delivery;

/// <summary>The per-recipient links of a message: signed unsubscribe and web-view URLs.</summary>
public interface IRecipientLinks
{
    string UnsubscribeUrl(long subscriberId, long campaignId);

    string ViewUrl(long subscriberId, long campaignId);
}
