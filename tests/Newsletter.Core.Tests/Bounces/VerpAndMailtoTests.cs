using System.Text;
using MimeKit;
using Newsletter.Core.Bounces;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;

namespace Newsletter.Core.Tests.Bounces;

/// <summary>What outgoing mail carries so returned mail names its row and its subscriber (issue 17).</summary>
public sealed class VerpAndMailtoTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("verp-test-secret-0123456789");
    private const string Token = "AQEAAAAAAAAABwAAAAAAAAAHxYz3bJ6Q0m9c2r8s1k4tWg";

    private static ComposedVariant Variant() =>
        new("municipal", "许昌竞争情报快递", null, SlotTemplate.Parse("<p>正文</p>"), SlotTemplate.Parse("正文\n"));

    private static Recipient Recipient() =>
        new("wang@xuchang.gov.cn", "王建国", new RecipientValues("王局长", "王建国", "wang@xuchang.gov.cn",
            "https://bulletin.example.org/u/" + Token, "https://bulletin.example.org/v/" + Token));

    [Fact]
    public void Verp_token_round_trips_and_refuses_altered_or_foreign_tokens()
    {
        var verp = new VerpAddresses("bounces+{token}@xcsti.example.org", Secret);
        var address = verp.Create(1234567);

        Assert.True(address.IndexOf('@') <= 64, address);
        Assert.Equal(address, address.ToLowerInvariant());
        Assert.True(verp.TryRead(address, out var id));
        Assert.Equal(1234567, id);
        Assert.True(verp.TryRead(address.ToUpperInvariant(), out _));   // a relay that upper-cases still matches
        Assert.False(verp.TryRead(address.Replace("1234567.", "1234568.", StringComparison.Ordinal), out _));
        Assert.False(new VerpAddresses("bounces+{token}@xcsti.example.org", Encoding.UTF8.GetBytes("another-secret-0123456789")).TryRead(address, out _));
        Assert.True(verp.Create(long.MaxValue).IndexOf('@') <= 64);
    }

    [Fact]
    public void Token_return_path_names_the_outbox_row_and_test_sends_use_from()
    {
        var verp = new VerpAddresses("bounces+{token}@xcsti.example.org", Secret);
        var factory = new MessageFactory(new SenderOptions { VerpReturnPath = "bounces+{token}@xcsti.example.org" }, verpTokens: verp);

        using var sent = factory.Create(Variant(), Recipient(), "m1@xcsti.example.org", 7, DateTimeOffset.UnixEpoch, outboxId: 42);
        using var test = factory.Create(Variant(), Recipient(), "m2@xcsti.example.org", 0, DateTimeOffset.UnixEpoch);

        Assert.True(verp.TryRead(sent.EnvelopeFrom.Address, out var row));
        Assert.Equal(42, row);
        Assert.Equal(factory.From.Address, test.EnvelopeFrom.Address);
        Assert.Throws<ArgumentException>(() => new MessageFactory(new SenderOptions { VerpReturnPath = "bounces+{token}@xcsti.example.org" }));
    }

    [Fact]
    public void List_unsubscribe_mailto_carries_the_subscriber_token()
    {
        var factory = new MessageFactory(new SenderOptions());
        using var message = factory.Create(Variant(), Recipient(), "m1@xcsti.example.org", 7, DateTimeOffset.UnixEpoch);
        var parsed = MimeMessage.Load(new MemoryStream(message.Data.ToArray()));

        Assert.Contains($"<mailto:unsubscribe+{Token}@xcsti.example.org?subject=unsubscribe>", parsed.Headers["List-Unsubscribe"], StringComparison.Ordinal);
    }
}
