using MimeKit;
using Newsletter.Core.Audience;
using Newsletter.Core.Delivery;

namespace Newsletter.Web.Issues;

/// <summary>
/// The test-send form's side of test sends: the addresses offered by default and the parsing of typed ones.
/// Sending is Core's <see cref="TestSender"/>.
/// </summary>
public sealed class TestSends(ISubscriberStore subscribers)
{
    public const int MaxAddresses = TestSender.MaxRecipients;

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
                && !TestSender.HasNonAsciiLocalPart(mailbox.Address) && !valid.Contains(mailbox.Address, StringComparer.OrdinalIgnoreCase))
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
}
