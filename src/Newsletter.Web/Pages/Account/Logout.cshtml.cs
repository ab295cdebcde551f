using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Newsletter.Web.Accounts;

namespace Newsletter.Web.Pages.Account;

/// <summary>
/// Signs out on POST only (a GET cannot sign anyone out from another site). Changes the account's security stamp, so
/// every session of the account ends — a copied cookie dies at logout.
/// </summary>
public sealed class LogoutModel(SignInService signIn) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await signIn.SignOutAsync(HttpContext, ct);
        return Redirect("/Account/Login");
    }
}
