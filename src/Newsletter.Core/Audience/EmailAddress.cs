using System.Globalization;
using Newsletter.Core.Localization;

namespace Newsletter.Core.Audience;

/// <summary>
/// Email addresses as the list keys them: trimmed, lower-cased (addresses are treated case-insensitively),
/// the domain converted to ASCII (IDNA, 例子.中国 → xn--fsqu00a.xn--fiqs8s).
/// </summary>
public static class EmailAddress
{
    /// <summary>The longest address accepted (RFC 5321 path limit).</summary>
    public const int MaxLength = 254;

    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };

    /// <summary>Normalises <paramref name="input"/>; returns false with a reason when it is not a usable address.</summary>
    public static bool TryNormalize(string? input, out string normalized, out string error)
    {
        normalized = "";
        var text = input?.Trim() ?? "";
        if (text.Length == 0) { error = Texts.Get("import.reason.email_empty"); return false; }
        if (text.Length > MaxLength) { error = Texts.Format("import.reason.email_too_long", MaxLength); return false; }
        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1 || text.IndexOf('@') != at)
        {
            error = Texts.Format("import.reason.not_an_email", text);
            return false;
        }

        var local = text.AsSpan(0, at);
        var domain = text.AsSpan(at + 1).TrimEnd('.');
        if (local.Length > 64 || !IsValidLocalPart(local))
        {
            error = Texts.Format("import.reason.email_local_part", text);
            return false;
        }

        error = "";
        // A plain ASCII host name is what IDNA would return lower-cased; ICU is asked only about the rest (a million
        // imported rows called it three times each). Such a name has a label on each side of every dot.
        if (IsPlainHostName(domain))
        {
            if (!domain.Contains('.'))
            {
                error = Texts.Format("import.reason.email_domain", text);
                return false;
            }
            // Already normalised (what a list mostly holds): the text itself, nothing allocated.
            normalized = domain.Length == text.Length - at - 1 && !text.AsSpan().ContainsAnyInRange('A', 'Z')
                ? text
                : string.Concat(local, "@", domain).ToLowerInvariant();
            return true;
        }

        string asciiDomain;
        try
        {
            asciiDomain = Idn.GetAscii(domain.ToString());
        }
        catch (ArgumentException)
        {
            error = Texts.Format("import.reason.email_domain", text);
            return false;
        }
        if (!asciiDomain.Contains('.', StringComparison.Ordinal) || asciiDomain.Split('.').Any(l => l.Length == 0))
        {
            error = Texts.Format("import.reason.email_domain", text);
            return false;
        }

        normalized = string.Concat(local, "@", asciiDomain).ToLowerInvariant();
        return true;
    }

    /// <summary>Normalises or throws <see cref="FormatException"/>.</summary>
    public static string Normalize(string input) =>
        TryNormalize(input, out var n, out var e) ? n : throw new FormatException(e);

    /// <summary>Normalises when possible, else returns the trimmed lower-cased text (for look-ups that then find nothing).</summary>
    public static string NormalizeForLookup(string input) =>
        TryNormalize(input, out var n, out _) ? n : input.Trim().ToLowerInvariant();

    /// <summary>
    /// Letters, digits and hyphens in dot-separated labels of 1–63 characters, none starting or ending with a hyphen,
    /// none an A-label (xn--, whose Punycode ICU checks), at most 253 characters: valid under IDNA's STD3 rules as it is.
    /// </summary>
    internal static bool IsPlainHostName(ReadOnlySpan<char> domain)
    {
        if (domain.Length is 0 or > 253) return false;
        var start = 0;
        for (var i = 0; i <= domain.Length; i++)
        {
            if (i < domain.Length && domain[i] != '.')
            {
                if (!char.IsAsciiLetterOrDigit(domain[i]) && domain[i] != '-') return false;
                continue;
            }
            var length = i - start;
            if (length is 0 or > 63 || domain[start] == '-' || domain[i - 1] == '-') return false;
            if (length >= 4 && domain.Slice(start, 4).Equals("xn--", StringComparison.OrdinalIgnoreCase)) return false;
            start = i + 1;
        }
        return true;
    }

    // Dot-atom only (RFC 5322 §3.2.3): quoted local parts are legal but never seen on a leaders' list and often abused.
    private static bool IsValidLocalPart(ReadOnlySpan<char> local) =>
        local[0] != '.' && local[^1] != '.' && !local.Contains("..", StringComparison.Ordinal) && !local.ContainsAnyExcept(LocalPartCharacters);

    private static readonly System.Buffers.SearchValues<char> LocalPartCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~.");
}
