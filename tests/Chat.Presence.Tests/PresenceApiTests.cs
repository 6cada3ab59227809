using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Chat.Presence.Tests;

/// <summary>Run against Garnet and against a real redis-server: the Redis mode is first class.</summary>
public abstract class PresenceApiTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly ChatCluster _cluster;

    protected PresenceApiTests(IRedisFixture server) =>
        _cluster = PresenceOnly.Start(server, _time, presence => presence.Set("Presence:HeartbeatTimeout", TimeSpan.FromSeconds(30)));

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task AUserIsOnlineWhileAnyConnectionIsOpenAndOfflineWithLastSeenWhenTheLastCloses()
    {
        var viewer = await _cluster.CreateUserAsync();
        const long userId = 4242;
        await ReportAsync("heartbeats", (userId, "tab-1"), (userId, "phone-1"));

        var online = await GetAsync(viewer, userId);
        await ReportAsync("disconnects", (userId, "tab-1"));
        var stillOnline = await GetAsync(viewer, userId);
        _time.Advance(TimeSpan.FromSeconds(5));
        await ReportAsync("disconnects", (userId, "phone-1"));
        var offline = await GetAsync(viewer, userId);

        Assert.Equal("online", online.Status);
        Assert.Equal("online", stillOnline.Status);
        Assert.Equal("offline", offline.Status);
        Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds(), offline.LastSeen!.Value.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task AConnectionWhoseReplicaStoppedHeartbeatingExpiresWithinTheTimeout()
    {
        var viewer = await _cluster.CreateUserAsync();
        const long userId = 777;
        await ReportAsync("heartbeats", (userId, "doomed"));

        _time.Advance(TimeSpan.FromSeconds(29));
        var beforeTimeout = await GetAsync(viewer, userId);
        _time.Advance(TimeSpan.FromSeconds(2));
        var afterTimeout = await GetAsync(viewer, userId);

        Assert.Equal("online", beforeTimeout.Status);
        Assert.Equal("offline", afterTimeout.Status);
    }

    [Fact]
    public async Task ANeverSeenUserIsOfflineWithNoLastSeen()
    {
        var viewer = await _cluster.CreateUserAsync();

        var presence = await GetAsync(viewer, 99_999);

        Assert.Equal("offline", presence.Status);
        Assert.Null(presence.LastSeen);
    }

    [Fact]
    public async Task GoingOnlineIsPublishedOnTheChangesChannel()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_cluster.Redis.ConnectionString);
        var published = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal("chat:presence:changes"), (_, value) => published.TrySetResult(value!));

        await ReportAsync("heartbeats", (31337, "c1"));

        var change = JsonDocument.Parse(await published.Task.WaitAsync(TimeSpan.FromSeconds(10))).RootElement;
        Assert.Equal(31337, change.GetProperty("userId").GetInt64());
        Assert.Equal("online", change.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ConnectionReportsWithoutTheInternalKeyAreForbidden()
    {
        using var client = _cluster.Presence.CreateClient();

        using var response = await client.PostAsJsonAsync("/internal/presence/heartbeats",
            new { connections = new[] { new { userId = 1, connectionId = "forged" } } });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task AskingForPresenceNeedsAToken()
    {
        using var client = _cluster.Presence.CreateClient();

        using var response = await client.GetAsync("/api/presence?userIds=1");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1,abc")]
    [InlineData("-5")]
    public async Task MalformedUserIdsAreAValidationProblem(string userIds)
    {
        var viewer = await _cluster.CreateUserAsync();
        using var client = _cluster.Presence.ClientFor(viewer);

        using var response = await client.GetAsync($"/api/presence?userIds={userIds}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private Task ReportAsync(string what, params (long UserId, string ConnectionId)[] connections) =>
        _cluster.ReportPresenceAsync(what, new { connections = connections.Select(c => new { userId = c.UserId, connectionId = c.ConnectionId }) });

    private async Task<PresenceResponse> GetAsync(TestUser viewer, long userId) => Assert.Single(await _cluster.PresenceOfAsync(viewer, userId));
}

public sealed class GarnetPresenceApiTests() : PresenceApiTests(new GarnetFixture());

public sealed class RedisServerPresenceApiTests() : PresenceApiTests(new RedisServerFixture());
