using System.Text;
using Newsletter.Core.Bounces;

namespace Newsletter.Core.Tests.Bounces;

/// <summary>Formats the corpus lacks (Chinese providers as they send today, written from real notices) and bad input.</summary>
public sealed class BounceParserTests
{
    private static readonly BounceParser Parser = new();

    static BounceParserTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static BounceReport Parse(string text, Encoding? encoding = null) => Parser.Parse((encoding ?? Encoding.UTF8).GetBytes(text.ReplaceLineEndings("\r\n")));

    [Fact]
    public void Tencent_exmail_html_notice_in_chinese_is_a_hard_bounce()
    {
        var html = "<div>很抱歉您的邮件没有发送成功，以下是退信的相关信息：</div><div>收件人：<b>zhang.wei@xcqy.example.cn</b></div>" +
                   "<div>退信原因：收件人邮箱不存在</div><div>(550 Mailbox not found or access denied)</div>";
        var report = Parse($"""
            From: "腾讯企业邮箱" <postmaster@exmail.qq.com>
            To: bulletin@xcsti.example.org
            Subject: =?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes("退信：许昌竞争情报快递"))}?=
            Message-ID: <bounce-1@exmail.qq.com>
            MIME-Version: 1.0
            Content-Type: text/html; charset=UTF-8
            Content-Transfer-Encoding: base64

            {Convert.ToBase64String(Encoding.UTF8.GetBytes(html))}
            """);

        Assert.Equal(ReportKind.Bounce, report.Kind);
        var r = Assert.Single(report.Recipients);
        Assert.Equal("zhang.wei@xcqy.example.cn", r.Address);
        Assert.Equal(550, r.SmtpCode);
        Assert.Equal(BounceClass.Hard, r.Class);
        Assert.Equal("userunknown", r.Reason);
    }

    [Fact]
    public void Coremail_gb18030_notice_with_full_mailbox_is_soft()
    {
        var report = Parse("""
            From: =?GB2312?B?z7XNs83Lxcs=?= <postmaster@163.com>
            To: bulletin@xcsti.example.org
            Subject: =?GB2312?B?z7XNs83Lxcs=?=
            MIME-Version: 1.0
            Content-Type: text/plain; charset=GB18030
            Content-Transfer-Encoding: 8bit

            尊敬的用户：
            您发送至 li.na@163.com 的邮件未能成功投递。
            退信原因：收件人邮箱空间不足 (552 5.2.2 Mailbox full)
            -----原始邮件头-----
            From: bulletin@xcsti.example.org
            To: li.na@163.com
            Message-ID: <abc123@xcsti.example.org>
            """, Encoding.GetEncoding("GB18030"));

        Assert.Equal(ReportKind.Bounce, report.Kind);
        var r = Assert.Single(report.Recipients);
        Assert.Equal("li.na@163.com", r.Address);
        Assert.Equal("5.2.2", r.Status);
        Assert.Equal(BounceClass.Soft, r.Class);
        Assert.Equal("mailboxfull", r.Reason);
        Assert.Equal("abc123@xcsti.example.org", report.OriginalMessageId);
    }

    [Fact]
    public void Postfix_dsn_names_the_returned_message_and_campaign()
    {
        var report = Parse("""
            From: MAILER-DAEMON@relay.xcsti.example.org (Mail Delivery System)
            To: bounces+wang=xuchang.gov.cn@xcsti.example.org
            Delivered-To: bounces+wang=xuchang.gov.cn@xcsti.example.org
            Subject: Undelivered Mail Returned to Sender
            Message-ID: <20261206.A1@relay.xcsti.example.org>
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="B"

            --B
            Content-Type: text/plain

            <wang@xuchang.gov.cn>: host mx.xuchang.gov.cn[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command)
            --B
            Content-Type: message/delivery-status

            Reporting-MTA: dns; relay.xcsti.example.org

            Final-Recipient: rfc822; wang@xuchang.gov.cn
            Original-Recipient: rfc822;wang@xuchang.gov.cn
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 User unknown

            --B
            Content-Type: text/rfc822-headers

            From: bulletin@xcsti.example.org
            To: wang@xuchang.gov.cn
            Message-ID: <m-42@xcsti.example.org>
            X-Newsletter-Campaign: 7

            --B--
            """);

        Assert.Equal(ReportKind.Bounce, report.Kind);
        var r = Assert.Single(report.Recipients);
        Assert.Equal(("wang@xuchang.gov.cn", "5.1.1", 550, BounceClass.Hard, "userunknown"), (r.Address, r.Status, r.SmtpCode, r.Class, r.Reason));
        Assert.Equal("m-42@xcsti.example.org", report.OriginalMessageId);
        Assert.Equal("7", report.OriginalCampaign);
        Assert.Equal("20261206.A1@relay.xcsti.example.org", report.MessageId);
        Assert.Contains("bounces+wang=xuchang.gov.cn@xcsti.example.org", report.DeliveredTo);
    }

    [Fact]
    public void A_temporary_unknown_user_reply_is_never_hard()
    {
        var (reason, cls) = BounceReasons.Classify("4.1.1", 450, "User unknown in virtual alias table");
        Assert.Equal("userunknown", reason);
        Assert.Equal(BounceClass.Soft, cls);
    }

    [Fact]
    public void Chinese_vacation_reply_is_an_autoreply_not_a_bounce()
    {
        var report = Parse("""
            From: 王局长 <wang@xuchang.gov.cn>
            To: bulletin@xcsti.example.org
            Subject: =?UTF-8?B?6Ieq5Yqo5Zue5aSNOiDorrjmmIznq57kuonmg4XmiqXlv6vpgJI=?=
            Auto-Submitted: auto-replied
            Content-Type: text/plain; charset=UTF-8

            您好，我正在休假，用户不存在的问题请联系办公室。
            """);
        Assert.Equal(ReportKind.AutoReply, report.Kind);
        Assert.DoesNotContain(report.Recipients, r => r.Class == BounceClass.Hard);
    }

    [Fact]
    public void Delivery_success_dsn_is_other()
    {
        var report = Parse("""
            From: MAILER-DAEMON@relay.example.org
            To: bulletin@xcsti.example.org
            Subject: Successful Mail Delivery Report
            Content-Type: multipart/report; report-type=delivery-status; boundary="B"

            --B
            Content-Type: message/delivery-status

            Reporting-MTA: dns; relay.example.org

            Final-Recipient: rfc822; wang@xuchang.gov.cn
            Action: delivered
            Status: 2.0.0

            --B--
            """);
        Assert.Equal(ReportKind.Other, report.Kind);
        Assert.Equal("delivery success notice", report.Note);
    }

    [Theory]
    [InlineData("")]
    [InlineData("just some words with no header at all\n\nand a body")]
    [InlineData("From: a@b.example\nContent-Type: multipart/report; boundary=\"X\"\n\n--X\nContent-Type: message/delivery-status\n\nFinal-Recip")]
    public void Malformed_or_truncated_input_is_other_and_never_throws(string text)
    {
        var report = Parser.Parse(Encoding.UTF8.GetBytes(text));
        Assert.NotEqual(ReportKind.Bounce, report.Kind);
        Assert.NotEqual(ReportKind.Complaint, report.Kind);
    }

    [Fact]
    public void Binary_and_huge_input_are_other_with_a_reason()
    {
        var binary = new byte[4096];
        new Random(1).NextBytes(binary);
        Assert.Equal("binary data, not a mail message", Parser.Parse(binary).Note);

        using var huge = new MemoryStream(Encoding.ASCII.GetBytes("Subject: x\r\n\r\n" + new string('a', BounceParser.MaxMessageBytes + 10)));
        var report = Parser.Parse(huge);
        Assert.Equal(ReportKind.Other, report.Kind);
        Assert.StartsWith("larger than", report.Note, StringComparison.Ordinal);
    }
}
