using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Chat.Messaging.Presence;

public sealed record ConnectionReport(long UserId, string ConnectionId);

public sealed record ConnectionsReport(IReadOnlyCollection<ConnectionReport> Connections);

public sealed record AwayReport(long UserId, string ConnectionId, bool Away);

public sealed class PresenceOptions
{
    public const string SectionName = "Messaging:Presence";

    /// <summary>Well inside Presence's timeout (30 s), so one lost heartbeat does not flip anyone offline.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Changes for one user within this window are delivered once, as the last of them (flaps coalesce).</summary>
    public TimeSpan CoalesceWindow { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>
/// Tells Presence which hub connections this replica holds: on open, on close, and in a periodic heartbeat, so
/// that if this replica dies its users expire within Presence's timeout. Reports are queued, never awaited by
/// the hub: a slow or absent Presence must not slow down connecting.
/// </summary>
/// <remarks>
/// The queue is bounded by the connections, not by the calls: a connection queues one open and one close, idle/active
/// reports coalesce per connection (one waits at most, carrying the latest state) and heartbeats coalesce into one.
/// A client that floods <c>SetPresence</c> therefore costs at most one request per round and cannot hold back
/// anyone's open, close or heartbeat.
/// </remarks>
public sealed class PresenceReporter(IHttpClientFactory httpClients, ILogger<PresenceReporter> logger)
{
    public const string HttpClientName = "presence";

    private readonly ConcurrentDictionary<string, ConnectionReport> _connections = new();
    // Opens, closes and idle reports in the order they happened, so Presence never hears of a connection's idleness before the connection.
    private readonly Channel<(ChangeKind Kind, ConnectionReport? Report)> _changes =
        Channel.CreateUnbounded<(ChangeKind, ConnectionReport?)>(new UnboundedChannelOptions { SingleReader = true });
    // The latest idle (true) or active state of each connection whose report is queued but not sent; guarded by itself.
    private readonly Dictionary<string, bool> _pendingAway = [];
    private int _heartbeatQueued;

    private enum ChangeKind
    {
        Opened,
        Closed,
        /// <summary>The connection's latest state is in <see cref="_pendingAway"/>, read when it is sent.</summary>
        AwayChanged,
        /// <summary>All live connections, read when it is sent: ordered after any close before it, so a closed one never comes back.</summary>
        Heartbeat,
    }

    /// <summary>This replica's connections of the given users: where presence changes for them are delivered.</summary>
    public List<string> LocalConnectionsOf(IReadOnlySet<long> userIds)
    {
        var connections = new List<string>();
        foreach (var (connectionId, report) in _connections)
        {
            if (userIds.Contains(report.UserId))
            {
                connections.Add(connectionId);
            }
        }
        return connections;
    }

    public void Connected(long userId, string connectionId)
    {
        var report = new ConnectionReport(userId, connectionId);
        _connections[connectionId] = report;
        _changes.Writer.TryWrite((ChangeKind.Opened, report));
    }

    public void Disconnected(string connectionId)
    {
        if (_connections.TryRemove(connectionId, out var report))
        {
            lock (_pendingAway)
            {
                _pendingAway.Remove(connectionId);
            }
            _changes.Writer.TryWrite((ChangeKind.Closed, report));
        }
    }

    /// <summary>The client on this connection went idle, or came back; replaces a report of it not sent yet.</summary>
    public void SetAway(string connectionId, bool away)
    {
        if (!_connections.TryGetValue(connectionId, out var report))
        {
            return;
        }
        lock (_pendingAway)
        {
            var queued = _pendingAway.ContainsKey(connectionId);
            _pendingAway[connectionId] = away;
            if (!queued)
            {
                _changes.Writer.TryWrite((ChangeKind.AwayChanged, report));
            }
        }
    }

    /// <summary>Sends queued changes in order, runs of opens or closes batched into one request, until stopped.</summary>
    public async Task ReportChangesAsync(CancellationToken cancellationToken)
    {
        var queued = new List<(ChangeKind Kind, ConnectionReport? Report)>();
        var run = new List<ConnectionReport>();
        while (await _changes.Reader.WaitToReadAsync(cancellationToken))
        {
            while (_changes.Reader.TryRead(out var change))
            {
                queued.Add(change);
            }
            for (var i = 0; i < queued.Count;)
            {
                var (kind, report) = queued[i];
                switch (kind)
                {
                    case ChangeKind.Opened or ChangeKind.Closed:
                        run.Clear();
                        for (; i < queued.Count && queued[i].Kind == kind; i++)
                        {
                            run.Add(queued[i].Report!);
                        }
                        await PostAsync(kind == ChangeKind.Opened ? "connections" : "disconnects", new ConnectionsReport(run.ToArray()), cancellationToken);
                        continue;
                    case ChangeKind.Heartbeat:
                        Volatile.Write(ref _heartbeatQueued, 0);
                        if (!_connections.IsEmpty)
                        {
                            await PostAsync("heartbeats", new ConnectionsReport(_connections.Values.ToArray()), cancellationToken);
                        }
                        break;
                    case ChangeKind.AwayChanged:
                        if (TakePendingAway(report!.ConnectionId) is { } away)
                        {
                            await PostAsync("away", new AwayReport(report.UserId, report.ConnectionId, away), cancellationToken);
                        }
                        break;
                }
                i++;
            }
            queued.Clear();
        }
    }

    /// <summary>The connection's latest unsent idle state, now being sent; null if it closed since.</summary>
    private bool? TakePendingAway(string connectionId)
    {
        lock (_pendingAway)
        {
            return _pendingAway.Remove(connectionId, out var away) ? away : null;
        }
    }

    /// <summary>Queues one heartbeat for every live connection of this replica (one request), unless one is already waiting.</summary>
    public void QueueHeartbeat()
    {
        if (Interlocked.Exchange(ref _heartbeatQueued, 1) == 0)
        {
            _changes.Writer.TryWrite((ChangeKind.Heartbeat, null));
        }
    }

    private async Task PostAsync<T>(string what, T report, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName)
                .PostAsJsonAsync($"/internal/presence/{what}", report, cancellationToken);
            response.EnsureSuccessStatusCode();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Presence is best effort: a missed report heals with the next heartbeat, or expires.
            logger.LogWarning(e, "Reporting connections to Presence ({What}) failed", what);
        }
    }
}

public sealed class PresenceHeartbeatService(PresenceReporter reporter, IOptions<PresenceOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var changes = reporter.ReportChangesAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                reporter.QueueHeartbeat();
            }
        }
        finally
        {
            await changes.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
