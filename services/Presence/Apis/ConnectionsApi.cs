namespace Chat.Presence.Apis;

/// <summary>Where Messaging reports its connections: opened or still alive (heartbeat), and closed.</summary>
public static class ConnectionsApi
{
    public static RouteGroupBuilder MapConnectionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup($"{InternalApiOptions.PathPrefix}/presence").WithTags("Connections").AllowAnonymous();
        group.MapPost("/heartbeats", HeartbeatAsync);
        group.MapPost("/disconnects", DisconnectAsync);
        return group;
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
