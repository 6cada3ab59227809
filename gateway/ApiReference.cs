using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Scalar.AspNetCore;

namespace Chat.Gateway;

/// <summary>
/// The reference page of the public HTTP contract at <see cref="PagePath"/>: Scalar, reading the four services'
/// OpenAPI documents, which the proxy routes serve at <c>/openapi/{name}.json</c> (each from the service's own
/// <c>/openapi/v1.json</c>).
/// </summary>
public static partial class ApiReference
{
    public const string PagePath = "/api-reference";

    /// <summary>The documents, by the name in their gateway path, and the title the page lists them under.</summary>
    public static readonly IReadOnlyList<(string Name, string Title)> Documents =
        [("identity", "Identity"), ("messaging", "Messaging"), ("presence", "Presence"), ("media", "Media")];

    private const string ContentSecurityPolicy =
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; script-src 'self'";

    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments(PagePath), page => page.Use(AllowOnlyTheInlineScriptsServedAsync));
        app.MapScalarApiReference(PagePath, options =>
        {
            options.WithTitle("Chat API reference")
                // Everything from this origin and nothing to a third party: no CDN fonts, telemetry or AI agent.
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .HideDeveloperTools()
                .WithDotNetFlag(false)
                .AddPreferredSecuritySchemes("Bearer");
            foreach (var (name, title) in Documents)
            {
                options.AddDocument(name, title, $"/openapi/{name}.json");
            }
        });
        return app;
    }

    /// <summary>
    /// Scalar's page starts itself with an inline script. Instead of allowing any inline script on this origin (where a
    /// script could use the refresh cookie), the policy names exactly the scripts this answer holds, by their SHA-256.
    /// </summary>
    private static async Task AllowOnlyTheInlineScriptsServedAsync(HttpContext context, Func<Task> next)
    {
        if (Path.HasExtension(context.Request.Path.Value))
        {
            // Scalar's script bundle and icon: nothing inline to allow, and megabytes not worth holding in memory.
            context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
            await next();
            return;
        }
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next();
        }
        finally
        {
            context.Response.Body = original;
        }
        if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
        {
            var html = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            var hashes = InlineScripts().Matches(html)
                .Select(script => $" 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script.Groups[1].Value)))}'");
            context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy + string.Concat(hashes);
        }
        else
        {
            context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        }
        context.Response.ContentLength = buffer.Length;
        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    [GeneratedRegex("<script(?![^>]*\\bsrc=)[^>]*>(.*?)</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex InlineScripts();
}
