using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Newsletter.Core;
using Newsletter.Web.Accounts;
using Newsletter.Web.Campaigns;
using Newsletter.Web.Infrastructure;
using Newsletter.Web.Issues;
using Newsletter.Web.Public;

namespace Newsletter.Web;

/// <summary>
/// The web app's entry points for any host (<c>newsletter serve</c>, tests): <see cref="AddNewsletterWeb"/> registers
/// the pages and services, <see cref="MapNewsletterWeb"/> adds the middleware and endpoints. The web sees Core only:
/// the host registers the application first (<c>AddNewsletter</c> of Newsletter.Data, which implements the stores the
/// pages use — <see cref="IUserStore"/>, <see cref="IUploadedIssueStore"/>, …).
/// </summary>
public static class NewsletterWeb
{
    /// <summary>The default address of <c>newsletter serve</c>.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>
    /// The builder <c>newsletter serve</c> hosts the app with: only <paramref name="configuration"/> as settings (the
    /// CLI's contract: appsettings.json, <c>NEWSLETTER_*</c>, <c>--config</c>), listening on <paramref name="urls"/>
    /// (semicolon-separated; default the <c>urls</c> setting, else <see cref="DefaultUrls"/>).
    /// Add services (<see cref="AddNewsletterWeb"/> and the host's own), build, then <see cref="MapNewsletterWeb"/>.
    /// </summary>
    /// <param name="contentRoot">What relative paths (the SQLite file, uploads) are relative to; default the current folder.</param>
    public static WebApplicationBuilder CreateBuilder(IConfiguration configuration, string? urls, string? contentRoot = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = contentRoot ?? Directory.GetCurrentDirectory(),
            ApplicationName = typeof(NewsletterWeb).Assembly.GetName().Name,
            EnvironmentName = Environments.Production,
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.UseUrls(urls is { Length: > 0 } ? urls : configuration["urls"] is { Length: > 0 } configured ? configured : DefaultUrls);
        // No "Server: Kestrel": nothing to tell a scanner which server (and version) answers.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        return builder;
    }

    public static IServiceCollection AddNewsletterWeb(this IServiceCollection services, IConfiguration configuration)
    {
        // Validated now, once: a bad value refuses the start (SettingsException names each one).
        var options = SettingsBinder.Load(configuration, "Web", new WebOptionsValidator());
        var home = NewsletterHome.From(configuration);
        options = options with { IssuesDirectory = home.Data(options.IssuesDirectory), ImportsDirectory = home.Data(options.ImportsDirectory) };
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton<UiText>();
        services.AddSingleton<Display>();
        services.AddSingleton<SignInService>();
        services.AddDatabaseDataProtection(options);
        services.AddSingleton<UploadedIssueStore>();
        services.AddSingleton<Newsletter.Web.Audience.ImportFiles>();
        services.AddSingleton<IssueReview>();
        services.AddSingleton<TestSends>();
        services.AddSingleton<IssueMetadataEditor>();
        services.AddSingleton<CampaignRunner>();
        services.AddSingleton<LiveRates>();
        services.AddHostedService(sp => sp.GetRequiredService<CampaignRunner>());
        services.AddSingleton<TokenKeyRefresher>();
        services.AddHostedService(sp => sp.GetRequiredService<TokenKeyRefresher>());
        services.AddSingleton<ReaderEventPruner>();   // issue 21: reader events' retention
        services.AddHostedService(sp => sp.GetRequiredService<ReaderEventPruner>());

        services.AddRazorPages(pages =>
            {
                pages.Conventions.AuthorizeFolder("/", SignInService.EditorPolicy);
                foreach (var folder in AdminFolders)
                {
                    pages.Conventions.AuthorizeFolder(folder, SignInService.AdminPolicy);
                }
                pages.Conventions.AllowAnonymousToFolder("/Public");
                pages.Conventions.AllowAnonymousToPage("/Account/Login");
                pages.Conventions.AllowAnonymousToPage("/Account/Denied");
                pages.Conventions.AllowAnonymousToPage("/Error");
            })
            .AddApplicationPart(typeof(NewsletterWeb).Assembly);

        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie =>
            {
                cookie.LoginPath = "/Account/Login";
                cookie.LogoutPath = "/Account/Logout";
                cookie.AccessDeniedPath = "/Account/Denied";
                cookie.Cookie.Name = "nl.auth";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = options.SessionLifetime;
                cookie.SlidingExpiration = true;
                cookie.Events.OnValidatePrincipal = SignInService.ValidateAsync;
                // Redirects to the sign-in and denied pages are relative: the Host header is the client's to forge
                // ("Host: evil.example" would otherwise come back as "Location: http://evil.example/Account/Login").
                cookie.Events.OnRedirectToLogin = RelativeRedirect;
                cookie.Events.OnRedirectToAccessDenied = RelativeRedirect;
                cookie.Events.OnRedirectToLogout = RelativeRedirect;
                cookie.Events.OnRedirectToReturnUrl = RelativeRedirect;
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(SignInService.AdminPolicy, p => p.RequireRole(UserRoles.Admin))
            .AddPolicy(SignInService.EditorPolicy, p => p.RequireRole(UserRoles.Admin, UserRoles.Editor));
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "nl.csrf";
            antiforgery.Cookie.HttpOnly = true;
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            antiforgery.HeaderName = "X-CSRF-TOKEN";
            // SecurityHeaders sends DENY (and frame-ancestors); antiforgery would otherwise add SAMEORIGIN.
            antiforgery.SuppressXFrameOptionsHeader = true;
        });
        // Razor would write every CJK character as &#x…; — the pages are UTF-8, so only markup characters are encoded.
        services.AddWebEncoders(encoders => encoders.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        // The form may be a little larger than the file (the other fields, the part headers); the pages check the file itself.
        services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = options.MaxUploadBytes + 64 * 1024);
        services.Configure<RequestLocalizationOptions>(localization =>
        {
            var cultures = UiText.Cultures.Select(c => new CultureInfo(c)).ToList();
            localization.DefaultRequestCulture = new RequestCulture(UiText.Chinese);
            localization.SupportedCultures = cultures;
            localization.SupportedUICultures = cultures;
            localization.RequestCultureProviders =
            [
                new QueryStringRequestCultureProvider(),
                new CookieRequestCultureProvider(),
            ];
        });
        return services;
    }

    /// <summary>Answers a cookie-auth redirect with the path and query only of its (absolute, Host-derived) target.</summary>
    private static Task RelativeRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context)
    {
        var target = Uri.TryCreate(context.RedirectUri, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery : context.RedirectUri;
        if (!target.StartsWith('/') || target.StartsWith("//", StringComparison.Ordinal)) target = "/";
        context.Response.Redirect(target);
        return Task.CompletedTask;
    }

    /// <summary>The page folders only admins reach; editors are refused (403).</summary>
    public static IReadOnlyList<string> AdminFolders { get; } = ["/Subscribers", "/Segments", "/Users"];

    public static WebApplication MapNewsletterWeb(this WebApplication app)
    {
        // Behind a reverse proxy: the client's scheme and address (cookies Secure when the proxy speaks https; the
        // sign-in throttle counts the real client), believed only from Web:KnownProxies (default loopback).
        app.UseForwardedHeaders(ForwardedHeadersFor(app.Services.GetRequiredService<WebOptions>()));
        // The one error boundary: a page in the user's language with a correlation id; the user's own mistakes keep
        // their message and answer 4xx (WebErrors). The Error page logs once, with the id, so the middleware does not.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = "/Error",
            StatusCodeSelector = WebErrors.StatusCode,
            SuppressDiagnosticsCallback = _ => true,
        });
        app.UseStatusCodePages(context =>
        {
            // Plain bodies for bare status codes (404 of a forged token, 403), never framework pages or stack traces.
            var response = context.HttpContext.Response;
            if (response.ContentLength is null && string.IsNullOrEmpty(response.ContentType))
            {
                response.ContentType = "text/plain; charset=utf-8";
                return response.WriteAsync(response.StatusCode == 404 ? "404 未找到 Not found" : $"{response.StatusCode}");
            }
            return Task.CompletedTask;
        });
        app.UseSecurityHeaders();
        app.UseRequestLocalization();
        app.UseCultureCookie();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapAssets();
        app.MapPublicEndpoints();
        app.MapTrackingEndpoints();   // issue 21: open pixel and click redirects
        app.MapFiguresExport();   // issue 21: the figures workbook
        app.MapIssuePreviews();
        app.MapRazorPages();
        return app;
    }

    /// <summary>Forwarded headers from <see cref="WebOptions.KnownProxies"/> (addresses or CIDR networks), else from loopback only.</summary>
    /// <exception cref="SettingsException">An entry is neither an address nor a network.</exception>
    public static ForwardedHeadersOptions ForwardedHeadersFor(WebOptions options)
    {
        var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        var entries = WebOptionsValidator.Proxies(options.KnownProxies);
        if (entries.Length == 0) return forwarded;   // the framework's default: 127.0.0.0/8 and ::1
        forwarded.KnownIPNetworks.Clear();
        forwarded.KnownProxies.Clear();
        foreach (var entry in entries)
        {
            if (System.Net.IPNetwork.TryParse(entry, out var network)) forwarded.KnownIPNetworks.Add(network);
            else if (System.Net.IPAddress.TryParse(entry, out var address)) forwarded.KnownProxies.Add(address);
            else throw new SettingsException(Core.Localization.Texts.Format("core.settings.known_proxy_entry", entry));
        }
        return forwarded;
    }

    /// <summary><c>?culture=en</c> (or <c>zh-CN</c>) is remembered in the culture cookie for later requests.</summary>
    private static IApplicationBuilder UseCultureCookie(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Query.TryGetValue("culture", out var value) &&
            UiText.Cultures.FirstOrDefault(c => string.Equals(c, value, StringComparison.OrdinalIgnoreCase)) is { } culture)
        {
            context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = context.Request.IsHttps, MaxAge = TimeSpan.FromDays(365), IsEssential = true });
        }
        await next(context);
    });
}
