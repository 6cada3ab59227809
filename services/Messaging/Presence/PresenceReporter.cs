using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Chat.Messaging.Presence;

public sealed record ConnectionReport(long UserId, string ConnectionId);

public sealed record ConnectionsReport(IReadOnlyCollection<ConnectionReport> Connections);

public sealed class PresenceOptions
{
    public const string SectionName = "Messaging:Presence";

    /// <summary>Well inside Presence's timeout (30 s), so one lost heartbeat does not flip anyone offline.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);
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
    private readonly Channel<(bool Open, ConnectionReport Report)> _changes =
        Channel.CreateUnbounded<(bool, ConnectionReport)>(new UnboundedChannelOptions { SingleReader = true });

    public void Connected(long userId, string connectionId)
    {
        var report = new ConnectionReport(userId, connectionId);
        _connections[connectionId] = report;
        _changes.Writer.TryWrite((true, report));
    }

    public void Disconnected(string connectionId)
    {
        if (_connections.TryRemove(connectionId, out var report))
        {
            _changes.Writer.TryWrite((false, report));
        }
    }

    /// <summary>Sends queued opens and closes, batched, until stopped.</summary>
    public async Task ReportChangesAsync(CancellationToken cancellationToken)
    {
        var opened = new List<ConnectionReport>();
        var closed = new List<ConnectionReport>();
        while (await _changes.Reader.WaitToReadAsync(cancellationToken))
        {
            while (_changes.Reader.TryRead(out var change))
            {
                (change.Open ? opened : closed).Add(change.Report);
            }
            if (opened.Count > 0)
            {
                await PostAsync("heartbeats", opened.ToArray(), cancellationToken);
                opened.Clear();
            }
            if (closed.Count > 0)
            {
                await PostAsync("disconnects", closed.ToArray(), cancellationToken);
                closed.Clear();
            }
        }
    }

    public Task HeartbeatAsync(CancellationToken cancellationToken) =>
        _connections.IsEmpty ? Task.CompletedTask : PostAsync("heartbeats", _connections.Values.ToArray(), cancellationToken);

    private async Task PostAsync(string what, IReadOnlyCollection<ConnectionReport> connections, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName)
                .PostAsJsonAsync($"/internal/presence/{what}", new ConnectionsReport(connections), cancellationToken);
            response.EnsureSuccessStatusCode();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Presence is best effort: a missed report heals with the next heartbeat, or expires.
            logger.LogWarning(e, "Reporting {Count} connection(s) to Presence ({What}) failed", connections.Count, what);
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
                await reporter.HeartbeatAsync(stoppingToken);
            }
        }
        finally
        {
            await changes.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
