using MimeKit;
using Newsletter.Core.Audience;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;

namespace Newsletter.Web.Issues;

/// <summary>What became of a test message to one address.</summary>
public sealed record TestSendOutcome(string Email, bool Sent, string Reply);

/// <summary>
/// Sends a variant of an uploaded issue to a few addresses with the subject prefixed <c>[测试]</c>, through the
/// configured transport, without creating a campaign. Addresses on the list get their own name and salutation.
/// </summary>
public sealed class TestSends(ISubscriberStore subscribers, IMailTransport transport, MessageFactory messages, TimeProvider time)
{
    public const string SubjectPrefix = "[测试]";
    public const int MaxAddresses = 50;

    /// <summary>The active members of the editors' test list (segment <c>test-recipients</c>).</summary>
    public async Task<IReadOnlyList<string>> DefaultAddressesAsync(CancellationToken ct) =>
        [.. (await subscribers.SearchAsync(new SubscriberQuery(Segment: Segments.TestRecipients, Status: SubscriberStatus.Active, Limit: MaxAddresses), ct))
            .Select(s => s.Email)];

    /// <summary>Splits and checks the typed addresses; returns the valid ones and the refused entries.</summary>
    public static (IReadOnlyList<string> Valid, IReadOnlyList<string> Invalid) ParseAddresses(string? text)
    {
        var valid = new List<string>();
        var invalid = new List<string>();
        foreach (var entry in (text ?? "").Split([',', ';', '\n', '\r', ' ', '，', '；', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (MailboxAddress.TryParse(entry, out var mailbox) && mailbox.Address.Contains('@', StringComparison.Ordinal)
                && !valid.Contains(mailbox.Address, StringComparer.OrdinalIgnoreCase))
            {
                valid.Add(mailbox.Address);
            }
            else if (!valid.Contains(entry, StringComparer.OrdinalIgnoreCase))
            {
                invalid.Add(entry);
            }
        }
        return (valid, invalid);
    }

    public async Task<IReadOnlyList<TestSendOutcome>> SendAsync(ComposedVariant variant, IReadOnlyList<string> addresses, CancellationToken ct)
    {
        var outcomes = new List<TestSendOutcome>();
        IMailSession session;
        try
        {
            session = await transport.OpenSessionAsync("test-sends", ct);
        }
        catch (DeliveryException e)
        {
            return [.. addresses.Select(a => new TestSendOutcome(a, false, e.Reply))];
        }
        await using (session)
        {
            var index = 0;
            foreach (var email in addresses.Take(MaxAddresses))
            {
                var subscriber = await subscribers.FindByEmailAsync(email, ct);
                var values = subscriber is null
                    ? IssueReview.SampleValues(email)
                    : IssueReview.SampleValues(subscriber.Email, subscriber.Name, subscriber.Salutation);
                var recipient = new Recipient(values.Email, values.Name, values);
                var message = messages.Create(variant, recipient, messages.NewMessageId(), 0, time.GetUtcNow(), SubjectPrefix);
                try
                {
                    var reply = await session.SendAsync(message, messages.From, new MailboxAddress(values.Name, values.Email),
                        $"test-{time.GetUtcNow():yyyyMMddHHmmss}-{index++}.eml", ct);
                    outcomes.Add(new TestSendOutcome(email, true, reply));
                }
                catch (DeliveryException e)
                {
                    outcomes.Add(new TestSendOutcome(email, false, e.Reply));
                }
            }
        }
        return outcomes;
    }
}
