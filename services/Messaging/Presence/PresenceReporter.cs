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
public sealed class PresenceReporter(IHttpClientFactory httpClients, ILogger<PresenceReporter> logger)
{
    public const string HttpClientName = "presence";

    private readonly ConcurrentDictionary<string, ConnectionReport> _connections = new();
    // Opens, closes and idle reports in the order they happened, so Presence never hears of a connection's idleness before the connection.
    private readonly Channel<(ChangeKind Kind, ConnectionReport Report)> _changes =
        Channel.CreateUnbounded<(ChangeKind, ConnectionReport)>(new UnboundedChannelOptions { SingleReader = true });

    private enum ChangeKind
    {
        Opened,
        Closed,
        Away,
        Active,
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
            _changes.Writer.TryWrite((ChangeKind.Closed, report));
        }
    }

    /// <summary>The client on this connection went idle, or came back.</summary>
    public void SetAway(string connectionId, bool away)
    {
        if (_connections.TryGetValue(connectionId, out var report))
        {
            _changes.Writer.TryWrite((away ? ChangeKind.Away : ChangeKind.Active, report));
        }
    }

    /// <summary>Sends queued changes in order, runs of opens or closes batched into one request, until stopped.</summary>
    public async Task ReportChangesAsync(CancellationToken cancellationToken)
    {
        var queued = new List<(ChangeKind Kind, ConnectionReport Report)>();
        while (await _changes.Reader.WaitToReadAsync(cancellationToken))
        {
            while (_changes.Reader.TryRead(out var change))
            {
                queued.Add(change);
            }
            for (var i = 0; i < queued.Count;)
            {
                var kind = queued[i].Kind;
                var run = queued.Skip(i).TakeWhile(c => c.Kind == kind).Select(c => c.Report).ToArray();
                i += run.Length;
                switch (kind)
                {
                    case ChangeKind.Opened:
                        await PostAsync("connections", new ConnectionsReport(run), cancellationToken);
                        break;
                    case ChangeKind.Closed:
                        await PostAsync("disconnects", new ConnectionsReport(run), cancellationToken);
                        break;
                    case ChangeKind.Heartbeat:
                        if (!_connections.IsEmpty)
                        {
                            await PostAsync("heartbeats", new ConnectionsReport(_connections.Values.ToArray()), cancellationToken);
                        }
                        break;
                    default:
                        foreach (var report in run)
                        {
                            await PostAsync("away", new AwayReport(report.UserId, report.ConnectionId, kind == ChangeKind.Away), cancellationToken);
                        }
                        break;
                }
            }
            queued.Clear();
        }
    }

    /// <summary>Queues one heartbeat for every live connection of this replica (one request).</summary>
    public void QueueHeartbeat() => _changes.Writer.TryWrite((ChangeKind.Heartbeat, null!));

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
