using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Newsletter.Web.Tests;

/// <summary>The app's endpoints as the router knows them (EndpointDataSource), with URLs to request them.</summary>
public static partial class Endpoints
{
    /// <summary>The routes anyone may reach: the public pages (open pixel, click redirect), the stylesheet, sign-in, the error pages and robots.txt.</summary>
    public static readonly IReadOnlySet<string> Public = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "u/{token}", "v/{token}", "o/{token}", "c/{token}", "healthz", "assets/site.css", "Account/Login", "Account/Denied", "Error", "robots.txt",
    };

    public static IReadOnlyList<RouteEndpoint> All(WebApp app) =>
        [.. app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];

    public static string Route(RouteEndpoint endpoint) => endpoint.RoutePattern.RawText?.TrimStart('/') ?? "";

    public static bool IsPage(RouteEndpoint endpoint) => endpoint.Metadata.GetMetadata<PageActionDescriptor>() is not null;

    public static bool AllowsAnonymous(RouteEndpoint endpoint) => endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;

    /// <summary>A URL for the route with every parameter filled (ids 1, segment municipal, anything else "x").</summary>
    public static string Url(RouteEndpoint endpoint) =>
        "/" + Parameter().Replace(Route(endpoint), m => m.Groups[1].Value switch
        {
            "id" => "1",
            "segment" => "municipal",
            _ => "x",
        });

    [GeneratedRegex(@"\{([a-zA-Z]+)(?::[^}?]+)?\??\}")]
    private static partial Regex Parameter();
}
