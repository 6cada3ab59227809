using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A request that needed another Chat service which is down, still starting or failing answers 503 with a
/// <c>service-unavailable</c> problem and <c>Retry-After</c>, never a bare 500: services start in one order but call
/// each other both ways (Messaging asks Media about attachments, Media and Presence ask Messaging about membership).
/// </summary>
public sealed class PeerUnavailableHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public const string ProblemType = ChatProblemTypes.Prefix + "service-unavailable";
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsPeerFailure(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = ((int)RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Type = ProblemType,
                Title = "A service this request needs is unavailable",
                Detail = "Try again in a few seconds.",
            },
        });
    }

    /// <summary>An outgoing call that got no answer, a 5xx answer, or was cut short by the resilience pipeline.</summary>
    public static bool IsPeerFailure(Exception exception) => exception switch
    {
        HttpRequestException { StatusCode: null or >= System.Net.HttpStatusCode.InternalServerError } => true,
        BrokenCircuitException or TimeoutRejectedException => true,
        _ => false,
    };
}
