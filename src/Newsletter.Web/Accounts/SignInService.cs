using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Newsletter.Data.Users;

namespace Newsletter.Web.Accounts;

/// <summary>What a sign-in attempt came to.</summary>
public enum SignInOutcome
{
    SignedIn,
    Invalid,
    LockedOut,
}

/// <summary>Checks passwords, counts failures and locks accounts (<see cref="WebOptions.LockoutThreshold"/>), and issues the cookie.</summary>
public sealed class SignInService(UserStore users, WebOptions options, TimeProvider time)
{
    public const string AdminPolicy = "admin";
    public const string EditorPolicy = "editor";

    public async Task<SignInOutcome> SignInAsync(HttpContext context, string login, string password, CancellationToken ct)
    {
        var user = await users.FindAsync(login, ct);
        if (user is not null && user.IsLockedAt(time.GetUtcNow()))
        {
            return SignInOutcome.LockedOut;
        }
        if (!Passwords.Verify(user?.PasswordHash, password) || user is null)
        {
            if (user is not null)
            {
                var after = await users.RecordFailureAsync(user.Login, options.LockoutThreshold, options.LockoutDuration, ct);
                if (after is not null && after.IsLockedAt(time.GetUtcNow())) return SignInOutcome.LockedOut;
            }
            return SignInOutcome.Invalid;
        }

        await users.RecordSuccessAsync(user.Login, ct);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, user.Login), new Claim(ClaimTypes.Role, user.Role.ToWord())],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return SignInOutcome.SignedIn;
    }

    /// <summary>
    /// Rejects a cookie whose account was removed, locked or changed role since sign-in, so removing a user or
    /// demoting an admin takes effect at their next request.
    /// </summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var users = context.HttpContext.RequestServices.GetRequiredService<UserStore>();
        var time = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        var login = context.Principal?.Identity?.Name;
        var role = context.Principal?.FindFirstValue(ClaimTypes.Role);
        var user = login is null ? null : await users.FindAsync(login, context.HttpContext.RequestAborted);
        if (user is null || user.Role.ToWord() != role || user.IsLockedAt(time.GetUtcNow()))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }
}
