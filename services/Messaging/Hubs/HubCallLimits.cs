using System.Threading.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chat.Messaging.Hubs;

/// <summary>
/// Per-user limits on the hub, per replica: a token bucket per user for each kind of call, and a cap on the user's open
/// connections. A refused call throws <c>rate-limited: ...; retry after N s</c> before the hub method runs, so it has
/// no effect; a refused connection is closed with <c>too-many-connections: ...</c> (SignalR's close message, no reconnect).
/// </summary>
public sealed class HubCallLimits : IHubFilter, IDisposable
{
    private readonly UserLimit _send;
    private readonly UserLimit _edit;
    private readonly UserLimit _typing;
    private readonly UserLimit _presence;
    private readonly UserLimit _sync;
    private readonly UserLimit _markRead;
    private readonly int _maxConnections;
    private readonly Dictionary<string, int> _connections = [];

    public HubCallLimits(IOptions<MessagingRateLimitOptions> options)
    {
        var limits = options.Value;
        _send = new UserLimit(limits.Send, "too many messages");
        _edit = new UserLimit(limits.Edit, "too many edits and deletes");
        _typing = new UserLimit(limits.Typing, "too many typing notices");
        _presence = new UserLimit(limits.Presence, "too many presence reports");
        _sync = new UserLimit(limits.Sync, "too many syncs");
        _markRead = new UserLimit(limits.MarkRead, "too many read markers");
        _maxConnections = limits.MaxConnectionsPerUser;
    }

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        // A switch on the name, no lookup table or reflection: this runs on every hub call.
        var limit = invocationContext.HubMethodName switch
        {
            nameof(ChatHub.SendMessage) => _send,
            nameof(ChatHub.EditMessage) or nameof(ChatHub.DeleteMessage) => _edit,
            nameof(ChatHub.Typing) => _typing,
            nameof(ChatHub.SetPresence) => _presence,
            nameof(ChatHub.Sync) => _sync,
            nameof(ChatHub.MarkRead) => _markRead,
            _ => null,
        };
        limit?.Acquire(invocationContext.Context.UserIdentifier!);
        return next(invocationContext);
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        var userId = context.Context.UserIdentifier!;
        lock (_connections)
        {
            var open = _connections.GetValueOrDefault(userId);
            if (open >= _maxConnections)
            {
                throw new HubException(
                    $"too-many-connections: {open} connections of yours are open on this server, the most allowed; close another tab or device and reconnect.");
            }
            _connections[userId] = open + 1;
        }
        try
        {
            await next(context);
        }
        catch
        {
            // SignalR does not call OnDisconnectedAsync for a connection whose OnConnectedAsync failed.
            Release(userId);
            throw;
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        try
        {
            await next(context, exception);
        }
        finally
        {
            Release(context.Context.UserIdentifier!);
        }
    }

    private void Release(string userId)
    {
        lock (_connections)
        {
            var open = _connections.GetValueOrDefault(userId) - 1;
            if (open > 0)
            {
                _connections[userId] = open;
            }
            else
            {
                _connections.Remove(userId);
            }
        }
    }

    public void Dispose()
    {
        foreach (var limit in new[] { _send, _edit, _typing, _presence, _sync, _markRead })
        {
            limit.Dispose();
        }
    }

    /// <summary>One kind of call: a token bucket per user, idle ones dropped by the partitioned limiter.</summary>
    private sealed class UserLimit : IDisposable
    {
        private readonly PartitionedRateLimiter<string> _limiter;
        private readonly string _tooMany;

        public UserLimit(TokenBucketRule rule, string tooMany)
        {
            var bucket = rule.ToLimiterOptions();
            // Built once: a partition's factory must not be a new closure per call.
            Func<string, RateLimiter> create = _ => new TokenBucketRateLimiter(bucket);
            _limiter = PartitionedRateLimiter.Create<string, string>(userId => RateLimitPartition.Get(userId, create));
            _tooMany = tooMany;
        }

        public void Acquire(string userId)
        {
            using var lease = _limiter.AttemptAcquire(userId);
            if (!lease.IsAcquired)
            {
                throw new HubException($"rate-limited: {_tooMany}; retry after {UserRateLimits.RetryAfterSeconds(lease)} s");
            }
        }

        public void Dispose() => _limiter.Dispose();
    }
}
