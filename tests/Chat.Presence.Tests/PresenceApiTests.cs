extern alias PresenceService;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using PresenceProgram = PresenceService::Program;

namespace Chat.Presence.Tests;

/// <summary>Run against Garnet and against a real redis-server: the Redis mode is first class.</summary>
public abstract class PresenceApiTests : IDisposable
{
    private readonly ServiceRouter _router = new();
    private readonly IRedisFixture _server;
    private readonly IdentityFactory _identity;
    private readonly ChatServiceFactory<PresenceProgram> _presence;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    protected PresenceApiTests(IRedisFixture server)
    {
        _server = server;
        _identity = new IdentityFactory(_router);
        _router.Add("identity", () => _identity.Server.CreateHandler());
        _presence = new ChatServiceFactory<PresenceProgram>(_router, new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = _server.ConnectionString,
            // These tests are about the tracker; who may see whom needs Messaging, and is tested with it (PresenceRelayTests).
            ["Presence:RestrictToContacts"] = "false",
            ["Presence:HeartbeatTimeout"] = "00:00:30",
        })
        {
            TestServices = services => services.AddSingleton<TimeProvider>(_time),
        };
    }

    public void Dispose()
    {
        _presence.Dispose();
        _identity.Dispose();
        _server.Dispose();
    }

    [Fact]
    public async Task AUserIsOnlineWhileAnyConnectionIsOpenAndOfflineWithLastSeenWhenTheLastCloses()
    {
        var viewer = await _identity.CreateUserAsync();
        const long userId = 4242;
        await ReportAsync("heartbeats", (userId, "tab-1"), (userId, "phone-1"));

        var online = await GetAsync(viewer, userId);
        await ReportAsync("disconnects", (userId, "tab-1"));
        var stillOnline = await GetAsync(viewer, userId);
        _time.Advance(TimeSpan.FromSeconds(5));
        await ReportAsync("disconnects", (userId, "phone-1"));
        var offline = await GetAsync(viewer, userId);

        Assert.Equal("online", online.GetProperty("status").GetString());
        Assert.Equal("online", stillOnline.GetProperty("status").GetString());
        Assert.Equal("offline", offline.GetProperty("status").GetString());
        Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds(), offline.GetProperty("lastSeen").GetDateTimeOffset().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task AConnectionWhoseReplicaStoppedHeartbeatingExpiresWithinTheTimeout()
    {
        var viewer = await _identity.CreateUserAsync();
        const long userId = 777;
        await ReportAsync("heartbeats", (userId, "doomed"));

        _time.Advance(TimeSpan.FromSeconds(29));
        var beforeTimeout = await GetAsync(viewer, userId);
        _time.Advance(TimeSpan.FromSeconds(2));
        var afterTimeout = await GetAsync(viewer, userId);

        Assert.Equal("online", beforeTimeout.GetProperty("status").GetString());
        Assert.Equal("offline", afterTimeout.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ANeverSeenUserIsOfflineWithNoLastSeen()
    {
        var viewer = await _identity.CreateUserAsync();

        var presence = await GetAsync(viewer, 99_999);

        Assert.Equal("offline", presence.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, presence.GetProperty("lastSeen").ValueKind);
    }

    [Fact]
    public async Task GoingOnlineIsPublishedOnTheChangesChannel()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_server.ConnectionString);
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
        using var client = _presence.CreateClient();

        using var response = await client.PostAsJsonAsync("/internal/presence/heartbeats",
            new { connections = new[] { new { userId = 1, connectionId = "forged" } } });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task AskingForPresenceNeedsAToken()
    {
        using var client = _presence.CreateClient();

        using var response = await client.GetAsync("/api/presence?userIds=1");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1,abc")]
    [InlineData("-5")]
    public async Task MalformedUserIdsAreAValidationProblem(string userIds)
    {
        var viewer = await _identity.CreateUserAsync();
        using var client = _presence.CreateClient();
        client.DefaultRequestHeaders.Authorization = viewer.Authorization;

        using var response = await client.GetAsync($"/api/presence?userIds={userIds}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task ReportAsync(string what, params (long UserId, string ConnectionId)[] connections)
    {
        using var client = _presence.CreateClient();
        client.DefaultRequestHeaders.Add("X-Chat-Internal-Key", ChatServiceFactory<PresenceProgram>.InternalKey);
        using var response = await client.PostAsJsonAsync($"/internal/presence/{what}",
            new { connections = connections.Select(c => new { userId = c.UserId, connectionId = c.ConnectionId }) });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private async Task<JsonElement> GetAsync(TestUser viewer, long userId)
    {
        using var client = _presence.CreateClient();
        client.DefaultRequestHeaders.Authorization = viewer.Authorization;
        var all = await client.GetFromJsonAsync<JsonElement[]>($"/api/presence?userIds={userId}");
        return Assert.Single(all!);
    }
}

public sealed class GarnetPresenceApiTests() : PresenceApiTests(new GarnetFixture());

public sealed class RedisServerPresenceApiTests() : PresenceApiTests(new RedisServerFixture());
