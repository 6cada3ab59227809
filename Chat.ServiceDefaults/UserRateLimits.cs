using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>A token bucket: <see cref="Burst"/> calls at once, refilled by <see cref="Tokens"/> every <see cref="Period"/>.</summary>
public sealed class TokenBucketRule
{
    [Range(1, 1_000_000)]
    public int Burst { get; set; }

    [Range(1, 1_000_000)]
    public int Tokens { get; set; }

    [Range(typeof(TimeSpan), "00:00:00.1", "1.00:00:00")]
    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(1);

    public static TokenBucketRule PerSecond(int tokens, int burst) => new() { Burst = burst, Tokens = tokens, Period = TimeSpan.FromSeconds(1) };

    public static TokenBucketRule PerMinute(int tokens, int burst) => new() { Burst = burst, Tokens = tokens, Period = TimeSpan.FromMinutes(1) };

    /// <summary>
    /// Not self-replenishing: a partitioned limiter refills all its buckets from one timer, rather than one timer per user.
    /// No queue: a call over the limit is refused at once, never held.
    /// </summary>
    public TokenBucketRateLimiterOptions ToLimiterOptions() => new()
    {
        TokenLimit = Burst,
        TokensPerPeriod = Tokens,
        ReplenishmentPeriod = Period,
        QueueLimit = 0,
        AutoReplenishment = false,
    };

    /// <summary>Validates every rule of an options class (DataAnnotations does not descend into nested objects).</summary>
    public static IEnumerable<ValidationResult> ValidateAll(params (string Name, TokenBucketRule Rule)[] rules)
    {
        foreach (var (name, rule) in rules)
        {
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(rule, new ValidationContext(rule), results, validateAllProperties: true))
            {
                foreach (var result in results)
                {
                    yield return new ValidationResult($"{name}: {result.ErrorMessage}", result.MemberNames.Select(member => $"{name}.{member}"));
                }
            }
        }
    }
}

/// <summary>
/// Per-user HTTP rate limits: one token bucket per authenticated user and policy, refusing with 429 ProblemDetails
/// (<c>rate-limited</c>) and a <c>Retry-After</c> header. Needs <c>UseRateLimiter()</c> after authentication.
/// </summary>
public static class UserRateLimits
{
    public const string ProblemCode = "rate-limited";

    /// <summary>Registers the rate limiter with one policy per name, each reading its rule from <typeparamref name="TOptions"/>.</summary>
    public static IServiceCollection AddUserRateLimits<TOptions>(
        this IServiceCollection services, params (string Policy, Func<TOptions, TokenBucketRule> Rule)[] policies) where TOptions : class
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<TOptions>>((rateLimiter, options) =>
        {
            rateLimiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            rateLimiter.OnRejected = (context, _) => new ValueTask(WriteRejectionAsync(context.HttpContext, context.Lease));
            foreach (var (policy, rule) in policies)
            {
                var bucket = rule(options.Value).ToLimiterOptions();
                Func<string, RateLimiter> create = _ => new TokenBucketRateLimiter(bucket);
                rateLimiter.AddPolicy(policy, http => http.User.FindFirstValue(ChatClaims.UserId) is { } userId
                    ? RateLimitPartition.Get(userId, create)
                    // Anonymous requests are refused by authorization before they get here; nothing to count them by.
                    : RateLimitPartition.GetNoLimiter(string.Empty));
            }
        });
        return services;
    }

    /// <summary>Whole seconds to wait, at least one; what <c>Retry-After</c> and hub errors say.</summary>
    public static int RetryAfterSeconds(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;

    private static Task WriteRejectionAsync(HttpContext context, RateLimitLease lease)
    {
        var seconds = RetryAfterSeconds(lease);
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                type: ChatProblemTypes.Prefix + ProblemCode,
                title: "Too many requests",
                detail: $"Too many requests of this kind; retry after {seconds} s.")
            .ExecuteAsync(context);
    }
}
