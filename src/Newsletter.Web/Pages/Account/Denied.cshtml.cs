using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Newsletter.Web.Pages.Account;

public sealed class DeniedModel : PageModel
{
    public void OnGet()
    {
    }
}
