using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Presence;

public static class PresenceStatus
{
    public const string Online = "online";
    public const string Away = "away";
    public const string Offline = "offline";
}

public sealed record UserPresence(long UserId, string Status, DateTimeOffset? LastSeen);

public sealed record ConnectionReport(long UserId, string ConnectionId);

/// <summary>
/// Per-user live connections in the Redis role, each with an expiry that heartbeats push forward (a sorted set
/// scored by expiry time), and the subset whose client reported itself idle. A user is online while any live
/// connection is active, away while every live one is idle, offline when none is live; last seen is kept.
/// Every change of status is published on <see cref="ChangesChannel"/>.
/// </summary>
public sealed class PresenceTracker(IConnectionMultiplexer redis, IOptions<PresenceOptions> options, TimeProvider time)
{
    public static readonly RedisChannel ChangesChannel = RedisChannel.Literal("chat:presence:changes");

    // Users who had live connections, scored by when the last of them expires: what the sweeper looks at.
    private static readonly RedisKey ExpiriesKey = "chat:presence:expiries";

    /// <summary>
    /// Connections opened or still alive. <paramref name="opened"/>: they are new, so the resulting status is published
    /// even if it looks unchanged — a close racing on another replica may have just published an outdated one.
    /// </summary>
    public async Task HeartbeatAsync(IReadOnlyList<ConnectionReport> connections, bool opened = false)
    {
        var db = redis.GetDatabase();
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var expiry = (now + options.Value.HeartbeatTimeout).ToUnixTimeMilliseconds();
        foreach (var userConnections in connections.GroupBy(c => c.UserId))
        {
            var userId = userConnections.Key;
            var before = await ReadStatusAsync(db, userId, nowMs);
            var key = ConnectionsKey(userId);
            await db.SortedSetAddAsync(key, userConnections.Select(c => new SortedSetEntry(c.ConnectionId, expiry)).ToArray());
            await db.SortedSetRemoveRangeByScoreAsync(key, double.NegativeInfinity, nowMs, Exclude.Stop);
            await db.KeyExpireAsync(key, options.Value.HeartbeatTimeout * 2);
            await db.KeyExpireAsync(AwayKey(userId), options.Value.HeartbeatTimeout * 2);
            await db.StringSetAsync(LastSeenKey(userId), nowMs);
            await db.SortedSetAddAsync(ExpiriesKey, userId, expiry);
            await PublishIfChangedAsync(db, userId, opened ? null : before, nowMs);
        }
    }

    public async Task DisconnectAsync(IReadOnlyList<ConnectionReport> connections)
    {
        var db = redis.GetDatabase();
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var userConnections in connections.GroupBy(c => c.UserId))
        {
            var userId = userConnections.Key;
            var ids = userConnections.Select(c => (RedisValue)c.ConnectionId).ToArray();
            await db.SortedSetRemoveAsync(ConnectionsKey(userId), ids);
            await db.SetRemoveAsync(AwayKey(userId), ids);
            await db.StringSetAsync(LastSeenKey(userId), nowMs);
            // Always published: with read-then-write steps, an open racing on another replica may have seen no change.
            if (await PublishIfChangedAsync(db, userId, null, nowMs) == PresenceStatus.Offline)
            {
                await db.SortedSetRemoveAsync(ExpiriesKey, userId);
            }
        }
    }

    /// <summary>A client reports itself idle (away) or active again; only for a connection that is live.</summary>
    public async Task SetAwayAsync(ConnectionReport connection, bool away)
    {
        var db = redis.GetDatabase();
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (await db.SortedSetScoreAsync(ConnectionsKey(connection.UserId), connection.ConnectionId) is not { } expiry || expiry <= nowMs)
        {
            return;
        }
        if (away)
        {
            await db.SetAddAsync(AwayKey(connection.UserId), connection.ConnectionId);
            await db.KeyExpireAsync(AwayKey(connection.UserId), options.Value.HeartbeatTimeout * 2);
        }
        else
        {
            await db.SetRemoveAsync(AwayKey(connection.UserId), connection.ConnectionId);
        }
        await PublishIfChangedAsync(db, connection.UserId, null, nowMs);
    }

    /// <summary>
    /// Users whose connections all expired without a goodbye (their replica died) go offline here; returns how
    /// many did. Safe to run from several Presence replicas: a duplicate offline event changes nothing.
    /// </summary>
    public async Task<int> SweepExpiredAsync()
    {
        var db = redis.GetDatabase();
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var offline = 0;
        foreach (var candidate in await db.SortedSetRangeByScoreAsync(ExpiriesKey, double.NegativeInfinity, nowMs, Exclude.None, Order.Ascending, 0, 1000))
        {
            var userId = (long)candidate;
            var live = await db.SortedSetRangeByScoreWithScoresAsync(ConnectionsKey(userId), nowMs, double.PositiveInfinity, Exclude.Start);
            if (live.Length > 0)
            {
                await db.SortedSetAddAsync(ExpiriesKey, userId, live.Max(e => e.Score));
                continue;
            }
            await db.SortedSetRemoveAsync(ExpiriesKey, userId);
            await db.KeyDeleteAsync([ConnectionsKey(userId), AwayKey(userId)]);
            await PublishAsync(db, new UserPresence(userId, PresenceStatus.Offline, await ReadLastSeenAsync(db, userId)));
            offline++;
        }
        return offline;
    }

    public async Task<IReadOnlyList<UserPresence>> GetAsync(IReadOnlyList<long> userIds)
    {
        var db = redis.GetDatabase();
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var batch = db.CreateBatch();
        var live = userIds.Select(id => batch.SortedSetRangeByScoreAsync(ConnectionsKey(id), nowMs, double.PositiveInfinity, Exclude.Start)).ToArray();
        var away = userIds.Select(id => batch.SetMembersAsync(AwayKey(id))).ToArray();
        var seen = userIds.Select(id => batch.StringGetAsync(LastSeenKey(id))).ToArray();
        batch.Execute();
        await Task.WhenAll(live.Cast<Task>().Concat(away).Concat(seen));

        var result = new UserPresence[userIds.Count];
        for (var i = 0; i < userIds.Count; i++)
        {
            result[i] = new UserPresence(userIds[i], StatusOf(live[i].Result, away[i].Result), ParseLastSeen(seen[i].Result));
        }
        return result;
    }

    private static string StatusOf(RedisValue[] live, RedisValue[] away) =>
        live.Length == 0 ? PresenceStatus.Offline
        : live.All(connection => away.Contains(connection)) ? PresenceStatus.Away
        : PresenceStatus.Online;

    private static async Task<string> ReadStatusAsync(IDatabase db, long userId, long nowMs) => StatusOf(
        await db.SortedSetRangeByScoreAsync(ConnectionsKey(userId), nowMs, double.PositiveInfinity, Exclude.Start),
        await db.SetMembersAsync(AwayKey(userId)));

    /// <summary>Publishes the user's status if it differs from <paramref name="before"/>; always when that is null.</summary>
    private async Task<string> PublishIfChangedAsync(IDatabase db, long userId, string? before, long nowMs)
    {
        var after = await ReadStatusAsync(db, userId, nowMs);
        if (after != before)
        {
            await PublishAsync(db, new UserPresence(userId, after, await ReadLastSeenAsync(db, userId)));
        }
        return after;
    }

    private static async Task<DateTimeOffset?> ReadLastSeenAsync(IDatabase db, long userId) =>
        ParseLastSeen(await db.StringGetAsync(LastSeenKey(userId)));

    private static DateTimeOffset? ParseLastSeen(RedisValue value) =>
        !value.IsNull && value.TryParse(out long ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    private static Task PublishAsync(IDatabase db, UserPresence change) =>
        db.PublishAsync(ChangesChannel, JsonSerializer.Serialize(change, PresenceJsonContext.Default.UserPresence));

    private static RedisKey ConnectionsKey(long userId) => "chat:presence:connections:" + userId.ToString(CultureInfo.InvariantCulture);

    private static RedisKey AwayKey(long userId) => "chat:presence:away:" + userId.ToString(CultureInfo.InvariantCulture);

    private static RedisKey LastSeenKey(long userId) => "chat:presence:last-seen:" + userId.ToString(CultureInfo.InvariantCulture);
}
