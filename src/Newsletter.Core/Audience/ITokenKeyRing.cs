namespace Newsletter.Core.Audience;

/// <summary>
/// Where the keys of <see cref="SubscriberTokens"/> are kept (implemented in Newsletter.Data), so a long-running host
/// can reload them after <c>newsletter secrets rotate-token</c> ran elsewhere.
/// </summary>
public interface ITokenKeyRing
{
    /// <summary>Every key, oldest first, each with the time the next one retired it.</summary>
    Task<IReadOnlyList<TokenKey>> LoadAsync(CancellationToken ct = default);
}
