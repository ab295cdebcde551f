using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Newsletter.Web.Accounts;
using Newsletter.Web.Infrastructure;

namespace Newsletter.Web.Pages.Account;

public sealed class LoginModel(SignInService signIn, UiText text) : PageModel
{
    [BindProperty]
    public string UserName { get; set; } = "";

    [BindProperty]
    public string Password { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await signIn.SignInAsync(HttpContext, UserName ?? "", Password ?? "", ct))
        {
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
        }
        // One answer for every refusal: a wrong password, an unknown login and a locked one must not be told apart.
        Error = text["login.refused"];
        return Page();
    }
}
