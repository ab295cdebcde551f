using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Newsletter.Core.Bounces;

namespace Newsletter.Cli.Infrastructure;

/// <summary>
/// <c>serve</c>'s reader of the return mailbox: one <see cref="IBounceMailbox"/> pass (IMAP or POP3) every
/// <see cref="BounceOptions.PollInterval"/>, and a daily purge of raw reports older than <see cref="BounceOptions.KeepRawFor"/>.
/// Off when <c>Bounces:Host</c> is not set. A failed pass is logged (without the password) and retried at the next interval.
/// </summary>
internal sealed class BounceMailboxPoller(BounceOptions options, IServiceProvider services, TimeProvider time, ILogger<BounceMailboxPoller> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.MailboxEnabled)
        {
            logger.LogInformation("return mailbox not read: Bounces:Host is not set");
            return;
        }
        var mailbox = (IBounceMailbox)services.GetService(typeof(IBounceMailbox))!;
        var store = (IBounceStore)services.GetService(typeof(IBounceStore))!;
        using var timer = new PeriodicTimer(options.PollInterval, time);
        do
        {
            try
            {
                await mailbox.RunOnceAsync(stoppingToken);
                await store.PurgeRawAsync(time.GetUtcNow() - options.KeepRawFor, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is BounceMailboxException or IOException or System.Data.Common.DbException or MailKit.ServiceNotConnectedException
                                          or MailKit.Net.Imap.ImapCommandException or MailKit.Net.Imap.ImapProtocolException
                                          or MailKit.Net.Pop3.Pop3CommandException or MailKit.Net.Pop3.Pop3ProtocolException)
            {
                logger.LogWarning("return mailbox pass failed, retried in {Interval}: {Message}", options.PollInterval, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
