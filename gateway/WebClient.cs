using Microsoft.AspNetCore.StaticFiles;

namespace Chat.Gateway;

/// <summary>Serves the built browser client with headers that keep injected content from running.</summary>
public static class WebClient
{
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    public static WebApplication UseWebClient(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments("/hubs"))
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
            }
            return next(context);
        });
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = file =>
                // Vite fingerprints assets; index.html must be re-read to pick up a new build.
                file.Context.Response.Headers.CacheControl = file.File.Name == "index.html"
                    ? "no-cache"
                    : "public, max-age=31536000, immutable",
        });
        return app;
    }
}
