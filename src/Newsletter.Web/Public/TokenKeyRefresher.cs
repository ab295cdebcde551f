using Newsletter.Core.Audience;

namespace Newsletter.Web.Public;

/// <summary>
/// Reloads the token key ring from the database every minute, so a <c>newsletter secrets rotate-token</c> run from the
/// command line (or on another node) reaches a running <c>serve</c>: new links are signed with the new key, and links
/// of a retired key stop verifying when their grace period ends.
/// </summary>
public sealed class TokenKeyRefresher(SubscriberTokens tokens, ITokenKeyRing keys, ILogger<TokenKeyRefresher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>Reads the ring once and puts it in use.</summary>
    public async Task RefreshAsync(CancellationToken ct) => tokens.UseKeys(await keys.LoadAsync(ct));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await RefreshAsync(stoppingToken);
                }
                catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or IOException)
                {
                    // The database is away for a moment: keep the ring in use and try again at the next tick.
                    logger.LogWarning("token keys not reloaded: {Reason}", e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
