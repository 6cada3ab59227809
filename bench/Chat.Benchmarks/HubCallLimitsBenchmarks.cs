using System.Reflection;
using System.Security.Claims;
using System.Threading.RateLimiting;
using BenchmarkDotNet.Attributes;
using Chat.Messaging;
using Chat.Messaging.Hubs;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Chat.Benchmarks;

/// <summary>
/// What the per-user limit adds to every hub call: the filter's method switch and one token-bucket lease, against a
/// call that passes straight on (the baseline, what a hub call cost before the filter).
/// </summary>
[MemoryDiagnoser]
public class HubCallLimitsBenchmarks
{
    private static readonly MethodInfo SendMessage = typeof(ChatHub).GetMethod(nameof(ChatHub.SendMessage))!;

    private readonly HubCallLimits _limits = new(Options.Create(new MessagingRateLimitOptions
    {
        // Never refused here: the cost measured is the lease, not the rejection.
        Send = new TokenBucketRule { Burst = int.MaxValue, Tokens = int.MaxValue, Period = TimeSpan.FromMilliseconds(100) },
    }));

    private readonly PartitionedRateLimiter<string> _bare = PartitionedRateLimiter.Create<string, string>(userId =>
        RateLimitPartition.GetTokenBucketLimiter(userId, _ => new TokenBucketRule { Burst = int.MaxValue, Tokens = int.MaxValue, Period = TimeSpan.FromMilliseconds(100) }.ToLimiterOptions()));

    private readonly Func<HubInvocationContext, ValueTask<object?>> _next = _ => ValueTask.FromResult<object?>(null);
    private HubInvocationContext _invocation = null!;

    [GlobalSetup]
    public void Setup() =>
        _invocation = new HubInvocationContext(new BenchCallerContext("4242"), null!, null!, SendMessage, [1L, "id", "text", null]);

    [Benchmark(Baseline = true)]
    public ValueTask<object?> WithoutTheFilter() => _next(_invocation);

    [Benchmark]
    public ValueTask<object?> ThroughTheFilter() => _limits.InvokeMethodAsync(_invocation, _next);

    /// <summary>The limiter alone: what the filter adds beyond the library's own lease.</summary>
    [Benchmark]
    public bool LeaseOnly()
    {
        using var lease = _bare.AttemptAcquire("4242");
        return lease.IsAcquired;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _limits.Dispose();
        _bare.Dispose();
    }

    private sealed class BenchCallerContext(string userId) : HubCallerContext
    {
        public override string ConnectionId => "connection";
        public override string? UserIdentifier => userId;
        public override ClaimsPrincipal? User => null;
        public override IDictionary<object, object?> Items { get; } = new Dictionary<object, object?>();
        public override IFeatureCollection Features { get; } = new FeatureCollection();
        public override CancellationToken ConnectionAborted => CancellationToken.None;
        public override void Abort()
        {
        }
    }
}
