namespace Newsletter.Web.Infrastructure;

/// <summary>
/// Adds the security headers to every response unless the endpoint set its own (the previews and the web view
/// need inline styles and framing by the admin pages). The admin pages load scripts and styles only from this origin.
/// Every response is <c>Cache-Control: no-store</c> unless it says otherwise (the static assets).
/// </summary>
public static class SecurityHeaders
{
    public const string DefaultPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; " +
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

    /// <summary>For sent e-mail HTML: inline styles and remote images allowed, no scripts, no forms.</summary>
    public static string EmailPolicy(bool framedByAdmin) =>
        "default-src 'none'; style-src 'unsafe-inline'; img-src http: https: data:; font-src http: https: data:; " +
        "form-action 'none'; base-uri 'none'; frame-ancestors " + (framedByAdmin ? "'self'" : "'none'");

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.TryAdd("Content-Security-Policy", DefaultPolicy);
            headers.TryAdd("X-Frame-Options", "DENY");
            headers.TryAdd("X-Content-Type-Options", "nosniff");
            headers.TryAdd("Referrer-Policy", "no-referrer");
            headers.TryAdd("Cross-Origin-Opener-Policy", "same-origin");
            headers.TryAdd("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
            // Nothing dynamic is cached by a browser or a proxy: the admin pages show subscribers, the sign-in page
            // and the token pages (/u, /v) are personal. Only the static assets set their own (public) caching.
            headers.TryAdd("Cache-Control", "no-store");
            if (context.Request.IsHttps)
            {
                headers.TryAdd("Strict-Transport-Security", "max-age=31536000");
            }
            return Task.CompletedTask;
        });
        await next(context);
    });

    /// <summary>Marks the response as e-mail HTML (see <see cref="EmailPolicy"/>).</summary>
    public static void SetEmailHeaders(HttpResponse response, bool framedByAdmin)
    {
        response.Headers.ContentSecurityPolicy = EmailPolicy(framedByAdmin);
        response.Headers.XFrameOptions = framedByAdmin ? "SAMEORIGIN" : "DENY";
        response.Headers.CacheControl = "no-store";
    }
}
