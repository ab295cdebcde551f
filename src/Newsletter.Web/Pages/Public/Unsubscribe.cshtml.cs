using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Newsletter.Core.Audience;

namespace Newsletter.Web.Pages.Public;

/// <summary>
/// <c>/u/{token}</c>: GET asks for confirmation; POST unsubscribes. The POST is RFC 8058 one-click: mail clients send it
/// without cookies and without our antiforgery token, so none is required — the signed token is the authority — and
/// it answers 200 without a redirect. A token that does not verify gets 404 and changes nothing.
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
        await subscribers.UnsubscribeAsync(subscriberId, campaignId > 0 ? $"one-click:campaign-{campaignId}" : "one-click", ct);
        Email = subscriber.Email;
        Done = true;
        return Page();
    }
}
