using System.Text.Json;
using Chat.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Chat.Presence.Tests;

/// <summary>
/// The tracker on its own, with many users per report and reports racing each other. Run against Garnet and
/// against a real redis-server: the Redis mode is first class.
/// </summary>
public abstract class PresenceTrackerTests : IAsyncLifetime
{
    private const int SettledUserIdBase = 1_000_000;

    private readonly IRedisFixture _server;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly List<(long UserId, string Status, long? LastSeenMs)> _published = [];
    private ConnectionMultiplexer _redis = null!;
    private ConnectionMultiplexer _subscriber = null!;
    private PresenceTracker _tracker = null!;
    private int _settled;

    protected PresenceTrackerTests(IRedisFixture server) => _server = server;

    public async Task InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(_server.ConnectionString);
        _subscriber = await ConnectionMultiplexer.ConnectAsync(_server.ConnectionString);
        _tracker = new PresenceTracker(_redis, Options.Create(new PresenceOptions { HeartbeatTimeout = TimeSpan.FromSeconds(30) }), _time);
        await _subscriber.GetSubscriber().SubscribeAsync(PresenceTracker.ChangesChannel, (_, value) =>
        {
            var change = JsonDocument.Parse(value.ToString()).RootElement;
            var lastSeen = change.GetProperty("lastSeen");
            lock (_published)
            {
                _published.Add((change.GetProperty("userId").GetInt64(), change.GetProperty("status").GetString()!,
                    lastSeen.ValueKind == JsonValueKind.Null ? null : lastSeen.GetDateTimeOffset().ToUnixTimeMilliseconds()));
            }
        });
    }

    public async Task DisposeAsync()
    {
        await _subscriber.DisposeAsync();
        await _redis.DisposeAsync();
        _server.Dispose();
    }

    [Fact]
    public async Task ReportsRacingForTheSameUsersPublishEachUsersGoingOnlineExactlyOnce()
    {
        const int users = 20;
        const int reports = 40;
        await Task.WhenAll(Enumerable.Range(0, reports).Select(r => Task.Run(() =>
            _tracker.HeartbeatAsync(Enumerable.Range(1, users).Select(u => new ConnectionReport(u, $"tab-{r}")).ToArray()))));

        var published = await SettledAsync();

        Assert.Equal(Enumerable.Range(1, users).Select(u => (long)u), published.Where(p => p.Status == "online").Select(p => p.UserId).Order());
        Assert.DoesNotContain(published, p => p.Status != "online");
    }

    [Fact]
    public async Task AHeartbeatOfAThousandUsersGivesEachTheStatusOfItsOwnConnections()
    {
        // Every user has a laptop; users divisible by 3 also have a phone; odd users' laptops are idle.
        var connections = Enumerable.Range(1, 1000)
            .SelectMany(u => u % 3 == 0 ? new[] { new ConnectionReport(u, "laptop"), new ConnectionReport(u, "phone") } : [new ConnectionReport(u, "laptop")])
            .ToArray();
        await _tracker.HeartbeatAsync(connections, opened: true);
        foreach (var user in Enumerable.Range(1, 1000).Where(u => u % 2 == 1))
        {
            await _tracker.SetAwayAsync(new ConnectionReport(user, "laptop"), away: true);
        }
        await _tracker.DisconnectAsync(Enumerable.Range(1, 1000).Where(u => u % 5 == 0).Select(u => new ConnectionReport(u, "laptop")).ToArray());
        _time.Advance(TimeSpan.FromSeconds(10));
        await _tracker.HeartbeatAsync(connections.Where(c => c.UserId % 5 != 0 || c.ConnectionId == "phone").ToArray());

        var presence = await _tracker.GetAsync(Enumerable.Range(1, 1000).Select(u => (long)u).ToArray());

        static string Expected(long u) =>
            u % 5 == 0 ? (u % 3 == 0 ? "online" : "offline")
            : u % 2 == 1 && u % 3 != 0 ? "away"
            : "online";
        Assert.Equal(Enumerable.Range(1, 1000).Select(u => Expected(u)), presence.Select(p => p.Status));
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.All(presence, p => Assert.Equal(p.Status == "offline" ? now - 10_000 : now, p.LastSeen?.ToUnixTimeMilliseconds()));
    }

    [Fact]
    public async Task AHeartbeatOfConnectionsAlreadyKnownPublishesNothing()
    {
        var connections = Enumerable.Range(1, 500).Select(u => new ConnectionReport(u, "tab")).ToArray();
        await _tracker.HeartbeatAsync(connections, opened: true);
        var afterOpening = (await SettledAsync()).Count;

        _time.Advance(TimeSpan.FromSeconds(10));
        await _tracker.HeartbeatAsync(connections);
        _time.Advance(TimeSpan.FromSeconds(10));
        await _tracker.HeartbeatAsync(connections);

        Assert.Equal((500, 500), (afterOpening, (await SettledAsync()).Count));
    }

    [Fact]
    public async Task ANewConnectionOfAnOnlineUserIsNotAChangeButAnOpenedOneIsAlwaysPublished()
    {
        await _tracker.HeartbeatAsync([new ConnectionReport(7, "tab")]);
        await _tracker.HeartbeatAsync([new ConnectionReport(7, "phone")]);
        var heartbeats = await SettledAsync();
        await _tracker.HeartbeatAsync([new ConnectionReport(7, "laptop")], opened: true);

        var all = await SettledAsync();

        Assert.Equal(["online"], heartbeats.Where(p => p.UserId == 7).Select(p => p.Status));
        Assert.Equal(["online", "online"], all.Where(p => p.UserId == 7).Select(p => p.Status));
    }

    [Fact]
    public async Task GoingAwayAndBackIsPublishedOnlyWhenTheStatusChanges()
    {
        await _tracker.HeartbeatAsync([new ConnectionReport(8, "laptop"), new ConnectionReport(8, "phone")]);

        await _tracker.SetAwayAsync(new ConnectionReport(8, "laptop"), away: true);
        await _tracker.SetAwayAsync(new ConnectionReport(8, "phone"), away: true);
        await _tracker.SetAwayAsync(new ConnectionReport(8, "phone"), away: true);
        await _tracker.SetAwayAsync(new ConnectionReport(8, "laptop"), away: false);

        Assert.Equal(["online", "away", "online"], (await SettledAsync()).Where(p => p.UserId == 8).Select(p => p.Status));
    }

    [Fact]
    public async Task ASweepTurnsEveryExpiredUserOfItsBatchOfflineAndKeepsTheLiveOnes()
    {
        var firstHeartbeat = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await _tracker.HeartbeatAsync(Enumerable.Range(1, 300).Select(u => new ConnectionReport(u, "tab")).ToArray());
        _time.Advance(TimeSpan.FromSeconds(20));
        await _tracker.HeartbeatAsync(Enumerable.Range(1, 100).Select(u => new ConnectionReport(u, "tab")).ToArray());
        _time.Advance(TimeSpan.FromSeconds(11));

        var sweptFirst = await _tracker.SweepExpiredAsync();
        var sweptAgain = await _tracker.SweepExpiredAsync();
        var presence = await _tracker.GetAsync(Enumerable.Range(1, 300).Select(u => (long)u).ToArray());

        Assert.Equal((200, 0), (sweptFirst, sweptAgain));
        Assert.Equal(Enumerable.Range(1, 300).Select(u => u <= 100 ? "online" : "offline"), presence.Select(p => p.Status));
        var offline = (await SettledAsync()).Where(p => p.Status == "offline").ToList();
        Assert.Equal(Enumerable.Range(101, 200).Select(u => (long)u), offline.Select(p => p.UserId).Order());
        Assert.All(offline, p => Assert.Equal(firstHeartbeat, p.LastSeenMs));
    }

    /// <summary>
    /// Everything published so far. A marker user's opening is published after every earlier change, on the same
    /// connection, so once it arrives the earlier ones have too.
    /// </summary>
    private async Task<List<(long UserId, string Status, long? LastSeenMs)>> SettledAsync()
    {
        var marker = SettledUserIdBase + Interlocked.Increment(ref _settled);
        await _tracker.HeartbeatAsync([new ConnectionReport(marker, "marker")], opened: true);
        await _tracker.DisconnectAsync([new ConnectionReport(marker, "marker")]);
        for (var attempt = 0; attempt < 200; attempt++)
        {
            lock (_published)
            {
                if (_published.Any(p => p.UserId == marker && p.Status == "offline"))
                {
                    return _published.Where(p => p.UserId < SettledUserIdBase).ToList();
                }
            }
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException("The marker change was never published.");
    }
}

public sealed class GarnetPresenceTrackerTests() : PresenceTrackerTests(new GarnetFixture());

public sealed class RedisServerPresenceTrackerTests() : PresenceTrackerTests(new RedisServerFixture());
