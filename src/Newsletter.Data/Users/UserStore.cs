using System.Data.Common;

namespace Newsletter.Data.Users;

/// <summary>
/// Web admin accounts on SQLite or PostgreSQL. Logins are compared case-insensitively (stored lower-case).
/// Hashing is the caller's: this store keeps whatever hash it is given.
/// </summary>
public sealed class UserStore(NewsletterDatabase database, TimeProvider time)
{
    private const string Columns = "id, login, role, password_hash, failed_attempts, locked_until, last_sign_in_at, created_at";

    /// <summary>Logins: 2–64 characters of letters, digits, '.', '-', '_' or '@'.</summary>
    public static bool IsValidLogin(string login) =>
        login.Length is >= 2 and <= 64 && login.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@');

    /// <summary>The login as stored: trimmed and lower-case.</summary>
    public static string NormalizeLogin(string login) => login.Trim().ToLowerInvariant();

    /// <exception cref="UserAccountException">The login is invalid or taken.</exception>
    public async Task<UserAccount> AddAsync(string login, UserRole role, string passwordHash, CancellationToken ct = default)
    {
        login = NormalizeLogin(login);
        if (!IsValidLogin(login))
        {
            throw new UserAccountException($"'{login}' is not a valid login: use 2–64 letters, digits, '.', '-', '_' or '@'");
        }
        if (await FindAsync(login, ct) is not null)
        {
            throw new UserAccountException($"the login '{login}' exists already");
        }
        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var insert = connection.Command(
            "INSERT INTO users (login, role, password_hash, failed_attempts, created_at, updated_at) VALUES (@l, @r, @h, 0, @now, @now)")
            .With("@l", login).With("@r", role.ToWord()).With("@h", passwordHash).With("@now", now);
        await insert.ExecuteNonQueryAsync(ct);
        return (await FindAsync(login, ct))!;
    }

    public async Task<UserAccount?> FindAsync(string login, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command($"SELECT {Columns} FROM users WHERE login = @l").With("@l", NormalizeLogin(login));
        return await ReadAsync(command, ct) is [var user, ..] ? user : null;
    }

    public async Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command($"SELECT {Columns} FROM users ORDER BY login");
        return await ReadAsync(command, ct);
    }

    public async Task<long> CountAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command("SELECT COUNT(*) FROM users");
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Replaces the hash and lifts any lockout. False when no such login.</summary>
    public Task<bool> SetPasswordAsync(string login, string passwordHash, CancellationToken ct = default) =>
        UpdateAsync("password_hash = @v, failed_attempts = 0, locked_until = NULL", login, passwordHash, ct);

    public Task<bool> SetRoleAsync(string login, UserRole role, CancellationToken ct = default) =>
        UpdateAsync("role = @v", login, role.ToWord(), ct);

    /// <summary>Lifts a lockout. False when no such login.</summary>
    public Task<bool> UnlockAsync(string login, CancellationToken ct = default) =>
        UpdateAsync("failed_attempts = 0, locked_until = NULL", login, null, ct);

    /// <summary>Counts a failed sign-in; at <paramref name="threshold"/> failures the account locks for <paramref name="lockout"/>.</summary>
    /// <returns>The account after the update, or null when no such login.</returns>
    public async Task<UserAccount?> RecordFailureAsync(string login, int threshold, TimeSpan lockout, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            """
            UPDATE users SET failed_attempts = failed_attempts + 1, updated_at = @now,
                locked_until = CASE WHEN failed_attempts + 1 >= @t THEN @until ELSE locked_until END
            WHERE login = @l
            """).With("@now", now).With("@t", threshold).With("@until", now + lockout).With("@l", NormalizeLogin(login));
        await command.ExecuteNonQueryAsync(ct);
        return await FindAsync(login, ct);
    }

    /// <summary>Resets the failure count after a successful sign-in.</summary>
    public async Task RecordSuccessAsync(string login, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            "UPDATE users SET failed_attempts = 0, locked_until = NULL, last_sign_in_at = @now, updated_at = @now WHERE login = @l")
            .With("@now", now).With("@l", NormalizeLogin(login));
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>False when no such login.</summary>
    public async Task<bool> RemoveAsync(string login, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command("DELETE FROM users WHERE login = @l").With("@l", NormalizeLogin(login));
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    private async Task<bool> UpdateAsync(string assignments, string login, object? value, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command($"UPDATE users SET {assignments}, updated_at = @now WHERE login = @l")
            .With("@now", time.GetUtcNow()).With("@l", NormalizeLogin(login));
        if (assignments.Contains("@v", StringComparison.Ordinal))
        {
            command.With("@v", value);
        }
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    private static async Task<IReadOnlyList<UserAccount>> ReadAsync(DbCommand command, CancellationToken ct)
    {
        var list = new List<UserAccount>();
        await using var r = await command.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            UserRoles.TryParse(r.GetString(2), out var role);
            list.Add(new UserAccount(r.GetInt64(0), r.GetString(1), role, r.GetString(3), r.GetInt32(4),
                r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5),
                r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6),
                r.GetFieldValue<DateTimeOffset>(7)));
        }
        return list;
    }
}
