namespace Newsletter.Web.Infrastructure;

/// <summary>The stylesheet, served from the assembly so the app needs no static files folder and no front-end build.</summary>
public static class Assets
{
    public const string StylesheetPath = "/assets/site.css";

    private static readonly Lazy<byte[]> Stylesheet = new(() => Read("site.css"));

    public static IEndpointRouteBuilder MapAssets(this IEndpointRouteBuilder app)
    {
        app.MapGet(StylesheetPath, (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Bytes(Stylesheet.Value, "text/css; charset=utf-8");
        }).AllowAnonymous();
        return app;
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(Assets).Assembly.GetManifestResourceStream("Newsletter.Web.Assets." + name)
            ?? throw new InvalidOperationException(name + " is not embedded");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
