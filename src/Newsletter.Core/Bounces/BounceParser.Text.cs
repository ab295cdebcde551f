using System.Text;
using System.Text.RegularExpressions;

namespace Newsletter.Core.Bounces;

// Helpers and patterns shared by every kind of report.
public sealed partial class BounceParser
{
    // ---------- shared helpers ----------

    /// <summary>Header-style fields (<c>Name: value</c>, folded lines unfolded) of a DSN or ARF block.</summary>
    private static IEnumerable<(string Name, string Value)> Fields(string block)
    {
        string? name = null;
        var value = new StringBuilder();
        foreach (var raw in block.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t') && name is not null)
            {
                value.Append(' ').Append(line.Trim());
                continue;
            }
            if (name is not null) yield return (name, value.ToString().Trim());
            name = null;
            value.Clear();
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && colon < 80 && !line[..colon].Contains(' ', StringComparison.Ordinal))
            {
                name = line[..colon];
                value.Append(line[(colon + 1)..]);
            }
        }
        if (name is not null) yield return (name, value.ToString().Trim());
    }

    /// <summary>Drops an address-type or diagnostic-type prefix: <c>rfc822; a@b</c> → <c>a@b</c>, <c>smtp; 550 …</c> → <c>550 …</c>.</summary>
    private static string StripType(string value)
    {
        var semi = value.IndexOf(';', StringComparison.Ordinal);
        return semi is > 0 and < 16 && !value[..semi].Contains('@', StringComparison.Ordinal) ? value[(semi + 1)..].Trim() : value.Trim();
    }

    private static string? FirstAddress(string text)
    {
        var m = AddressPattern().Match(text);
        return m.Success ? m.Groups["a"].Value.TrimEnd('.').ToLowerInvariant() : null;
    }

    private static IEnumerable<string> AddressesIn(string text) =>
        AddressPattern().Matches(text).Select(m => m.Groups["a"].Value.TrimEnd('.').ToLowerInvariant()).Distinct();

    private static string Unbracket(string value) => value.Trim().Trim('<', '>').Trim();

    private static string? StatusIn(string text)
    {
        var m = EnhancedStatus().Match(text);
        return m.Success ? m.Value : null;
    }

    /// <summary>
    /// The first precise 5.x.x (or 4.x.x) status, else the first general one (x.0.0); 2.x.x ones are the words of a
    /// successful step.
    /// </summary>
    private static string? FailureStatusIn(string text)
    {
        string? general = null;
        foreach (Match m in EnhancedStatus().Matches(text))
        {
            if (m.Value[0] is not ('5' or '4')) continue;
            if (!m.Value.EndsWith(".0.0", StringComparison.Ordinal)) return m.Value;
            general ??= m.Value;
        }
        return general;
    }

    private static int? SmtpCodeIn(string text, bool preferFailure = false)
    {
        foreach (Match m in SmtpCode().Matches(text))
        {
            var code = int.Parse(m.Groups["c"].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (!preferFailure || code >= 400) return code;
        }
        return null;
    }

    private static string Clean(string text) => Whitespace().Replace(text, " ").Trim();

    private static string Trim(string text)
    {
        var t = Clean(text);
        return t.Length > MaxDiagnosticChars ? t[..MaxDiagnosticChars] : t;
    }

    [GeneratedRegex(@"(?<![\w.+-])<?(?<a>[A-Za-z0-9\u0080-\uFFFF!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9\u0080-\uFFFF-]+(?:\.[A-Za-z0-9\u0080-\uFFFF-]+)+)>?", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex AddressPattern();

    [GeneratedRegex(@"(?<![\d.])[245]\.\d{1,3}\.\d{1,3}(?![\d.]*\d)", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex EnhancedStatus();

    [GeneratedRegex(@"(?<![\d.:/#-])(?<c>[245][0-5]\d)(?=[ -]|\s|$)(?![ -]?\d{3,})", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex SmtpCode();

    [GeneratedRegex(@"^Status:\s*[245]\.", RegexOptions.Multiline | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex StatusField();

    [GeneratedRegex(@"\n[ \t]*\r?\n", RegexOptions.None, 1000)]
    private static partial Regex BlankLines();

    [GeneratedRegex(@"\s+", RegexOptions.None, 1000)]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^(auto:|auto-?reply|automatic reply|autoreply|out of (the )?office|vacation|away from|i am away|自动回复|自動回覆|休假|不在办公室|r[ée]ponse automatique|absence|abwesenheit|automatische antwort)", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex AutoReplySubject();

    [GeneratedRegex(@"mailer-daemon|mail-daemon|postmaster|mail delivery (system|subsystem)|mail administrator|maildelivery|mail\.delivery|mailer daemon|microsoftexchange|system administrator|\bmdaemon\b|internet mail delivery|系统退信|退信|邮件系统|postmaster@", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex DaemonSender();

    [GeneratedRegex(@"undeliver|undelivered|delivery (status notification|failure|failed|has failed|notification|report)|failure notice|failed delivery|returned mail|mail delivery failed|could not be delivered|not delivered|non remis|non-remis|unzustellbar|nicht zugestellt|rejected|returned to sender|delivery problem|permanent error|bounce|退信|投递失败|发送失败|未能成功|无法投递|没有发送成功|未送达|邮件被退回|系统退信|配信エラー|不能送達|送信できません", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex BounceSubject();

    [GeneratedRegex(@"could not be delivered|couldn't be delivered|delivery (to the following recipient|has failed)|undeliverable|permanent (fatal )?error|unable to deliver|was not delivered|delivery failed|I'm afraid I wasn't able|This is the mail system at|This message was created automatically by mail delivery software|Hi\. This is the qmail-send program|无法投递|发送失败|退信原因|很抱歉您的邮件|未能成功发送|投递失败", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex BounceBody();

    [GeneratedRegex(@"^(delivery status notification \((success|relay|delivered)\)|successful mail delivery|delivered:|delivery notification: (delivered|success)|relayed:|message delivered|投递成功|发送成功)", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex SuccessSubject();

    [GeneratedRegex(@"\b(fail|failed|failure|undeliver|reject|error)", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex FailureWords();

    [GeneratedRegex(@"^[ \t>]*(-+ ?(original message|below this line is a copy of the message|this is a copy of the message|the header of the original message is following|original message header|message header follows|the original message was received)|-+ ?(this is a copy|original message|returned message|headers of the original message|undelivered message)|--- below this line is a copy|original message headers:|the original message headers|included is a copy of the message header|------ this is a copy of the message, including all the headers|-----原始邮件-----|-----原始邮件头-----|原邮件头|原始邮件信息)", RegexOptions.Multiline | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex ReturnedCopyMarker();

    [GeneratedRegex(@"^(Return-Path|Received|Message-ID|DKIM-Signature|MIME-Version|X-[\w-]+):[ \t]", RegexOptions.Multiline | RegexOptions.IgnoreCase, 1000)]
    private static partial Regex InlineHeaders();

    [GeneratedRegex(@"<br\s*/?>|</p>|</div>|</tr>", RegexOptions.IgnoreCase, 1000)]
    private static partial Regex HtmlBreaks();

    [GeneratedRegex(@"<[^>]{0,2000}>", RegexOptions.None, 1000)]
    private static partial Regex HtmlTags();
}
