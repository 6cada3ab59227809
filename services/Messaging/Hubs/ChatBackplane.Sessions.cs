namespace Chat.Messaging.Hubs;

public sealed partial class ChatBackplane
{
    /// <summary>
    /// Closes this replica's connections opened with a token of any of these sessions (logout, password change,
    /// refresh-token reuse). Every replica polls the revocation feed itself, so each closes its own.
    /// </summary>
    public int AbortSessions(IReadOnlyCollection<string> sessionIds)
    {
        var sessions = sessionIds.ToHashSet(StringComparer.Ordinal);
        var aborted = 0;
        foreach (var connection in _connections.Values)
        {
            if (connection.User.GetSessionId() is { } sessionId && sessions.Contains(sessionId))
            {
                connection.Abort();
                aborted++;
            }
        }
        if (aborted > 0)
        {
            _logger.LogInformation("Closed {Count} hub connections of revoked sessions.", aborted);
        }
        return aborted;
    }
}
