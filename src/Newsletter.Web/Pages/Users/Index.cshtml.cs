using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Newsletter.Web.Accounts;
using Newsletter.Web.Infrastructure;

namespace Newsletter.Web.Pages.Users;

/// <summary>Accounts (admins only): add, unlock, sign out everywhere, remove (not oneself).</summary>
public sealed class IndexModel(IUserStore users, TimeProvider time, UiText text) : PageModel
{
    public IReadOnlyList<UserAccount> Accounts { get; private set; } = [];

    public DateTimeOffset Now => time.GetUtcNow();

    public PageMessages Messages { get; } = new();

    [BindProperty] public string NewLogin { get; set; } = "";
    [BindProperty] public string NewRole { get; set; } = UserRoles.Editor;
    // Kept as typed: "only spaces" is refused with its own reason rather than bound as no password at all.
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string NewPassword { get; set; } = "";

    public async Task OnGetAsync(CancellationToken ct) => Accounts = await users.ListAsync(ct);

    public async Task<IActionResult> OnPostAddAsync(CancellationToken ct)
    {
        if (!UserRoles.TryParse(NewRole, out var role)) Messages.Errors.Add(text["user.bad_role"]);
        if (Passwords.Check(NewLogin, NewPassword) is { } problem) Messages.Errors.Add(Passwords.Describe(problem, text, CultureInfo.CurrentUICulture));
        if (Messages.Errors.Count == 0)
        {
            try
            {
                await users.AddAsync(NewLogin ?? "", role, Passwords.Hash(NewPassword), ct);
                return RedirectToPage();
            }
            catch (UserAccountException e)
            {
                Messages.Errors.Add(e.Message);
            }
        }
        Accounts = await users.ListAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostUnlockAsync(string login, CancellationToken ct)
    {
        await users.UnlockAsync(login, ct);
        return RedirectToPage();
    }

    /// <summary>Ends every session of the account at its next request (a stolen cookie, a lost laptop).</summary>
    public async Task<IActionResult> OnPostSignOutAsync(string login, CancellationToken ct)
    {
        if (await users.SignOutEverywhereAsync(login ?? "", ct)) Messages.Notices.Add(text.Format("user.signed_out_all", login));
        Accounts = await users.ListAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRemoveAsync(string login, CancellationToken ct)
    {
        if (string.Equals(login, User.Identity?.Name, StringComparison.OrdinalIgnoreCase))
        {
            Messages.Errors.Add(text["user.not_self"]);
            Accounts = await users.ListAsync(ct);
            return Page();
        }
        await users.RemoveAsync(login, ct);
        return RedirectToPage();
    }
}
