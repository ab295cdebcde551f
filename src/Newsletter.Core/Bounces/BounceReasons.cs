namespace Newsletter.Core.Bounces;

/// <summary>
/// Turns a failure's enhanced status, SMTP code and diagnostic text into a reason word and a class. The words follow
/// sisimai's (so corpus results compare); only a bad address is <see cref="BounceClass.Hard"/>: <c>userunknown</c>,
/// <c>hostunknown</c>, <c>hasmoved</c>, <c>notaccept</c>. A disabled or suspended mailbox is soft (providers suspend
/// temporarily too); repeated soft bounces still end the subscription (Bounces:SoftLimit).
/// </summary>
public static class BounceReasons
{
    private static readonly HashSet<string> HardReasons = ["userunknown", "hostunknown", "hasmoved", "notaccept"];

    // Checked in order; the first phrase found in the (lower-cased) diagnostic wins. Specific before general.
    private static readonly (string Reason, string[] Phrases)[] TextRules =
    [
        ("rejected", ["sender address rejected", "domain of sender address", "sender domain", "sender rejected", "mail from rejected",
            "sender address is", "sender not", "envelope sender", "[mail_from]"]),
        ("networkerror", ["malformed or unexpected name server reply", "dns lookup failure", "temporary dns"]),
        ("notaccept", ["couldn't find a mail exchanger", "could not find a mail exchanger", "does not accept mail", "null mx",
            "not accepting mail", "accepts no mail"]),
        ("hasmoved", ["has been moved", "address has moved", "has moved to", "no longer available at this address"]),
        ("mailboxfull", ["mailbox full", "mailbox is full", "mailbox_full", "over quota", "overquota", "quota exceeded", "exceeded storage",
            "exceeded their storage", "quota exceed", "mailbox size limit", "insufficient disk space", "mailbox is over", "user is over",
            "exceeds its storage", "out of storage", "storage quota", "full mailbox", "mail box full", "邮箱已满", "空间不足", "容量不足", "邮箱满"]),
        ("suspend", ["account disabled", "account has been disabled", "account is disabled", "mailbox disabled", "mailbox is disabled",
            "user disabled", "has been suspended", "account suspended", "is suspended", "account inactive", "inactive account",
            "mailbox is inactive", "mailbox has been blocked due to inactivity", "is not active", "account is locked", "disabled recipient",
            "recipient disabled", "temporarily disabled", "temporary locked", "temporarily locked", "account locked", "账户已冻结", "帐户已冻结", "已被冻结", "已停用", "被禁用"]),
        ("hostunknown", ["host unknown", "host or domain name not found", "unknown host", "domain not found", "no such domain",
            "domain does not exist", "unrouteable mail domain", "name service error", "domain name not found", "unroutable address",
            "unrouteable address", "mx record", "domain is not reachable", "no mx", "域名不存在", "无法解析"]),
        ("userunknown", ["user unknown", "unknown user", "no such user", "no such mailbox", "user not found", "unknown recipient",
            "recipient unknown", "invalid recipient", "recipient not found", "mailbox not found", "mailbox unavailable", "does not exist",
            "doesn't exist", "not exist", "no mailbox", "not a valid mailbox", "invalid mailbox", "unknown address", "address unknown",
            "invalid address", "recipient address rejected: user", "recipient address rejected: undeliverable",
            "recipient address rejected: unknown", "no such recipient", "user doesn't have a", "is not a valid", "unknown local part",
            "address rejected", "user not exist", "bad destination mailbox", "mailbox unknown", "no account by that name",
            "no valid recipients", "unknown or illegal alias", "recipient rejected", "user invalid", "addressee unknown",
            "no user", "invalid user", "not our customer", "mailbox does not", "the email account that you tried to reach does not exist",
            "not listed in", "recipient name is not recognized", "ディレクトリのリストにありません", "見つかりません",
            "用户不存在", "收件人不存在", "帐号不存在", "账号不存在", "账户不存在", "帐户不存在", "地址不存在", "邮箱不存在", "收件人地址错误"]),
        ("toomanyconn", ["too many connections", "too many concurrent", "connection rate limit", "too many simultaneous", "连接数过多",
            "发送频率", "connection frequency limited", "frequency limited"]),
        ("speeding", ["rate limit", "too many messages", "sending too fast", "exceeded the rate", "try again later: too many"]),
        ("authfailure", ["spf", "dkim", "dmarc", "authentication failed", "sender authentication", "not authorized to send"]),
        ("requireptr", ["reverse dns", "ptr record", "no ptr", "reverse lookup", "cannot find your hostname", "rdns", "reverse hostname"]),
        ("virusdetected", ["virus", "malware", "infected"]),
        ("spamdetected", ["spam", "junk mail", "bulk mail", "垃圾邮件", "content rejected", "message content rejected"]),
        ("blocked", ["blacklist", "blocklist", "block list", "black list", "blocked", "spamhaus", "rbl", "dnsbl", "listed at", "listed in",
            "access denied", "poor reputation", "reputation", "not allowed to send", "client host rejected", "connection refused",
            "banned", "拒绝"]),
        ("mesgtoobig", ["message too large", "message size exceeds", "too big", "size limit", "message is too large", "exceeds size",
            "邮件过大"]),
        ("expired", ["retry timeout exceeded", "delivery time expired", "message expired", "could not be delivered for", "giving up",
            "too long", "retry time", "has been delayed", "timeout", "timed out", "time expired", "expired", "delayed"]),
        ("norelaying", ["relay access denied", "relaying denied", "relay not permitted", "not permitted to relay", "unable to relay",
            "relaying not allowed", "we do not relay", "not a gateway"]),
        ("filtered", ["filtered", "policy", "rejected by", "refused", "content"]),
        ("networkerror", ["network", "loop", "connection", "dns", "lookup"]),
        ("systemerror", ["system error", "server error", "internal error", "local error", "temporary failure", "try again"]),
    ];

    /// <summary>The reason and class of a failure.</summary>
    /// <param name="status">Enhanced status such as <c>5.1.1</c>, or empty.</param>
    /// <param name="smtpCode">SMTP reply code, or null.</param>
    /// <param name="diagnostic">Everything the report says about this recipient (any case).</param>
    public static (string Reason, BounceClass Class) Classify(string status, int? smtpCode, string diagnostic)
    {
        var text = diagnostic.ToLowerInvariant();
        var reason = ByStatus(status) ?? ByText(text) ?? ByGenericStatus(status, smtpCode);
        // Refused only after the message was sent (end of DATA): the content was refused, not the address (as sisimai).
        if (reason == "userunknown" && !status.StartsWith("5.1.", StringComparison.Ordinal) &&
            (text.Contains("end of data", StringComparison.Ordinal) || text.Contains("after data", StringComparison.Ordinal) ||
             text.Contains(">>> data", StringComparison.Ordinal)))
        {
            reason = "filtered";
        }
        // A temporary (4xx) reply never makes an address bad, whatever the words say.
        var temporary = status.StartsWith('4') || (status.Length == 0 && smtpCode is >= 400 and < 500);
        var hard = HardReasons.Contains(reason) && !temporary;
        return (reason, hard ? BounceClass.Hard : BounceClass.Soft);
    }

    /// <summary>Whether <paramref name="reason"/> is one of the hard reasons.</summary>
    public static bool IsHardReason(string reason) => HardReasons.Contains(reason);

    // Codes whose meaning does not depend on the words (RFC 3463).
    private static string? ByStatus(string status) => status switch
    {
        "5.1.1" => "userunknown",
        "5.1.2" => "hostunknown",
        "5.1.6" => "hasmoved",
        "5.1.10" or "5.7.27" => "notaccept",
        "5.2.2" or "4.2.2" => "mailboxfull",
        "5.1.7" or "5.1.8" => "rejected", // the sender's address, not the recipient's
        "5.3.4" or "5.2.3" => "mesgtoobig",
        "4.4.7" or "5.4.7" => "expired",
        "5.7.26" or "5.7.25" or "5.7.23" => "authfailure",
        _ => null, // general codes (5.0.0, 5.7.1 …): read the words
    };

    private static string? ByText(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }
        foreach (var (reason, phrases) in TextRules)
        {
            foreach (var phrase in phrases)
            {
                if (text.Contains(phrase, StringComparison.Ordinal))
                {
                    return reason;
                }
            }
        }
        return null;
    }

    private static string ByGenericStatus(string status, int? smtpCode)
    {
        if (status.StartsWith("5.1.", StringComparison.Ordinal)) return "userunknown";
        if (status == "5.2.1") return "suspend";
        if (status == "5.4.4") return "hostunknown";
        if (status.StartsWith("5.2.", StringComparison.Ordinal) || status.StartsWith("4.2.", StringComparison.Ordinal)) return "mailboxfull";
        if (status.StartsWith("4.4.", StringComparison.Ordinal) || status.StartsWith("5.4.", StringComparison.Ordinal)) return "networkerror";
        if (status.StartsWith("5.7.", StringComparison.Ordinal)) return "securityerror";
        if (status.StartsWith("5.3.", StringComparison.Ordinal) || status.StartsWith("4.3.", StringComparison.Ordinal)) return "systemerror";
        if (status.StartsWith('4') || smtpCode is >= 400 and < 500) return "expired";
        return "onhold";
    }
}
