using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Newsletter.Core.Audience;

namespace Newsletter.Web.Pages.Public;

/// <summary>
/// <c>/u/{token}</c>: GET asks for confirmation; POST with the body <c>List-Unsubscribe=One-Click</c> unsubscribes. The POST is
/// RFC 8058 one-click: mail clients send it without cookies and without our antiforgery token, so none is required — the
/// signed token is the authority — and it answers 200 without a redirect. A POST without that body (a link scanner, a
/// stray form) gets the confirmation page and changes nothing (RFC 8058 §3.2). A token that does not verify gets 404.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class UnsubscribeModel(SubscriberTokens tokens, ISubscriberStore subscribers) : PageModel
{
    public string Email { get; private set; } = "";

    public bool Done { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken ct)
    {
        if (!tokens.TryVerify(token, TokenPurpose.Unsubscribe, out var subscriberId, out _)) return NotFound();
        var subscriber = await subscribers.FindByIdAsync(subscriberId, ct);
        if (subscriber is null) return NotFound();
        Email = subscriber.Email;
        Done = subscriber.Status == SubscriberStatus.Unsubscribed;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken ct)
    {
        if (!tokens.TryVerify(token, TokenPurpose.Unsubscribe, out var subscriberId, out var campaignId)) return NotFound();
        var subscriber = await subscribers.FindByIdAsync(subscriberId, ct);
        if (subscriber is null) return NotFound();
        Email = subscriber.Email;
        if (!await IsOneClickAsync(ct))
        {
            Done = subscriber.Status == SubscriberStatus.Unsubscribed;
            return Page();
        }
        // The page's own form says so (issue 21 counts the channels apart); a mail client's one-click POST does not.
        var channel = Request.Form["via"] == "page" ? "page" : "one-click";
        await subscribers.UnsubscribeAsync(subscriberId, campaignId > 0 ? $"{channel}:campaign-{campaignId}" : channel, ct);
        Done = true;
        return Page();
    }

    /// <summary>The RFC 8058 body: a form field <c>List-Unsubscribe</c> with the value <c>One-Click</c>.</summary>
    private async Task<bool> IsOneClickAsync(CancellationToken ct)
    {
        if (!Request.HasFormContentType) return false;
        var form = await Request.ReadFormAsync(ct);
        return form["List-Unsubscribe"] is [var value] && string.Equals(value, "One-Click", StringComparison.OrdinalIgnoreCase);
    }
}
