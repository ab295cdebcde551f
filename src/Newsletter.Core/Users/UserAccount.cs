using System.Security.Cryptography;

namespace Newsletter.Core.Users;

/// <summary>What a web admin account may do. Editors: issues, previews, test sends, campaign reports. Admins: everything.</summary>
public enum UserRole
{
    Editor,
    Admin,
}

/// <summary>
/// A web admin account. <see cref="PasswordHash"/> is a <c>PasswordHasher</c> hash, never the password.
/// <see cref="SecurityStamp"/> is carried by every session cookie and changes whenever the account's sessions must
/// end (new password, role change, lockout, sign-out everywhere, logout).
/// </summary>
public sealed record UserAccount(long Id, string Login, UserRole Role, string PasswordHash, int FailedAttempts,
    DateTimeOffset? LockedUntil, DateTimeOffset? LastSignInAt, DateTimeOffset CreatedAt, string SecurityStamp)
{
    /// <summary>Whether sign-in is refused at <paramref name="now"/> because of repeated failures.</summary>
    public bool IsLockedAt(DateTimeOffset now) => LockedUntil is { } until && until > now;
}

/// <summary>
/// The sign-in limits: <see cref="Threshold"/> failures in a row lock an account for <see cref="Lockout"/>;
/// <see cref="ClientLimit"/> failures from one client address per <see cref="ClientWindow"/> refuse that client.
/// </summary>
public sealed record SignInPolicy(int Threshold, TimeSpan Lockout, int ClientLimit, TimeSpan ClientWindow);

/// <summary>The lowercase words stored and typed for roles (<c>admin</c>, <c>editor</c>).</summary>
public static class UserRoles
{
    public const string Admin = "admin";
    public const string Editor = "editor";

    public static string ToWord(this UserRole role) => role == UserRole.Admin ? Admin : Editor;

    public static bool TryParse(string? text, out UserRole role)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case Admin:
                role = UserRole.Admin;
                return true;
            case Editor:
                role = UserRole.Editor;
                return true;
            default:
                role = UserRole.Editor;
                return false;
        }
    }
}

/// <summary>The rules of logins and security stamps, the same for every store.</summary>
public static class UserLogins
{
    /// <summary>Logins: 2–64 characters of letters, digits, '.', '-', '_' or '@'.</summary>
    public static bool IsValid(string login) =>
        login.Length is >= 2 and <= 64 && login.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@');

    /// <summary>The login as stored and compared: trimmed and lower-case.</summary>
    public static string Normalize(string login) => login.Trim().ToLowerInvariant();

    /// <summary>A fresh random security stamp.</summary>
    public static string NewStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}

/// <summary>A refused account operation (duplicate or invalid login); the message says which.</summary>
public sealed class UserAccountException(string message) : UserFacingException(message);
