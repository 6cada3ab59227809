using System.Collections.Concurrent;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;

namespace Chat.Messaging.Presence;

public sealed record ConnectionReport(long UserId, string ConnectionId);

public sealed record ConnectionsReport(IReadOnlyCollection<ConnectionReport> Connections);

/// <summary>
/// Tells Presence which hub connections this replica holds: on open, on close, and in a periodic heartbeat, so
/// that if this replica dies its users expire within Presence's timeout.
/// </summary>
public sealed class PresenceReporter(IHttpClientFactory httpClients, ILogger<PresenceReporter> logger)
{
    public const string HttpClientName = "presence";

    private readonly ConcurrentDictionary<string, ConnectionReport> _connections = new();

    public Task ConnectedAsync(long userId, string connectionId)
    {
        var report = new ConnectionReport(userId, connectionId);
        _connections[connectionId] = report;
        return PostAsync("heartbeats", [report], CancellationToken.None);
    }

    public Task DisconnectedAsync(string connectionId) =>
        _connections.TryRemove(connectionId, out var report)
            ? PostAsync("disconnects", [report], CancellationToken.None)
            : Task.CompletedTask;

    public Task HeartbeatAsync(CancellationToken cancellationToken) =>
        _connections.IsEmpty ? Task.CompletedTask : PostAsync("heartbeats", _connections.Values.ToArray(), cancellationToken);

    private async Task PostAsync(string what, IReadOnlyCollection<ConnectionReport> connections, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).PostAsJsonAsync($"/internal/presence/{what}", new ConnectionsReport(connections), cancellationToken);
            response.EnsureSuccessStatusCode();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Presence is best effort: a missed report heals with the next heartbeat or expires.
            logger.LogWarning(e, "Reporting {Count} connection(s) to Presence ({What}) failed", connections.Count, what);
        }
    }
}

public sealed class PresenceOptions
{
    public const string SectionName = "Messaging:Presence";

    /// <summary>Well inside Presence's timeout (30 s), so one lost heartbeat does not flip anyone offline.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);
}

public sealed class PresenceHeartbeatService(PresenceReporter reporter, IOptions<PresenceOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await reporter.HeartbeatAsync(stoppingToken);
        }
    }
}
