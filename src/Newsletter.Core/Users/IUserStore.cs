namespace Newsletter.Core.Users;

/// <summary>
/// Web admin accounts and the sign-in limits. Declared here for the web admin and the <c>users</c> commands,
/// implemented in Newsletter.Data. Logins are compared case-insensitively
/// (<see cref="UserLogins.Normalize"/>). Hashing is the caller's: the store keeps whatever hash it is given.
/// </summary>
public interface IUserStore
{
    /// <exception cref="UserAccountException">The login is invalid or taken.</exception>
    Task<UserAccount> AddAsync(string login, UserRole role, string passwordHash, CancellationToken ct = default);

    Task<UserAccount?> FindAsync(string login, CancellationToken ct = default);

    /// <summary>Every account, by login.</summary>
    Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken ct = default);

    Task<long> CountAsync(CancellationToken ct = default);

    /// <summary>Replaces the hash, lifts any lockout and ends every session. False when no such login.</summary>
    Task<bool> SetPasswordAsync(string login, string passwordHash, CancellationToken ct = default);

    /// <summary>Changes the role and ends every session (they carry the old role). False when no such login.</summary>
    Task<bool> SetRoleAsync(string login, UserRole role, CancellationToken ct = default);

    /// <summary>Lifts a lockout. False when no such login.</summary>
    Task<bool> UnlockAsync(string login, CancellationToken ct = default);

    /// <summary>Ends every session of the account at its next request (logout, "sign out everywhere"). False when no such login.</summary>
    Task<bool> SignOutEverywhereAsync(string login, CancellationToken ct = default);

    /// <summary>
    /// Counts a sign-in attempt as a failure <em>before</em> its password is checked, atomically, against the client's
    /// budget and then the account (the attempt that reaches <see cref="SignInPolicy.Threshold"/> locks it);
    /// <see cref="RecordSuccessAsync"/> takes the failure back. Unknown, locked and real logins cost alike.
    /// </summary>
    /// <returns>The account when the attempt may check its password; null when the client is over its budget or the login is unknown or locked.</returns>
    Task<UserAccount?> TryBeginSignInAsync(string login, string client, SignInPolicy policy, CancellationToken ct = default);

    /// <summary>After the right password: clears the account's failure count and takes the client's attempt back.</summary>
    Task RecordSuccessAsync(string login, string client, CancellationToken ct = default);

    /// <summary>False when no such login.</summary>
    Task<bool> RemoveAsync(string login, CancellationToken ct = default);
}
