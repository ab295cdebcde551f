using System.Security.Cryptography;
using System.Text;
using MimeKit;
using Newsletter.Core.Composition;
using Newsletter.Core.Delivery;
using Newsletter.Testing;

namespace Newsletter.Core.Tests.Delivery;

public sealed class MessageFactoryTests
{
    private static readonly SenderOptions Sender = new()
    {
        From = "许昌市科学技术情报研究所 <bulletin@xcsti.example.org>",
        ReplyTo = "编辑部 <editor@xcsti.example.org>",
        MessageIdDomain = "mail.xcsti.example.org",
    };

    private static readonly DateTimeOffset Date = new(2026, 11, 27, 16, 30, 0, TimeSpan.FromHours(8));

    private static ComposedVariant Variant(string html = "<p>[[nl:salutation]]：正文</p><a href=\"[[nl:unsubscribe_url]]\">退订</a>",
        string subject = "许昌竞争情报快递 2026年第1期") =>
        new("municipal", subject, null, SlotTemplate.Parse(html), SlotTemplate.Parse("[[nl:salutation]]：正文\n退订：[[nl:unsubscribe_url]]\n"));

    private static Recipient Recipient(string name = "王建国", string email = "wang@xuchang.gov.cn", string salutation = "王局长") =>
        new(email, name, new RecipientValues(salutation, name, email, "https://bulletin.example.org/u/tok123", "https://bulletin.example.org/v/tok123"));

    private static byte[] Wire(OutgoingMessage message) => message.Data.ToArray();

    [Fact]
    public void The_message_has_every_header_of_a_well_behaved_bulk_mail()
    {
        var factory = new MessageFactory(Sender);
        var id = factory.NewMessageId();
        var message = factory.Create(Variant(), Recipient(), id, 42, Date);
        var parsed = MimeMessage.Load(new MemoryStream(Wire(message)));

        Assert.Equal("bulletin@xcsti.example.org", Assert.Single(parsed.From.Mailboxes).Address);
        Assert.Equal("许昌市科学技术情报研究所", parsed.From.Mailboxes.Single().Name);
        Assert.Equal("editor@xcsti.example.org", Assert.Single(parsed.ReplyTo.Mailboxes).Address);
        var to = Assert.Single(parsed.To.Mailboxes);
        Assert.Equal(("王建国", "wang@xuchang.gov.cn"), (to.Name, to.Address));
        Assert.Empty(parsed.Cc);
        Assert.Empty(parsed.Bcc);
        Assert.Equal("许昌竞争情报快递 2026年第1期", parsed.Subject);
        Assert.Equal(Date, parsed.Date);
        Assert.Equal(id, parsed.MessageId);
        Assert.Matches("^[0-9a-f]{32}@mail\\.xcsti\\.example\\.org$", id);
        Assert.Equal("<bulletin.xcsti.example.org>", parsed.Headers["List-Id"]);
        Assert.Equal("<https://bulletin.example.org/u/tok123>, <mailto:unsubscribe@xcsti.example.org?subject=unsubscribe>", parsed.Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", parsed.Headers["List-Unsubscribe-Post"]);
        Assert.Equal("bulk", parsed.Headers["Precedence"]);
        Assert.Equal("42", parsed.Headers[MessageFactory.CampaignHeader]);

        var alternative = Assert.IsType<MultipartAlternative>(parsed.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(p => p.ContentType.MimeType));
        Assert.All(alternative, p => Assert.Equal("utf-8", p.ContentType.Charset));
        Assert.Equal("王局长：正文\n退订：https://bulletin.example.org/u/tok123\n", parsed.TextBody);
        Assert.Contains("<p>王局长：正文</p>", parsed.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void Headers_on_the_wire_are_ascii_with_rfc2047_chinese_and_no_line_exceeds_998_octets()
    {
        var longLine = "<p>" + string.Concat(Enumerable.Repeat("许昌市新材料产业发展情况。", 3000)) + "</p>";
        var message = new MessageFactory(Sender).Create(Variant(longLine), Recipient(), "id@x", 1, Date);
        var wire = Wire(message);
        var text = Encoding.UTF8.GetString(wire);
        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headers = text[..headerEnd];

        Assert.True(wire.Take(Encoding.UTF8.GetByteCount(headers)).All(b => b < 128), "headers must be 7-bit");
        Assert.Matches("(?im)^Subject: =\\?utf-8\\?[bq]\\?", headers);
        Assert.Matches("(?im)^To: =\\?utf-8\\?[bq]\\?.*<wang@xuchang.gov.cn>", headers);
        Assert.True(wire.All(b => b < 128), "base64 bodies keep the whole message 7-bit");
        var lines = text.Split("\r\n");
        Assert.All(lines, line => Assert.True(Encoding.UTF8.GetByteCount(line) <= 998, $"line of {line.Length} chars"));
        Assert.Contains(longLine, MimeMessage.Load(new MemoryStream(wire)).HtmlBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("王\r\nBcc: evil@example.org")]
    [InlineData("王\nBcc: evil@example.org")]
    [InlineData("王\rBcc: evil@example.org")]
    [InlineData("王\u0085Bcc: evil@example.org")]
    [InlineData("\"王\" <evil@example.org>, x")]
    public void No_subscriber_field_can_inject_a_header_or_a_recipient(string name)
    {
        var recipient = new Recipient("wang@xuchang.gov.cn", name,
            new RecipientValues(name, name, "wang@xuchang.gov.cn", "https://bulletin.example.org/u/a\r\nBcc: evil@example.org", "https://v"));
        var message = new MessageFactory(Sender).Create(Variant(subject: "快递\r\nBcc: evil@example.org"), recipient, "id@x", 1, Date);
        var wire = Encoding.UTF8.GetString(Wire(message));
        var headers = wire[..wire.IndexOf("\r\n\r\n", StringComparison.Ordinal)];

        Assert.DoesNotMatch("(?im)^Bcc:", headers);
        var parsed = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(wire)));
        Assert.Empty(parsed.Bcc);
        Assert.Equal("wang@xuchang.gov.cn", Assert.Single(parsed.To.Mailboxes).Address);
        Assert.DoesNotContain(parsed.Headers, h => h.Field.Equals("Bcc", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Html_in_a_name_is_escaped_in_the_html_part()
    {
        var message = new MessageFactory(Sender).Create(Variant("<p>[[nl:salutation]]</p>"), Recipient(salutation: "<img src=x onerror=alert(1)>"), "id@x", 1, Date);
        var html = MimeMessage.Load(new MemoryStream(Wire(message))).HtmlBody;
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Verp_puts_the_recipient_into_the_envelope_sender_and_is_off_by_default()
    {
        var verp = new MessageFactory(Sender with { VerpReturnPath = "bounces+{local}={domain}@xcsti.example.org" });
        Assert.Equal("bounces+wang.jg=xuchang.gov.cn@xcsti.example.org", verp.EnvelopeFrom("wang.jg@xuchang.gov.cn").Address);
        Assert.Equal("bulletin@xcsti.example.org", new MessageFactory(Sender).EnvelopeFrom("wang@xuchang.gov.cn").Address);
        Assert.Throws<ArgumentException>(() => new MessageFactory(Sender with { VerpReturnPath = "bounces@example.org" }));
    }

    [Fact]
    public void Test_sends_have_the_prefix_and_no_campaign_header()
    {
        var message = new MessageFactory(Sender).Create(Variant(), Recipient(), "id@x", 0, Date, "[测试]").Parse();
        Assert.Equal("[测试] 许昌竞争情报快递 2026年第1期", message.Subject);
        Assert.Null(message.Headers[MessageFactory.CampaignHeader]);
    }

    [Fact]
    public void A_bad_from_address_is_refused_with_the_setting_name()
    {
        var e = Assert.Throws<ArgumentException>(() => new MessageFactory(new SenderOptions { From = "not an address" }));
        Assert.Contains("Sender:From", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Requires("dkimpy")]
    public void Dkim_signatures_verify_with_an_independent_verifier_and_break_when_the_message_changes()
    {
        using var keys = new TempDirectory("dkim");
        using var rsa = RSA.Create(2048);
        var keyFile = keys.File("dkim.pem");
        File.WriteAllText(keyFile, rsa.ExportRSAPrivateKeyPem());
        var publicKey = Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());
        var factory = new MessageFactory(Sender, new DkimOptions { Domain = "xcsti.example.org", Selector = "bulletin2026", KeyFile = keyFile });
        Assert.True(factory.Signs);

        using var message = factory.Create(Variant(), Recipient(), factory.NewMessageId(), 7, Date);
        var signature = message.Parse().Headers[HeaderId.DkimSignature];
        Assert.NotNull(signature);
        var tags = signature.Replace("\r\n", "", StringComparison.Ordinal).Split(';').Select(t => t.Trim().Split('=', 2)).ToDictionary(t => t[0], t => t.Length > 1 ? t[1] : "");
        Assert.Equal("rsa-sha256", tags["a"]);
        Assert.Equal("xcsti.example.org", tags["d"]);
        Assert.Equal("bulletin2026", tags["s"]);
        var signed = tags["h"].Split(':').Select(h => h.Trim().ToLowerInvariant()).ToHashSet();
        // Exactly these (spelled out, not taken from MessageFactory.SignedHeaders): none missing, none extra. The message
        // writes no Feedback-ID, so that one is not signed.
        Assert.Equal(
            ["content-type", "date", "from", "list-id", "list-unsubscribe", "list-unsubscribe-post", "message-id", "mime-version", "reply-to", "subject", "to"],
            signed.Order(StringComparer.Ordinal));

        var wire = Wire(message);
        Assert.Equal("pass", DkimVerifier.Verify(wire, publicKey));
        var tampered = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(wire).Replace("List-Unsubscribe: <https://bulletin.example.org/u/tok123>", "List-Unsubscribe: <https://evil.example.org/u/tok123>", StringComparison.Ordinal));
        Assert.NotEqual(wire, tampered);
        Assert.Equal("fail", DkimVerifier.Verify(tampered, publicKey));
    }

    [Fact]
    [Requires("dkimpy")]
    public void Dkim_covers_the_mime_and_list_headers_and_over_signs_from_subject_and_unsubscribe_so_an_added_one_fails()
    {
        using var keys = new TempDirectory("dkim");
        using var rsa = RSA.Create(2048);
        var keyFile = keys.File("dkim.pem");
        File.WriteAllText(keyFile, rsa.ExportRSAPrivateKeyPem());
        var publicKey = Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());
        var factory = new MessageFactory(Sender, new DkimOptions { Domain = "xcsti.example.org", Selector = "bulletin2026", KeyFile = keyFile });

        using var message = factory.Create(Variant(), Recipient(), factory.NewMessageId(), 7, Date);
        var signature = message.Parse().Headers[HeaderId.DkimSignature];
        var h = signature!.Replace("\r\n", "", StringComparison.Ordinal).Split(';').Select(t => t.Trim()).Single(t => t.StartsWith("h=", StringComparison.Ordinal));
        Assert.Equal(
            "from:from:reply-to:to:subject:subject:date:message-id:list-id:list-unsubscribe:list-unsubscribe:"
            + "list-unsubscribe-post:list-unsubscribe-post:mime-version:content-type",
            string.Concat(h[2..].Where(c => !char.IsWhiteSpace(c))));

        var wire = Encoding.ASCII.GetString(Wire(message));
        Assert.Equal("pass", DkimVerifier.Verify(Encoding.ASCII.GetBytes(wire), publicKey));
        var headerEnd = wire.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        foreach (var added in new[]
        {
            "From: =?utf-8?b?6K6457OW5biC56eR5a2m5oqA5pyv5oOF5oql56CU56m25omA?= <bulletin@evil.example.org>",
            "Subject: =?utf-8?b?57Sn5oCl6YCa55+l?=",
            "List-Unsubscribe: <https://evil.example.org/u/tok123>",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        })
        {
            // Prepended (where a forwarder adds fields) and appended (what a verifier reads first): both must fail.
            Assert.Equal("fail", DkimVerifier.Verify(Encoding.ASCII.GetBytes(added + "\r\n" + wire), publicKey));
            Assert.Equal("fail", DkimVerifier.Verify(Encoding.ASCII.GetBytes(wire[..headerEnd] + "\r\n" + added + wire[headerEnd..]), publicKey));
        }
        // A field outside the list (trace headers are added on every hop) leaves the signature intact.
        Assert.Equal("pass", DkimVerifier.Verify(Encoding.ASCII.GetBytes("Received: from relay.example.org\r\n" + wire), publicKey));
    }

    [Fact]
    [Requires("dkimpy")]
    public void An_ed25519_key_adds_a_second_signature_and_each_verifies_with_an_independent_verifier()
    {
        using var keys = new TempDirectory("dkim");
        using var rsa = RSA.Create(2048);
        var rsaFile = keys.File("rsa.pem");
        File.WriteAllText(rsaFile, rsa.ExportRSAPrivateKeyPem());
        var ed25519 = DkimVerifier.NewEd25519Key(keys.File("ed25519.pem"));
        var otherEd25519 = DkimVerifier.NewEd25519Key(keys.File("other.pem"));
        var factory = new MessageFactory(Sender, new DkimOptions
        {
            Domain = "xcsti.example.org", Selector = "nl2026r", KeyFile = rsaFile, Ed25519Selector = "nl2026e", Ed25519KeyFile = keys.File("ed25519.pem"),
        });
        Assert.Equal(["rsa-sha256", "ed25519-sha256"], factory.SignatureAlgorithms);

        using var message = factory.Create(Variant(), Recipient(), factory.NewMessageId(), 7, Date);
        var signatures = message.Parse().Headers.Where(h => h.Id == HeaderId.DkimSignature)
            .Select(h => h.Value.Replace("\r\n", "", StringComparison.Ordinal).Split(';').Select(t => t.Trim().Split('=', 2)).Where(t => t.Length == 2)
                .ToDictionary(t => t[0], t => string.Concat(t[1].Where(c => !char.IsWhiteSpace(c)))))
            .ToList();
        // RSA on top (what a verifier that knows only RSA reads first), both over the same fields and body.
        Assert.Equal([("rsa-sha256", "nl2026r"), ("ed25519-sha256", "nl2026e")], signatures.Select(t => (t["a"], t["s"])));
        Assert.Equal(signatures[0]["h"], signatures[1]["h"]);
        Assert.Equal(signatures[0]["bh"], signatures[1]["bh"]);

        var records = new Dictionary<string, string>
        {
            ["nl2026r"] = "v=DKIM1; k=rsa; p=" + Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()),
            ["nl2026e"] = "v=DKIM1; k=ed25519; p=" + ed25519,
        };
        var wire = Wire(message);
        Assert.Equal(["pass", "pass"], DkimVerifier.VerifyEach(wire, records));
        Assert.Equal(["pass", "fail"], DkimVerifier.VerifyEach(wire, new Dictionary<string, string>(records) { ["nl2026e"] = "v=DKIM1; k=ed25519; p=" + otherEd25519 }));
        var tampered = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(wire).Replace("List-Unsubscribe: <https://bulletin.example.org/u/tok123>", "List-Unsubscribe: <https://evil.example.org/u/tok123>", StringComparison.Ordinal));
        Assert.NotEqual(wire, tampered);
        Assert.Equal(["fail", "fail"], DkimVerifier.VerifyEach(tampered, records));
    }

    [Fact]
    public void Ed25519_settings_alone_half_set_or_with_another_key_are_refused_with_the_setting_names()
    {
        using var keys = new TempDirectory("dkim");
        using var rsa = RSA.Create(2048);
        var rsaFile = keys.File("rsa.pem");
        File.WriteAllText(rsaFile, rsa.ExportPkcs8PrivateKeyPem());
        var rsaOnly = new DkimOptions { Domain = "xcsti.example.org", Selector = "nl", KeyFile = rsaFile };

        // RFC 8463: not alone — receivers that do not know Ed25519 would see an unsigned bulletin.
        var alone = Assert.Throws<ArgumentException>(() => new MessageFactory(Sender, new DkimOptions { Domain = "xcsti.example.org", Ed25519Selector = "nle", Ed25519KeyFile = rsaFile }));
        Assert.Contains("Dkim:KeyFile", alone.Message, StringComparison.Ordinal);
        var half = Assert.Throws<ArgumentException>(() => new MessageFactory(Sender, rsaOnly with { Ed25519Selector = "nle" }));
        Assert.Contains("Dkim:Ed25519KeyFile", half.Message, StringComparison.Ordinal);
        var rsaKey = Assert.Throws<ArgumentException>(() => new MessageFactory(Sender, rsaOnly with { Ed25519Selector = "nle", Ed25519KeyFile = rsaFile }));
        Assert.Contains("Dkim:Ed25519KeyFile", rsaKey.Message, StringComparison.Ordinal);
        Assert.Contains("openssl genpkey -algorithm ed25519", rsaKey.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_reply_to_setting_replies_go_to_the_from_mailbox()
    {
        var parsed = new MessageFactory(Sender with { ReplyTo = null }).Create(Variant(), Recipient(), "id@x", 1, Date).Parse();
        var replyTo = Assert.Single(parsed.ReplyTo.Mailboxes);
        Assert.Equal(("许昌市科学技术情报研究所", "bulletin@xcsti.example.org"), (replyTo.Name, replyTo.Address));
    }

    [Fact]
    public void An_unreadable_dkim_key_is_refused_with_the_setting_name()
    {
        var e = Assert.Throws<ArgumentException>(() => new MessageFactory(Sender,
            new DkimOptions { Domain = "xcsti.example.org", Selector = "s", KeyFile = "/nonexistent/dkim.pem" }));
        Assert.Contains("Dkim:KeyFile", e.Message, StringComparison.Ordinal);
    }
}
