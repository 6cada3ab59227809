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
/// <remarks>
/// Each user's transition is one Lua script, so the status before and after is read atomically with the write,
/// and a report about many users sends all their scripts in one pipeline: one round trip per report, not per user.
/// StackExchange.Redis sends a script given as text by EVALSHA once it has loaded it on that server.
/// </remarks>
public sealed class PresenceTracker(IConnectionMultiplexer redis, IOptions<PresenceOptions> options, TimeProvider time)
{
    public static readonly RedisChannel ChangesChannel = RedisChannel.Literal("chat:presence:changes");

    // Users who had live connections, scored by when the last of them expires: what the sweeper looks at.
    private static readonly RedisKey ExpiriesKey = "chat:presence:expiries";

    // Every script takes the same keys: the user's connections (zset by expiry), idle connections (set), last seen, ExpiriesKey.
    // Each returns {changed} or {changed, status, lastSeenMs}; lastSeenMs is '' when never seen.
    private const string StatusFunction = """
        local function status(connections, away, now, skip)
          local live = redis.call('ZRANGEBYSCORE', connections, '(' .. now, '+inf')
          local any = false
          for i = 1, #live do
            if not (skip and skip[live[i]]) then
              if redis.call('SISMEMBER', away, live[i]) == 0 then return 'online' end
              any = true
            end
          end
          if any then return 'away' end
          return 'offline'
        end

        """;

    // Connections opened: ARGV: now, expiry, user id, connection ids... Always answers with the status after.
    private const string OpenScript = StatusFunction + """
        local now = ARGV[1]
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        for i = 4, #ARGV do
          redis.call('ZADD', KEYS[1], ARGV[2], ARGV[i])
        end
        redis.call('SET', KEYS[3], now)
        redis.call('ZADD', KEYS[4], ARGV[2], ARGV[3])
        return {1, status(KEYS[1], KEYS[2], now, nil), now}
        """;

    // A heartbeat that found some of a user's connections missing (first heard of here, or swept while Presence or
    // Redis was unreachable) adds them here, atomically with the status check. ARGV: now, expiry, user id, connection ids...
    // Changed when the status without the connections this added differs from the status with them.
    private const string HeartbeatScript = StatusFunction + """
        local now = ARGV[1]
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        local fresh = {}
        local added = 0
        for i = 4, #ARGV do
          if redis.call('ZADD', KEYS[1], ARGV[2], ARGV[i]) == 1 then
            fresh[ARGV[i]] = true
            added = added + 1
          end
        end
        redis.call('ZADD', KEYS[4], ARGV[2], ARGV[3])
        -- The removed connections had expired, so were not live before either: only added ones can change the status.
        if added == 0 then return {0} end
        local after = status(KEYS[1], KEYS[2], now, nil)
        return {status(KEYS[1], KEYS[2], now, fresh) ~= after and 1 or 0, after, now}
        """;

    // ARGV: now, user id, connection ids...
    private const string DisconnectScript = StatusFunction + """
        local now = ARGV[1]
        local before = status(KEYS[1], KEYS[2], now, nil)
        for i = 3, #ARGV do
          redis.call('ZREM', KEYS[1], ARGV[i])
          redis.call('SREM', KEYS[2], ARGV[i])
        end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        redis.call('SET', KEYS[3], now)
        local after = status(KEYS[1], KEYS[2], now, nil)
        if after == 'offline' then
          redis.call('ZREM', KEYS[4], ARGV[2])
          redis.call('DEL', KEYS[1], KEYS[2])
        end
        return {before ~= after and 1 or 0, after, now}
        """;

    // ARGV: now, connection id, away (1/0).
    private const string SetAwayScript = StatusFunction + """
        local now = ARGV[1]
        local expiry = redis.call('ZSCORE', KEYS[1], ARGV[2])
        if not expiry or tonumber(expiry) <= tonumber(now) then return {0} end
        local before = status(KEYS[1], KEYS[2], now, nil)
        if ARGV[3] == '1' then
          redis.call('SADD', KEYS[2], ARGV[2])
        else
          redis.call('SREM', KEYS[2], ARGV[2])
        end
        local after = status(KEYS[1], KEYS[2], now, nil)
        if before == after then return {0} end
        return {1, after, now}
        """;

    // ARGV: now, user id, timeout (ms). A sweep on another replica may have taken the user already: that is a
    // duplicate offline, harmless. Heartbeats do not write last seen, so it is the last heartbeat: the latest expiry less the timeout.
    private const string SweepScript = """
        local live = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf', 'WITHSCORES')
        if #live > 0 then
          redis.call('ZADD', KEYS[4], live[#live], ARGV[2])
          return {0}
        end
        local latest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
        local seen = redis.call('GET', KEYS[3]) or ''
        if #latest == 2 then
          local heard = tonumber(latest[2]) - tonumber(ARGV[3])
          if seen == '' or heard > tonumber(seen) then
            seen = tostring(heard)
            redis.call('SET', KEYS[3], seen)
          end
        end
        redis.call('ZREM', KEYS[4], ARGV[2])
        redis.call('DEL', KEYS[1], KEYS[2])
        return {1, 'offline', seen}
        """;

    private const int SweepBatchSize = 1000;

    /// <summary>
    /// Connections opened or still alive. <paramref name="opened"/>: they are new, so the resulting status is published
    /// even if it looks unchanged — a close racing on another replica may have just published an outdated one.
    /// </summary>
    public async Task HeartbeatAsync(IReadOnlyList<ConnectionReport> connections, bool opened = false)
    {
        if (!opened)
        {
            await RefreshAsync(connections);
            return;
        }
        var db = redis.GetDatabase();
        var now = time.GetUtcNow();
        RedisValue nowMs = now.ToUnixTimeMilliseconds();
        RedisValue expiry = (now + options.Value.HeartbeatTimeout).ToUnixTimeMilliseconds();
        var (users, results) = RunPerUser(db, connections, OpenScript, user => ArgsThenConnections(user, nowMs, expiry, user.Key));
        await PublishChangesAsync(db, users, results, always: true);
    }

    /// <summary>
    /// The periodic heartbeat, the one report whose size grows with every connected user: per user one
    /// <c>ZADD XX CH</c> that pushes the expiry of connections already known forward, plus one ZADD for the sweeper's
    /// index of all of them, pipelined. Only a user with a connection that was not there (its count of updated
    /// entries falls short) goes through the status script, which adds it and publishes a change atomically.
    /// </summary>
    private async Task RefreshAsync(IReadOnlyList<ConnectionReport> connections)
    {
        var db = redis.GetDatabase();
        var now = time.GetUtcNow();
        long expiry = (now + options.Value.HeartbeatTimeout).ToUnixTimeMilliseconds();
        var users = new List<(long UserId, List<RedisValue> Connections)>();
        foreach (var userConnections in connections.GroupBy(c => c.UserId))
        {
            users.Add((userConnections.Key, userConnections.Select(c => (RedisValue)c.ConnectionId).ToList()));
        }
        if (users.Count == 0)
        {
            return;
        }
        var batch = db.CreateBatch();
        var updated = new Task<RedisResult>[users.Count];
        var index = new SortedSetEntry[users.Count];
        for (var i = 0; i < users.Count; i++)
        {
            var (userId, ids) = users[i];
            var args = new object[3 + 2 * ids.Count];
            args[0] = ConnectionsKey(userId);
            args[1] = "XX";
            args[2] = "CH";
            for (var j = 0; j < ids.Count; j++)
            {
                args[3 + 2 * j] = expiry;
                args[4 + 2 * j] = ids[j];
            }
            updated[i] = batch.ExecuteAsync("ZADD", args);
            index[i] = new SortedSetEntry(userId, expiry);
        }
        var indexed = batch.SortedSetAddAsync(ExpiriesKey, index);
        batch.Execute();
        await Task.WhenAll(updated);
        await indexed;

        List<long>? returned = null;
        List<Task<RedisResult>>? results = null;
        RedisValue nowMs = now.ToUnixTimeMilliseconds();
        var recheck = db.CreateBatch();
        for (var i = 0; i < users.Count; i++)
        {
            var (userId, ids) = users[i];
            if ((long)updated[i].Result < ids.Count)
            {
                (returned ??= []).Add(userId);
                (results ??= []).Add(recheck.ScriptEvaluateAsync(HeartbeatScript, KeysOf(userId), [nowMs, expiry, userId, .. ids]));
            }
        }
        if (returned is not null)
        {
            recheck.Execute();
            await PublishChangesAsync(db, returned, results!, always: false);
        }
    }

    public async Task DisconnectAsync(IReadOnlyList<ConnectionReport> connections)
    {
        var db = redis.GetDatabase();
        RedisValue nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var (users, results) = RunPerUser(db, connections, DisconnectScript, user => ArgsThenConnections(user, nowMs, user.Key));
        // Always published: subscribers may hold a status that expired unannounced (not swept yet), or one a racing
        // replica published after ours; a close is rare enough to restate the status.
        await PublishChangesAsync(db, users, results, always: true);
    }

    /// <summary>A client reports itself idle (away) or active again; only for a connection that is live.</summary>
    public async Task SetAwayAsync(ConnectionReport connection, bool away)
    {
        var db = redis.GetDatabase();
        RedisValue nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var result = await db.ScriptEvaluateAsync(SetAwayScript, KeysOf(connection.UserId),
            [nowMs, connection.ConnectionId, away ? 1 : 0]);
        PublishIfChanged(db, connection.UserId, result, always: false);
    }

    /// <summary>
    /// Users whose connections all expired without a goodbye (their replica died) go offline here; returns how
    /// many did. Safe to run from several Presence replicas: a duplicate offline event changes nothing.
    /// </summary>
    public async Task<int> SweepExpiredAsync()
    {
        var db = redis.GetDatabase();
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var candidates = await db.SortedSetRangeByScoreAsync(ExpiriesKey, double.NegativeInfinity, nowMs, Exclude.None, Order.Ascending, 0, SweepBatchSize);
        if (candidates.Length == 0)
        {
            return 0;
        }
        var users = new List<long>(candidates.Length);
        var results = new List<Task<RedisResult>>(candidates.Length);
        var batch = db.CreateBatch();
        foreach (var candidate in candidates)
        {
            var userId = (long)candidate;
            users.Add(userId);
            results.Add(batch.ScriptEvaluateAsync(SweepScript, KeysOf(userId), [nowMs, userId, (long)options.Value.HeartbeatTimeout.TotalMilliseconds]));
        }
        batch.Execute();
        return await PublishChangesAsync(db, users, results, always: false);
    }

    public async Task<IReadOnlyList<UserPresence>> GetAsync(IReadOnlyList<long> userIds)
    {
        var db = redis.GetDatabase();
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var batch = db.CreateBatch();
        var live = new Task<RedisValue[]>[userIds.Count];
        var away = new Task<RedisValue[]>[userIds.Count];
        var seen = new Task<RedisValue>[userIds.Count];
        for (var i = 0; i < userIds.Count; i++)
        {
            live[i] = batch.SortedSetRangeByScoreAsync(ConnectionsKey(userIds[i]), nowMs, double.PositiveInfinity, Exclude.Start);
            away[i] = batch.SetMembersAsync(AwayKey(userIds[i]));
            seen[i] = batch.StringGetAsync(LastSeenKey(userIds[i]));
        }
        batch.Execute();
        await Task.WhenAll(live.Cast<Task>().Concat(away).Concat(seen));

        var result = new UserPresence[userIds.Count];
        for (var i = 0; i < userIds.Count; i++)
        {
            // Heartbeats do not write last seen: a user with a live connection is being seen now.
            var status = StatusOf(live[i].Result, away[i].Result);
            var lastSeen = status == PresenceStatus.Offline ? ParseLastSeen(seen[i].Result) : DateTimeOffset.FromUnixTimeMilliseconds(nowMs);
            result[i] = new UserPresence(userIds[i], status, lastSeen);
        }
        return result;
    }

    private static string StatusOf(RedisValue[] live, RedisValue[] away) =>
        live.Length == 0 ? PresenceStatus.Offline
        : live.All(connection => away.Contains(connection)) ? PresenceStatus.Away
        : PresenceStatus.Online;

    /// <summary>Publishes each user's new status the script reported as changed (every one when <paramref name="always"/>); returns how many changed.</summary>
    private static async Task<int> PublishChangesAsync(IDatabase db, List<long> users, List<Task<RedisResult>> results, bool always)
    {
        await Task.WhenAll(results);
        var changed = 0;
        for (var i = 0; i < users.Count; i++)
        {
            if (PublishIfChanged(db, users[i], results[i].Result, always))
            {
                changed++;
            }
        }
        return changed;
    }

    private static bool PublishIfChanged(IDatabase db, long userId, RedisResult result, bool always)
    {
        var reply = (RedisResult[])result!;
        var changed = (int)reply[0] == 1;
        if ((changed || always) && reply.Length == 3)
        {
            var change = new UserPresence(userId, (string)reply[1]!, ParseLastSeen((RedisValue)reply[2]));
            // Fire and forget: nobody waits for delivery, and the next report need not wait for this one's publishes.
            db.Publish(ChangesChannel, JsonSerializer.Serialize(change, PresenceJsonContext.Default.UserPresence), CommandFlags.FireAndForget);
        }
        return changed;
    }

    /// <summary>One script per user of the report, all sent in one pipeline: one round trip, whatever the number of users.</summary>
    private static (List<long> Users, List<Task<RedisResult>> Results) RunPerUser(
        IDatabase db, IReadOnlyList<ConnectionReport> connections, string script, Func<IGrouping<long, ConnectionReport>, RedisValue[]> args)
    {
        var users = new List<long>();
        var results = new List<Task<RedisResult>>();
        var batch = db.CreateBatch();
        foreach (var userConnections in connections.GroupBy(c => c.UserId))
        {
            users.Add(userConnections.Key);
            results.Add(batch.ScriptEvaluateAsync(script, KeysOf(userConnections.Key), args(userConnections)));
        }
        batch.Execute();
        return (users, results);
    }

    private static RedisValue[] ArgsThenConnections(IEnumerable<ConnectionReport> connections, params ReadOnlySpan<RedisValue> args)
    {
        var count = connections.TryGetNonEnumeratedCount(out var known) ? known : connections.Count();
        var values = new RedisValue[args.Length + count];
        args.CopyTo(values);
        var i = args.Length;
        foreach (var connection in connections)
        {
            values[i++] = connection.ConnectionId;
        }
        return values;
    }

    private static DateTimeOffset? ParseLastSeen(RedisValue value) =>
        !value.IsNullOrEmpty && value.TryParse(out long ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    private static RedisKey[] KeysOf(long userId) => [ConnectionsKey(userId), AwayKey(userId), LastSeenKey(userId), ExpiriesKey];

    private static RedisKey ConnectionsKey(long userId) => "chat:presence:connections:" + userId.ToString(CultureInfo.InvariantCulture);

    private static RedisKey AwayKey(long userId) => "chat:presence:away:" + userId.ToString(CultureInfo.InvariantCulture);

    private static RedisKey LastSeenKey(long userId) => "chat:presence:last-seen:" + userId.ToString(CultureInfo.InvariantCulture);
}
