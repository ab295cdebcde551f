using Microsoft.AspNetCore.Identity;
using Newsletter.Data.Users;

namespace Newsletter.Web.Accounts;

/// <summary>Password rules and hashing with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2, salted, versioned).</summary>
public static class Passwords
{
    public const int MinimumLength = 10;

    private static readonly PasswordHasher<UserAccount> Hasher = new();

    // Verified against when the login is unknown, so a wrong login costs as long as a wrong password.
    private static readonly string DummyHash = Hasher.HashPassword(null!, "not-a-password-" + Guid.NewGuid());

    /// <summary>Null when <paramref name="password"/> is acceptable, else what is wrong (English, for CLI and logs).</summary>
    public static string? Problem(string? password) =>
        string.IsNullOrEmpty(password) ? "the password is empty"
        : password.Length < MinimumLength ? $"the password is shorter than {MinimumLength} characters"
        : null;

    public static string Hash(string password) => Hasher.HashPassword(null!, password);

    public static bool Verify(string? hash, string password)
    {
        var result = Hasher.VerifyHashedPassword(null!, hash ?? DummyHash, password);
        return hash is not null && result != PasswordVerificationResult.Failed;
    }
}
