extern alias PresenceService;

using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using PresenceProgram = PresenceService::Program;
using PresenceTracker = PresenceService::Chat.Presence.PresenceTracker;

namespace Chat.Presence.Tests;

/// <summary>Run against Garnet and against a real redis-server: the Redis mode is first class.</summary>
public abstract class AwayAndExpiryTests : IAsyncLifetime
{
    private readonly ServiceRouter _router = new();
    private readonly IRedisFixture _server;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly IdentityFactory _identity;
    private readonly ChatServiceFactory<PresenceProgram> _presence;
    private ConnectionMultiplexer _redis = null!;
    private readonly List<JsonElement> _published = [];

    protected AwayAndExpiryTests(IRedisFixture server)
    {
        _server = server;
        _identity = new IdentityFactory(_router);
        _router.Add("identity", () => _identity.Server.CreateHandler());
        _presence = new ChatServiceFactory<PresenceProgram>(_router, new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = _server.ConnectionString,
            // These tests are about the tracker; who may see whom needs Messaging, and is tested with it (PresenceRelayTests).
            ["Presence:RestrictToContacts"] = "false",
        })
        {
            TestServices = services => services.AddSingleton<TimeProvider>(_time),
        };
    }

    public async Task InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(_server.ConnectionString);
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
        _presence.Dispose();
        _identity.Dispose();
        _server.Dispose();
    }

    [Fact]
    public async Task AUserIsAwayOnlyWhileEveryLiveConnectionIsIdle()
    {
        var viewer = await _identity.CreateUserAsync();
        const long userId = 501;
        await PostAsync("heartbeats", new { connections = new[] { new { userId, connectionId = "laptop" }, new { userId, connectionId = "phone" } } });

        await PostAsync("away", new { userId, connectionId = "laptop", away = true });
        var oneIdle = await StatusAsync(viewer, userId);
        await PostAsync("away", new { userId, connectionId = "phone", away = true });
        var bothIdle = await StatusAsync(viewer, userId);
        await PostAsync("away", new { userId, connectionId = "phone", away = false });
        var back = await StatusAsync(viewer, userId);

        Assert.Equal(["online", "away", "online"], new[] { oneIdle, bothIdle, back });
    }

    [Fact]
    public async Task ATabClosingLeavesTheUserOnlineWhileAnotherTabIsOpen()
    {
        var viewer = await _identity.CreateUserAsync();
        const long userId = 502;
        await PostAsync("heartbeats", new { connections = new[] { new { userId, connectionId = "tab-1" }, new { userId, connectionId = "tab-2" } } });

        await PostAsync("disconnects", new { connections = new[] { new { userId, connectionId = "tab-1" } } });

        Assert.Equal("online", await StatusAsync(viewer, userId));
    }

    [Fact]
    public async Task UsersWhoseReplicaDiedArePublishedOfflineByTheSweepWithTheirLastHeartbeatAsLastSeen()
    {
        const long userId = 503;
        await PostAsync("heartbeats", new { connections = new[] { new { userId, connectionId = "on-a-dying-replica" } } });
        var lastHeartbeat = _time.GetUtcNow();
        var tracker = _presence.Services.GetRequiredService<PresenceTracker>();

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
        var viewer = await _identity.CreateUserAsync();
        const long userId = 504;

        await PostAsync("away", new { userId, connectionId = "never-connected", away = true });

        Assert.Equal("offline", await StatusAsync(viewer, userId));
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

    private async Task PostAsync(string what, object body)
    {
        using var client = _presence.CreateClient();
        client.DefaultRequestHeaders.Add("X-Chat-Internal-Key", ChatServiceFactory<PresenceProgram>.InternalKey);
        using var response = await client.PostAsJsonAsync($"/internal/presence/{what}", body);
        response.EnsureSuccessStatusCode();
    }

    private async Task<string> StatusAsync(TestUser viewer, long userId)
    {
        using var client = _presence.CreateClient();
        client.DefaultRequestHeaders.Authorization = viewer.Authorization;
        var all = await client.GetFromJsonAsync<JsonElement[]>($"/api/presence?userIds={userId}");
        return all![0].GetProperty("status").GetString()!;
    }
}

public sealed class GarnetAwayAndExpiryTests() : AwayAndExpiryTests(new GarnetFixture());

public sealed class RedisServerAwayAndExpiryTests() : AwayAndExpiryTests(new RedisServerFixture());
