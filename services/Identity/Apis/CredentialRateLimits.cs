using Chat.Identity.Users;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Chat.Identity.Apis;

/// <summary>
/// Sign-up and login attempts are limited per client address (rate-limiting middleware, a policy each); sign-ups and
/// password changes per username, and failed logins per (username, address) and per username (endpoint filters: the
/// username is in the body, which the middleware cannot read).
/// </summary>
public static class CredentialRateLimits
{
    public const string SignUp = "sign-up";
    public const string Login = "login";

    public static IServiceCollection AddCredentialRateLimits(this IServiceCollection services)
    {
        services.AddOptions<IdentityRateLimitOptions>()
            .BindConfiguration(IdentityRateLimitOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<IdentityRateLimitOptions>>((rateLimiter, limits) =>
        {
            rateLimiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            rateLimiter.OnRejected = (context, _) => new ValueTask(
                IdentityProblems.RateLimited(context.HttpContext, RetryAfter(context.Lease)).ExecuteAsync(context.HttpContext));
            foreach (var policy in new[] { SignUp, Login })
            {
                rateLimiter.AddPolicy(policy, http => RateLimitPartition.GetFixedWindowLimiter(
                    ClientAddress.KeyOf(http),
                    _ => Window(limits.Value.PermitsPerIp, limits.Value.Window)));
            }
        });
        services.AddSingleton<UsernameRateLimiter>();
        services.AddSingleton<LoginThrottle>();
        return services;
    }

    /// <summary>
    /// Counts the login's failure (a 401) against the username from this address and from everywhere; a success counts
    /// nothing. A refused attempt never reaches the password check.
    /// </summary>
    public static RouteHandlerBuilder RequireLoginThrottle(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var username = context.Arguments.OfType<IUsernameRequest>().FirstOrDefault()?.Username;
            if (string.IsNullOrEmpty(username))
            {
                return await next(context);
            }
            var attempt = context.HttpContext.RequestServices.GetRequiredService<LoginThrottle>()
                .Begin(username, ClientAddress.KeyOf(context.HttpContext));
            if (attempt.RetryAfter is { } wait)
            {
                return IdentityProblems.RateLimited(context.HttpContext, wait);
            }
            try
            {
                var result = await next(context);
                switch (StatusCodeOf(result))
                {
                    case StatusCodes.Status401Unauthorized:
                        attempt.Failed();
                        break;
                    case StatusCodes.Status200OK:
                        attempt.Succeeded();
                        break;
                }
                return result;
            }
            finally
            {
                attempt.Abandoned();
            }
        });

    private static int? StatusCodeOf(object? result) => result switch
    {
        INestedHttpResult nested => StatusCodeOf(nested.Result),
        IStatusCodeHttpResult status => status.StatusCode,
        _ => null,
    };

    /// <summary>Limits attempts naming one username (from the request body, or the caller's own name) for this action.</summary>
    public static RouteHandlerBuilder RequireUsernameRateLimit(this RouteHandlerBuilder endpoint, string action) =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var username = context.Arguments.OfType<IUsernameRequest>().FirstOrDefault()?.Username
                ?? context.HttpContext.User.Identity?.Name;
            if (!string.IsNullOrEmpty(username))
            {
                using var lease = context.HttpContext.RequestServices.GetRequiredService<UsernameRateLimiter>().Acquire(action, username);
                if (!lease.IsAcquired)
                {
                    return IdentityProblems.RateLimited(context.HttpContext, RetryAfter(lease));
                }
            }
            return await next(context);
        });

    internal static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) => new()
    {
        PermitLimit = permits,
        Window = window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static TimeSpan? RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : null;
}

/// <summary>One fixed window per (action, username key: any case or compatibility form); idle partitions are dropped by the limiter.</summary>
public sealed class UsernameRateLimiter(IOptions<IdentityRateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => CredentialRateLimits.Window(options.Value.PermitsPerUsername, options.Value.Window)));

    public RateLimitLease Acquire(string action, string username) =>
        _limiter.AttemptAcquire($"{action}:{AccountRules.UsernameKey(username)}");

    public void Dispose() => _limiter.Dispose();
}
