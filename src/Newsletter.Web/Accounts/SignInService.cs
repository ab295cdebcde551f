using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Newsletter.Web.Accounts;

/// <summary>
/// Signs in: counts the attempt against the client address and the account before the password is checked (see
/// <see cref="IUserStore.TryBeginSignInAsync"/>), verifies the password (a dummy hash when the login is unknown, locked
/// or throttled, so every refusal looks and costs the same), and issues the cookie with the account's security stamp.
/// </summary>
public sealed class SignInService(IUserStore users, WebOptions options, ILogger<SignInService> log)
{
    public const string AdminPolicy = "admin";
    public const string EditorPolicy = "editor";

    /// <summary>The claim carrying <see cref="UserAccount.SecurityStamp"/>.</summary>
    public const string StampClaim = "nl.stamp";

    private SignInPolicy Policy => new(options.LockoutThreshold, options.LockoutDuration, options.ClientSignInLimit, options.ClientSignInWindow);

    /// <summary>True when signed in; false for every refusal (wrong password, unknown or locked login, throttled client) alike.</summary>
    public async Task<bool> SignInAsync(HttpContext context, string login, string password, CancellationToken ct)
    {
        var client = ClientKey(context.Connection.RemoteIpAddress);
        var user = await users.TryBeginSignInAsync(login, client, Policy, ct);
        if (!Passwords.Verify(user?.PasswordHash, password) || user is null)
        {
            // For the operator: why (the answer to the client never says).
            log.LogWarning("sign-in refused for login {Login} from {Client}: {Reason}", Sanitize(login), client,
                user is null ? "unknown or locked login, or too many failures from this address" : "wrong password");
            return false;
        }

        await users.RecordSuccessAsync(user.Login, client, ct);
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, user.Login), new Claim(ClaimTypes.Role, user.Role.ToWord()), new Claim(StampClaim, user.SecurityStamp)],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return true;
    }

    /// <summary>Signs out this browser and ends every other session of the account (a copied cookie dies too).</summary>
    public async Task SignOutAsync(HttpContext context, CancellationToken ct)
    {
        if (context.User.Identity?.Name is { } login)
        {
            await users.SignOutEverywhereAsync(login, ct);
        }
        await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// Runs on every authenticated request (one indexed read — a small admin UI needs no cache): rejects a cookie whose
    /// account was removed, changed role, or whose security stamp changed since sign-in (new password, lockout,
    /// sign-out everywhere, logout).
    /// </summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var users = context.HttpContext.RequestServices.GetRequiredService<IUserStore>();
        var login = context.Principal?.Identity?.Name;
        var role = context.Principal?.FindFirstValue(ClaimTypes.Role);
        var stamp = context.Principal?.FindFirstValue(StampClaim);
        var user = login is null || stamp is null ? null : await users.FindAsync(login, context.HttpContext.RequestAborted);
        if (user is null || user.Role.ToWord() != role || user.SecurityStamp != stamp)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }

    /// <summary>Whom the per-address budget is kept for: the IPv4 address, or the /64 network of an IPv6 one (one host usually owns a whole /64).</summary>
    public static string ClientKey(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private static string Sanitize(string login) =>
        new(login.Take(64).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
