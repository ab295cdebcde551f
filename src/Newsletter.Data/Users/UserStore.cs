using System.Data.Common;
using Newsletter.Core.Users;

namespace Newsletter.Data.Users;

/// <summary>
/// <see cref="IUserStore"/> on SQLite or PostgreSQL. Logins are stored lower-case.
/// </summary>
public sealed class UserStore(NewsletterDatabase database, TimeProvider time) : IUserStore
{
    private const string Columns = "id, login, role, password_hash, failed_attempts, locked_until, last_sign_in_at, created_at, security_stamp";

    /// <exception cref="UserAccountException">The login is invalid or taken.</exception>
    public async Task<UserAccount> AddAsync(string login, UserRole role, string passwordHash, CancellationToken ct = default)
    {
        login = UserLogins.Normalize(login);
        if (!UserLogins.IsValid(login))
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
            "INSERT INTO users (login, role, password_hash, failed_attempts, created_at, updated_at, security_stamp) VALUES (@l, @r, @h, 0, @now, @now, @s)")
            .With("@l", login).With("@r", role.ToWord()).With("@h", passwordHash).With("@now", now).With("@s", UserLogins.NewStamp());
        await insert.ExecuteNonQueryAsync(ct);
        return (await FindAsync(login, ct))!;
    }

    public async Task<UserAccount?> FindAsync(string login, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command($"SELECT {Columns} FROM users WHERE login = @l").With("@l", UserLogins.Normalize(login));
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

    /// <summary>Replaces the hash, lifts any lockout and ends every session. False when no such login.</summary>
    public Task<bool> SetPasswordAsync(string login, string passwordHash, CancellationToken ct = default) =>
        UpdateAsync("password_hash = @v, failed_attempts = 0, locked_until = NULL, security_stamp = @stamp", login, passwordHash, ct);

    /// <summary>Changes the role and ends every session (they carry the old role). False when no such login.</summary>
    public Task<bool> SetRoleAsync(string login, UserRole role, CancellationToken ct = default) =>
        UpdateAsync("role = @v, security_stamp = @stamp", login, role.ToWord(), ct);

    /// <summary>Lifts a lockout. False when no such login.</summary>
    public Task<bool> UnlockAsync(string login, CancellationToken ct = default) =>
        UpdateAsync("failed_attempts = 0, locked_until = NULL", login, null, ct);

    /// <summary>Ends every session of the account at its next request (logout, "sign out everywhere"). False when no such login.</summary>
    public Task<bool> SignOutEverywhereAsync(string login, CancellationToken ct = default) =>
        UpdateAsync("security_stamp = @stamp", login, null, ct);

    /// <summary>
    /// Counts a sign-in attempt as a failure <em>before</em> its password is checked, in one transaction, so parallel
    /// guesses cannot overtake the limits: first against <paramref name="client"/>'s budget
    /// (<see cref="SignInPolicy.ClientLimit"/> per <see cref="SignInPolicy.ClientWindow"/>, in a table so every node
    /// shares it), then against the account in one atomic statement — the attempt that reaches
    /// <see cref="SignInPolicy.Threshold"/> locks the account for <see cref="SignInPolicy.Lockout"/> (and ends its
    /// sessions); an expired lock starts the count again. <see cref="RecordSuccessAsync"/> takes the failures back.
    /// Every path writes and commits once, so an unknown, a locked and a real login cost alike.
    /// </summary>
    /// <returns>The account when the attempt may check its password; null when the client is over its budget or the login is unknown or locked.</returns>
    public async Task<UserAccount?> TryBeginSignInAsync(string login, string client, SignInPolicy policy, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        // Rows of past windows are dead weight: the table only holds clients that failed recently.
        await using (var purge = connection.Command("DELETE FROM sign_in_throttle WHERE window_until <= @now", transaction).With("@now", now))
        {
            await purge.ExecuteNonQueryAsync(ct);
        }
        await using var count = connection.Command(
            """
            INSERT INTO sign_in_throttle (client, failures, window_until) VALUES (@c, 1, @until)
            ON CONFLICT (client) DO UPDATE SET failures = sign_in_throttle.failures + 1
            RETURNING failures
            """, transaction).With("@c", client).With("@until", now + policy.ClientWindow);
        var failures = Convert.ToInt64(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);

        UserAccount? user = null;
        if (failures <= policy.ClientLimit)
        {
            // The WHERE admits only unlocked rows (never locked, or the lock expired); on both databases the row is
            // re-checked under its row lock, so two parallel attempts cannot both take the last free try.
            const string next = "(CASE WHEN locked_until IS NULL THEN failed_attempts + 1 ELSE 1 END)";
            await using var command = connection.Command(
                $"""
                UPDATE users SET
                    failed_attempts = {next},
                    locked_until = CASE WHEN {next} >= @t THEN @until ELSE NULL END,
                    security_stamp = CASE WHEN {next} >= @t THEN @stamp ELSE security_stamp END,
                    updated_at = @now
                WHERE login = @l AND (locked_until IS NULL OR locked_until <= @now)
                RETURNING {Columns}
                """, transaction).With("@now", now).With("@t", policy.Threshold).With("@until", now + policy.Lockout)
                .With("@stamp", UserLogins.NewStamp()).With("@l", UserLogins.Normalize(login));
            user = await ReadAsync(command, ct) is [var found, ..] ? found : null;
        }
        await transaction.CommitAsync(ct);
        return user;
    }

    /// <summary>After the right password: clears the account's failure count (and any lock the attempt itself set) and takes the client's attempt back.</summary>
    public async Task RecordSuccessAsync(string login, string client, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command(
            """
            UPDATE users SET failed_attempts = 0, locked_until = NULL, last_sign_in_at = @now, updated_at = @now WHERE login = @l;
            UPDATE sign_in_throttle SET failures = failures - 1 WHERE client = @c AND failures > 0;
            """).With("@now", now).With("@l", UserLogins.Normalize(login)).With("@c", client);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>False when no such login.</summary>
    public async Task<bool> RemoveAsync(string login, CancellationToken ct = default)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command("DELETE FROM users WHERE login = @l").With("@l", UserLogins.Normalize(login));
        return await command.ExecuteNonQueryAsync(ct) > 0;
    }

    private async Task<bool> UpdateAsync(string assignments, string login, object? value, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var command = connection.Command($"UPDATE users SET {assignments}, updated_at = @now WHERE login = @l")
            .With("@now", time.GetUtcNow()).With("@l", UserLogins.Normalize(login));
        if (assignments.Contains("@v", StringComparison.Ordinal))
        {
            command.With("@v", value);
        }
        if (assignments.Contains("@stamp", StringComparison.Ordinal))
        {
            command.With("@stamp", UserLogins.NewStamp());
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
                r.GetFieldValue<DateTimeOffset>(7), r.GetString(8)));
        }
        return list;
    }
}
