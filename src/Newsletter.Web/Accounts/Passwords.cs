using System.Collections.Frozen;
using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Newsletter.Web.Infrastructure;

namespace Newsletter.Web.Accounts;

/// <summary>What is wrong with a new password (see <see cref="Passwords.Check"/>).</summary>
public enum PasswordProblem
{
    Empty,
    OnlyWhitespace,
    TooShort,
    ContainsLogin,
    Common,
}

/// <summary>
/// The password rules — one validator for the CLI and the web — and hashing with ASP.NET Core Identity's
/// <see cref="PasswordHasher{TUser}"/> (PBKDF2, salted, versioned).
/// </summary>
public static class Passwords
{
    /// <summary>The fewest characters (Unicode characters, so 十二个汉字 count as twelve).</summary>
    public const int MinimumLength = 12;

    /// <summary>Logins this long or longer may not appear anywhere in the password; shorter ones may not be all of it.</summary>
    private const int ContainedLoginLength = 4;

    private static readonly PasswordHasher<UserAccount> Hasher = new();

    // Verified against when the login is unknown, locked or throttled, so every refusal costs one hash verification.
    private static readonly string DummyHash = Hasher.HashPassword(null!, "not-a-password-" + Guid.NewGuid());

    private static readonly FrozenSet<string> CommonPasswords = LoadCommon();

    /// <summary>Null when <paramref name="password"/> is acceptable for <paramref name="login"/>, else the first rule it breaks.</summary>
    public static PasswordProblem? Check(string? login, string? password)
    {
        if (string.IsNullOrEmpty(password)) return PasswordProblem.Empty;
        if (string.IsNullOrWhiteSpace(password)) return PasswordProblem.OnlyWhitespace;
        if (password.EnumerateRunes().Count() < MinimumLength) return PasswordProblem.TooShort;
        var lower = password.Trim().ToLowerInvariant();
        var name = UserLogins.Normalize(login ?? "");
        if (name.Length > 0 && (lower == name || (name.Length >= ContainedLoginLength && lower.Contains(name, StringComparison.Ordinal))))
        {
            return PasswordProblem.ContainsLogin;
        }
        return IsCommon(lower) ? PasswordProblem.Common : null;
    }

    /// <summary>The message for <paramref name="problem"/> in <paramref name="culture"/> (the web's UI culture; the CLI asks for English).</summary>
    public static string Describe(PasswordProblem problem, UiText text, CultureInfo culture) => problem switch
    {
        PasswordProblem.Empty => text.Get(culture, "password.empty"),
        PasswordProblem.OnlyWhitespace => text.Get(culture, "password.whitespace"),
        PasswordProblem.TooShort => string.Format(culture, text.Get(culture, "password.too_short"), MinimumLength),
        PasswordProblem.ContainsLogin => text.Get(culture, "password.login"),
        _ => text.Get(culture, "password.common"),
    };

    public static string Hash(string password) => Hasher.HashPassword(null!, password);

    /// <summary>Whether <paramref name="password"/> matches <paramref name="hash"/>; with no hash, verifies a dummy one (same cost) and says no.</summary>
    public static bool Verify(string? hash, string password)
    {
        var result = Hasher.VerifyHashedPassword(null!, hash ?? DummyHash, password);
        return hash is not null && result != PasswordVerificationResult.Failed;
    }

    /// <summary>
    /// A listed password, also with digits and symbols around it ("password2024!"), twice ("qwertyqwerty"), or no
    /// more than three different characters ("aaaaaaaaaaaa", "121212121212"), or a run of digits ("123456789012").
    /// </summary>
    private static bool IsCommon(string lower)
    {
        if (lower.Distinct().Count() <= 3 || IsDigitRun(lower)) return true;
        var core = lower.Trim().TrimStart(NotLetters).TrimEnd(NotLetters);
        foreach (var candidate in new[] { lower, core })
        {
            if (CommonPasswords.Contains(candidate)) return true;
            if (candidate.Length % 2 == 0 && candidate.Length > 0 && candidate[..(candidate.Length / 2)] == candidate[(candidate.Length / 2)..] &&
                (CommonPasswords.Contains(candidate[..(candidate.Length / 2)]) || IsCommon(candidate[..(candidate.Length / 2)])))
            {
                return true;
            }
        }
        return false;
    }

    private static readonly char[] NotLetters = "0123456789!@#$%^&*()_+-=.,;:'\"`~?/\\|[]{}<> ".ToCharArray();

    /// <summary>Digits each one more (or each one less) than the one before, wrapping 9→0.</summary>
    private static bool IsDigitRun(string text)
    {
        if (text.Length < 2 || !text.All(char.IsAsciiDigit)) return false;
        bool up = true, down = true;
        for (var i = 1; i < text.Length; i++)
        {
            up &= text[i] - '0' == (text[i - 1] - '0' + 1) % 10;
            down &= text[i] - '0' == (text[i - 1] - '0' + 9) % 10;
        }
        return up || down;
    }

    private static FrozenSet<string> LoadCommon()
    {
        using var stream = typeof(Passwords).Assembly.GetManifestResourceStream("Newsletter.Web.Accounts.common-passwords.txt")
            ?? throw new InvalidOperationException("common-passwords.txt is not embedded");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#') set.Add(line.Trim().ToLowerInvariant());
        }
        return set.ToFrozenSet(StringComparer.Ordinal);
    }
}
