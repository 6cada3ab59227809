using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Net.Http.Headers;

namespace Microsoft.Extensions.Hosting;

public static class ForwardedAuthorizationExtensions
{
    /// <summary>
    /// Every request of the client carries the Authorization header of the request being served, so the service called
    /// answers as it would answer the caller (their token, their view). Outside a request nothing is added.
    /// </summary>
    public static IHttpClientBuilder AddForwardedAuthorization(this IHttpClientBuilder http)
    {
        http.Services.AddHttpContextAccessor();
        http.Services.TryAddTransient<ForwardedAuthorizationHandler>();
        return http.AddHttpMessageHandler<ForwardedAuthorizationHandler>();
    }
}

/// <summary>Copies the current request's Authorization header onto an outgoing request that has none.</summary>
public sealed class ForwardedAuthorizationHandler(IHttpContextAccessor accessor) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Headers.Authorization is null
            && accessor.HttpContext?.Request.Headers[HeaderNames.Authorization].ToString() is { Length: > 0 } authorization)
        {
            request.Headers.TryAddWithoutValidation(HeaderNames.Authorization, authorization);
        }
        return base.SendAsync(request, cancellationToken);
    }
}
