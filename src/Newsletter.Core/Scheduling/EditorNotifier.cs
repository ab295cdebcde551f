using System.Net;
using Microsoft.Extensions.Logging;
using Newsletter.Core.Audience;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;

namespace Newsletter.Core.Scheduling;

/// <summary>A short notice for the editors: a subject and plain-text lines.</summary>
public sealed record EditorNotice(string Subject, IReadOnlyList<string> Lines);

/// <summary>
/// Tells the editors (the active subscribers of the <c>test-recipients</c> segment) what the scheduler did or could
/// not do — a missed firing, a plan with nothing to send, a campaign report — by email through the configured
/// transport, built by <see cref="MessageFactory"/>. A notice that cannot be delivered is logged, never thrown:
/// the firing it reports on has already happened.
/// </summary>
public sealed class EditorNotifier(ISubscriberStore subscribers, IMailTransport transport, MessageFactory messages,
    IRecipientLinks links, TimeProvider time, ILogger<EditorNotifier> logger)
{
    /// <summary>The pickup batch (folder) notices go to with the pickup transport.</summary>
    public const string BatchName = "editor-notices";

    /// <returns>How many editors the notice was delivered to.</returns>
    public async Task<int> NotifyAsync(EditorNotice notice, long campaignId, CancellationToken ct)
    {
        var editors = new List<Subscriber>();
        await foreach (var editor in subscribers.StreamActiveAsync(new AudienceFilter([Segments.TestRecipients]), 100, ct))
        {
            editors.Add(editor);
        }
        if (editors.Count == 0)
        {
            logger.LogWarning("No active subscriber in segment {Segment} to tell: {Subject}", Segments.TestRecipients, notice.Subject);
            return 0;
        }

        var text = string.Join("\n", notice.Lines) + "\n";
        var html = "<html><body><pre style=\"font-family:sans-serif;white-space:pre-wrap\">" + WebUtility.HtmlEncode(text) + "</pre></body></html>";
        var variant = new ComposedVariant(Segments.TestRecipients, notice.Subject, null, SlotTemplate.Parse(html), SlotTemplate.Parse(text));
        var delivered = 0;
        // Sessions block (see IMailTransport): off the caller's thread.
        await Task.Run(() =>
        {
            try
            {
                using var session = transport.OpenSession(BatchName, ct);
                foreach (var editor in editors)
                {
                    var values = new RecipientValues(editor.Salutation, editor.Name, editor.Email,
                        links.UnsubscribeUrl(editor.Id, campaignId), links.ViewUrl(editor.Id, campaignId));
                    using var message = messages.Create(variant, new Recipient(editor.Email, editor.Name, values), messages.NewMessageId(), campaignId,
                        time.GetUtcNow(), "[通知]");
                    try
                    {
                        session.Send(message, $"{time.GetUtcNow():yyyyMMddHHmmssfff}-{editor.Id}", handOver: null);
                        delivered++;
                    }
                    catch (DeliveryException e)
                    {
                        logger.LogWarning("Notice '{Subject}' to {Email} failed: {Reply}", notice.Subject, editor.Email, e.Reply);
                    }
                }
            }
            catch (DeliveryException e)
            {
                logger.LogWarning("Notice '{Subject}' could not be sent: {Reply}", notice.Subject, e.Reply);
            }
        }, CancellationToken.None);
        return delivered;
    }
}
