using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Presence;

public static class PresenceStatus
{
    public const string Online = "online";
    public const string Offline = "offline";
}

public sealed record UserPresence(long UserId, string Status, DateTimeOffset? LastSeen);

public sealed record ConnectionReport(long UserId, string ConnectionId);

/// <summary>
/// Per-user live connections in Redis, each with an expiry that heartbeats push forward (a sorted set scored by
/// expiry time). A user is online while any connection has not expired; last seen is kept when they go.
/// </summary>
public sealed class PresenceTracker(IConnectionMultiplexer redis, IOptions<PresenceOptions> options, TimeProvider time)
{
    public static readonly RedisChannel ChangesChannel = RedisChannel.Literal("chat:presence:changes");

    public async Task HeartbeatAsync(IReadOnlyList<ConnectionReport> connections)
    {
        var db = redis.GetDatabase();
        var now = time.GetUtcNow();
        var expiry = (now + options.Value.HeartbeatTimeout).ToUnixTimeMilliseconds();
        foreach (var userConnections in connections.GroupBy(c => c.UserId))
        {
            var key = ConnectionsKey(userConnections.Key);
            var wasOnline = await db.SortedSetLengthAsync(key, now.ToUnixTimeMilliseconds(), double.PositiveInfinity) > 0;
            await db.SortedSetAddAsync(key, userConnections.Select(c => new SortedSetEntry(c.ConnectionId, expiry)).ToArray());
            await db.KeyExpireAsync(key, options.Value.HeartbeatTimeout * 2);
            await db.StringSetAsync(LastSeenKey(userConnections.Key), now.ToUnixTimeMilliseconds());
            if (!wasOnline)
            {
                await PublishAsync(db, new UserPresence(userConnections.Key, PresenceStatus.Online, now));
            }
        }
    }

    public async Task DisconnectAsync(IReadOnlyList<ConnectionReport> connections)
    {
        var db = redis.GetDatabase();
        var now = time.GetUtcNow();
        foreach (var userConnections in connections.GroupBy(c => c.UserId))
        {
            var key = ConnectionsKey(userConnections.Key);
            await db.SortedSetRemoveAsync(key, userConnections.Select(c => (RedisValue)c.ConnectionId).ToArray());
            await db.StringSetAsync(LastSeenKey(userConnections.Key), now.ToUnixTimeMilliseconds());
            if (await db.SortedSetLengthAsync(key, now.ToUnixTimeMilliseconds(), double.PositiveInfinity) == 0)
            {
                await PublishAsync(db, new UserPresence(userConnections.Key, PresenceStatus.Offline, now));
            }
        }
    }

    public async Task<IReadOnlyList<UserPresence>> GetAsync(IReadOnlyList<long> userIds)
    {
        var db = redis.GetDatabase();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var batch = db.CreateBatch();
        var live = userIds.Select(id => batch.SortedSetLengthAsync(ConnectionsKey(id), now, double.PositiveInfinity)).ToArray();
        var seen = userIds.Select(id => batch.StringGetAsync(LastSeenKey(id))).ToArray();
        batch.Execute();
        await Task.WhenAll(live.Cast<Task>().Concat(seen));

        var result = new UserPresence[userIds.Count];
        for (var i = 0; i < userIds.Count; i++)
        {
            var lastSeen = !seen[i].Result.IsNull && seen[i].Result.TryParse(out long ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null;
            result[i] = new UserPresence(userIds[i], live[i].Result > 0 ? PresenceStatus.Online : PresenceStatus.Offline, lastSeen);
        }
        return result;
    }

    private static Task PublishAsync(IDatabase db, UserPresence change) =>
        db.PublishAsync(ChangesChannel, JsonSerializer.Serialize(change, PresenceJsonContext.Default.UserPresence));

    private static RedisKey ConnectionsKey(long userId) => "chat:presence:connections:" + userId.ToString(CultureInfo.InvariantCulture);

    private static RedisKey LastSeenKey(long userId) => "chat:presence:last-seen:" + userId.ToString(CultureInfo.InvariantCulture);
}
