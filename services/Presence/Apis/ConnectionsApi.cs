namespace Chat.Presence.Apis;

/// <summary>Where Messaging reports its connections: opened or still alive (heartbeat), and closed.</summary>
public static class ConnectionsApi
{
    public static RouteGroupBuilder MapConnectionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup($"{InternalApiOptions.PathPrefix}/presence").WithTags("Connections").AllowAnonymous();
        group.MapPost("/connections", OpenAsync);
        group.MapPost("/heartbeats", HeartbeatAsync);
        group.MapPost("/disconnects", DisconnectAsync);
        group.MapPost("/away", SetAwayAsync);
        return group;
    }

    /// <summary>A connection's client went idle (<c>away: true</c>) or became active again.</summary>
    public static async Task<IResult> SetAwayAsync(AwayReport report, PresenceTracker tracker)
    {
        await tracker.SetAwayAsync(new ConnectionReport(report.UserId, report.ConnectionId), report.Away);
        return TypedResults.NoContent();
    }

    /// <summary>Connections just opened: their user's status is published whatever it was.</summary>
    public static async Task<IResult> OpenAsync(ConnectionsReport report, PresenceTracker tracker)
    {
        await tracker.HeartbeatAsync(report.Connections, opened: true);
        return TypedResults.NoContent();
    }

    public static async Task<IResult> HeartbeatAsync(ConnectionsReport report, PresenceTracker tracker)
    {
        await tracker.HeartbeatAsync(report.Connections);
        return TypedResults.NoContent();
    }

    public static async Task<IResult> DisconnectAsync(ConnectionsReport report, PresenceTracker tracker)
    {
        await tracker.DisconnectAsync(report.Connections);
        return TypedResults.NoContent();
    }
}
