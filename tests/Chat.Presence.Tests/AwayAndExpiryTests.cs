using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Chat.Presence.Tests;

/// <summary>Run against Garnet and against a real redis-server: the Redis mode is first class.</summary>
public abstract class AwayAndExpiryTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly ChatCluster _cluster;
    private ConnectionMultiplexer _redis = null!;
    private readonly List<JsonElement> _published = [];

    protected AwayAndExpiryTests(IRedisFixture server) => _cluster = PresenceOnly.Start(server, _time);

    public async Task InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(_cluster.Redis.ConnectionString);
        await _redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal("chat:presence:changes"), (_, value) =>
        {
            lock (_published)
            {
                _published.Add(JsonDocument.Parse(value.ToString()).RootElement);
            }
        });
    }

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        _cluster.Dispose();
    }

    [Fact]
    public async Task AUserIsAwayOnlyWhileEveryLiveConnectionIsIdle()
    {
        var viewer = await _cluster.CreateUserAsync();
        const long userId = 501;
        await _cluster.ReportPresenceAsync("heartbeats", new { connections = new[] { new { userId, connectionId = "laptop" }, new { userId, connectionId = "phone" } } });

        await _cluster.ReportPresenceAsync("away", new { userId, connectionId = "laptop", away = true });
        var oneIdle = await _cluster.StatusAsync(viewer, userId);
        await _cluster.ReportPresenceAsync("away", new { userId, connectionId = "phone", away = true });
        var bothIdle = await _cluster.StatusAsync(viewer, userId);
        await _cluster.ReportPresenceAsync("away", new { userId, connectionId = "phone", away = false });
        var back = await _cluster.StatusAsync(viewer, userId);

        Assert.Equal(["online", "away", "online"], new[] { oneIdle, bothIdle, back });
    }

    [Fact]
    public async Task ATabClosingLeavesTheUserOnlineWhileAnotherTabIsOpen()
    {
        var viewer = await _cluster.CreateUserAsync();
        const long userId = 502;
        await _cluster.ReportPresenceAsync("heartbeats", new { connections = new[] { new { userId, connectionId = "tab-1" }, new { userId, connectionId = "tab-2" } } });

        await _cluster.ReportPresenceAsync("disconnects", new { connections = new[] { new { userId, connectionId = "tab-1" } } });

        Assert.Equal("online", await _cluster.StatusAsync(viewer, userId));
    }

    [Fact]
    public async Task UsersWhoseReplicaDiedArePublishedOfflineByTheSweepWithTheirLastHeartbeatAsLastSeen()
    {
        const long userId = 503;
        await _cluster.ReportPresenceAsync("heartbeats", new { connections = new[] { new { userId, connectionId = "on-a-dying-replica" } } });
        var lastHeartbeat = _time.GetUtcNow();
        var tracker = _cluster.Presence.Services.GetRequiredService<PresenceTracker>();

        _time.Advance(TimeSpan.FromSeconds(20));
        var beforeTimeout = await tracker.SweepExpiredAsync();
        _time.Advance(TimeSpan.FromSeconds(11));
        var afterTimeout = await tracker.SweepExpiredAsync();
        var again = await tracker.SweepExpiredAsync();

        Assert.Equal((0, 1, 0), (beforeTimeout, afterTimeout, again));
        var offline = await PublishedAsync(userId, "offline");
        Assert.Equal(lastHeartbeat.ToUnixTimeMilliseconds(), offline.GetProperty("lastSeen").GetDateTimeOffset().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task AwayIsReportedOnlyForALiveConnection()
    {
        var viewer = await _cluster.CreateUserAsync();
        const long userId = 504;

        await _cluster.ReportPresenceAsync("away", new { userId, connectionId = "never-connected", away = true });

        Assert.Equal("offline", await _cluster.StatusAsync(viewer, userId));
    }

    private async Task<JsonElement> PublishedAsync(long userId, string status)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            lock (_published)
            {
                var found = _published.FirstOrDefault(p => p.GetProperty("userId").GetInt64() == userId && p.GetProperty("status").GetString() == status);
                if (found.ValueKind != JsonValueKind.Undefined)
                {
                    return found;
                }
            }
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"No '{status}' was published for user {userId}.");
    }


}

public sealed class GarnetAwayAndExpiryTests() : AwayAndExpiryTests(new GarnetFixture());

public sealed class RedisServerAwayAndExpiryTests() : AwayAndExpiryTests(new RedisServerFixture());
