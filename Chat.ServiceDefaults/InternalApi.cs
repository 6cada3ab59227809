using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The shared secret service-to-service calls carry (Messaging reporting connections to Presence, say).
/// Internal routes live under <see cref="PathPrefix"/>, which the gateway never forwards.
/// </summary>
public sealed class InternalApiOptions
{
    public const string SectionName = "Chat:Internal";
    public const string HeaderName = "X-Chat-Internal-Key";
    public const string PathPrefix = "/internal";

    [Required]
    [MinLength(32)]
    public string Key { get; set; } = string.Empty;
}

public static class InternalApiExtensions
{
    public static TBuilder AddInternalApiKey<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<InternalApiOptions>()
            .BindConfiguration(InternalApiOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddTransient<InternalApiKeyHandler>();
        return builder;
    }

    /// <summary>Lets only callers holding the internal key through; everyone else gets 403.</summary>
    public static TBuilder RequireInternalKey<TBuilder>(this TBuilder endpoints) where TBuilder : IEndpointConventionBuilder =>
        endpoints.AddEndpointFilter(async (context, next) =>
        {
            var expected = context.HttpContext.RequestServices.GetRequiredService<IOptions<InternalApiOptions>>().Value.Key;
            var given = context.HttpContext.Request.Headers[InternalApiOptions.HeaderName].ToString();
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected))
                ? await next(context)
                : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Internal endpoint",
                    detail: "This endpoint is for Chat's own services.");
        });

    /// <summary>Adds the internal key to every request of the client.</summary>
    public static IHttpClientBuilder AddInternalApiKey(this IHttpClientBuilder http) => http.AddHttpMessageHandler<InternalApiKeyHandler>();
}

internal sealed class InternalApiKeyHandler(IOptions<InternalApiOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.TryAddWithoutValidation(InternalApiOptions.HeaderName, options.Value.Key);
        return base.SendAsync(request, cancellationToken);
    }
}
