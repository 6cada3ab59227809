using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Xunit;
using MediaEntry = Chat.Media.MediaOptions;
using MessagingEntry = Chat.Messaging.MessagingOptions;
using PresenceEntry = Chat.Presence.PresenceOptions;

namespace Chat.Testing;

/// <summary>
/// The in-process services a test needs, each a real test server, calling each other over HTTP through one
/// <see cref="ServiceRouter"/>, on one Redis-protocol server:
/// <c>ChatCluster.With(new GarnetFixture()).Messaging(m => m.Set("Messaging:MaxGroupMembers", 3)).Build()</c>.
/// Identity is always there (every other service needs its tokens). Disposing the cluster disposes the Redis server.
/// </summary>
public class ChatCluster : IDisposable
{
    private readonly ChatServiceFactory<MessagingEntry>? _messaging;
    private readonly ChatServiceFactory<MediaEntry>? _media;
    private readonly ChatServiceFactory<PresenceEntry>? _presence;
    private readonly List<IDisposable> _replicas = [];

    protected ChatCluster(ChatClusterBuilder builder)
    {
        Redis = builder.Redis;
        Identity = new IdentityFactory(Router, builder.IdentitySetup?.Settings) { TestServices = builder.IdentitySetup?.ConfigureServices };
        Route("identity", builder.IdentitySetup, () => Identity.Server.CreateHandler());
        if (builder.MessagingSetup is { } messaging)
        {
            _messaging = Start<MessagingEntry>(messaging);
            Route("messaging", messaging, () => _messaging.Server.CreateHandler());
        }
        if (builder.MediaSetup is { } media)
        {
            _media = Start<MediaEntry>(media);
            Route("media", media, () => _media.Server.CreateHandler());
        }
        if (builder.PresenceSetup is { } presence)
        {
            _presence = Start<PresenceEntry>(presence);
            Route("presence", presence, () => _presence.Server.CreateHandler());
        }
    }

    /// <summary>Starts describing a cluster on this Redis-protocol server (Garnet in process, or a real redis-server).</summary>
    public static ChatClusterBuilder With(IRedisFixture redis) => new(redis);

    public ServiceRouter Router { get; } = new();

    public IRedisFixture Redis { get; }

    public IdentityFactory Identity { get; }

    public ChatServiceFactory<MessagingEntry> Messaging => _messaging ?? throw NotInCluster("Messaging");

    public ChatServiceFactory<MediaEntry> Media => _media ?? throw NotInCluster("Media");

    public ChatServiceFactory<PresenceEntry> Presence => _presence ?? throw NotInCluster("Presence");

    /// <summary>Another Messaging replica on the same SQLite file and Redis; disposed with the cluster.</summary>
    public ChatServiceFactory<MessagingEntry> AddMessagingReplica(Action<ServiceSetup>? configure = null)
    {
        var setup = new ServiceSetup().Set("Messaging:DataDirectory", Messaging.DataDirectory);
        configure?.Invoke(setup);
        var replica = Start<MessagingEntry>(setup);
        _replicas.Add(replica);
        return replica;
    }

    public Task<TestUser> CreateUserAsync() => Identity.CreateUserAsync();

    /// <summary><paramref name="blocker"/> blocks <paramref name="blocked"/> in Identity, as the web client does.</summary>
    public async Task BlockAsync(TestUser blocker, TestUser blocked)
    {
        using var client = Identity.ClientFor(blocker);
        using var response = await client.PutAsync($"/api/identity/users/me/blocks/{blocked.Id}", null);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>Two new users and the direct conversation between them.</summary>
    public async Task<(TestUser A, TestUser B, long ConversationId)> CreatePairAsync()
    {
        var a = await Identity.CreateUserAsync();
        var b = await Identity.CreateUserAsync();
        return (a, b, (await OpenDirectAsync(a, b)).Id);
    }

    public async Task<ConversationResponse> OpenDirectAsync(TestUser user, TestUser other)
    {
        using var client = Messaging.ClientFor(user);
        using var response = await client.PostAsJsonAsync("/api/conversations/direct", new { userId = other.Id });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<ConversationResponse>())!;
    }

    public async Task<long> CreateGroupAsync(TestUser owner, string title, params TestUser[] members)
    {
        using var client = Messaging.ClientFor(owner);
        using var response = await client.PostAsJsonAsync("/api/conversations/groups", new { title, memberIds = members.Select(m => m.Id) });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ConversationResponse>())!.Id;
    }

    /// <summary>Sends over HTTP with a fresh client message id; answers the seq.</summary>
    public async Task<long> SendAsync(TestUser sender, long conversationId, string text, params long[] mediaIds)
    {
        using var client = Messaging.ClientFor(sender);
        using var response = await client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages",
            new { clientMessageId = Guid.NewGuid().ToString("N"), text, mediaIds });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<SentResponse>())!.Seq;
    }

    /// <summary>The conversation's messages, oldest first, as <paramref name="reader"/> sees them.</summary>
    public async Task<MessagePageResponse> MessagesAsync(TestUser reader, long conversationId, string query = "limit=200")
    {
        using var client = Messaging.ClientFor(reader);
        return (await client.GetFromJsonAsync<MessagePageResponse>($"/api/conversations/{conversationId}/messages?{query}"))!;
    }

    /// <summary>A hub connection to Messaging, started and synced as the web client does.</summary>
    public Task<HubInbox> ConnectAsync(TestUser user) => ConnectAsync(Messaging, user);

    public static async Task<HubInbox> ConnectAsync(ChatServiceFactory<MessagingEntry> replica, TestUser user)
    {
        var inbox = new HubInbox(replica.CreateHubConnection(user.AccessToken));
        await inbox.Connection.StartAndSyncAsync();
        return inbox;
    }

    public async Task<PresenceResponse[]> PresenceOfAsync(TestUser viewer, params long[] userIds)
    {
        using var client = Presence.ClientFor(viewer);
        return (await client.GetFromJsonAsync<PresenceResponse[]>($"/api/presence?userIds={string.Join(',', userIds)}"))!;
    }

    public async Task<string> StatusAsync(TestUser viewer, long userId) => Assert.Single(await PresenceOfAsync(viewer, userId)).Status;

    /// <summary>Reports to Presence as Messaging does (<c>heartbeats</c>, <c>disconnects</c>, <c>away</c>…), failing unless it is accepted.</summary>
    public async Task ReportPresenceAsync(string what, object body)
    {
        using var client = Presence.InternalClient();
        using var response = await client.PostAsJsonAsync($"/internal/presence/{what}", body);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    public virtual void Dispose()
    {
        _media?.Dispose();
        _presence?.Dispose();
        foreach (var replica in _replicas)
        {
            replica.Dispose();
        }
        _messaging?.Dispose();
        Identity.Dispose();
        Redis.Dispose();
        GC.SuppressFinalize(this);
    }

    internal static ChatCluster Create(ChatClusterBuilder builder) => new(builder);

    private ChatServiceFactory<T> Start<T>(ServiceSetup setup) where T : class
    {
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:redis"] = Redis.ConnectionString };
        foreach (var (key, value) in setup.Settings)
        {
            settings[key] = value;
        }
        return new ChatServiceFactory<T>(Router, settings) { TestServices = setup.ConfigureServices };
    }

    private void Route(string name, ServiceSetup? setup, Func<HttpMessageHandler> handler) =>
        Router.Add(name, setup?.WrapCalls is { } wrap ? () => wrap(handler()) : handler);

    private static InvalidOperationException NotInCluster(string service) =>
        new($"This cluster has no {service}: add it with ChatCluster.With(...).{service}().");
}

/// <summary>Which services a <see cref="ChatCluster"/> starts, and how each is set up.</summary>
public sealed class ChatClusterBuilder(IRedisFixture redis)
{
    internal IRedisFixture Redis { get; } = redis;
    internal ServiceSetup? IdentitySetup { get; private set; }
    internal ServiceSetup? MessagingSetup { get; private set; }
    internal ServiceSetup? MediaSetup { get; private set; }
    internal ServiceSetup? PresenceSetup { get; private set; }

    public ChatClusterBuilder Identity(Action<ServiceSetup> configure) => Configure(IdentitySetup ??= new(), configure);

    public ChatClusterBuilder Messaging(Action<ServiceSetup>? configure = null) => Configure(MessagingSetup ??= new(), configure);

    public ChatClusterBuilder Media(Action<ServiceSetup>? configure = null) => Configure(MediaSetup ??= new(), configure);

    public ChatClusterBuilder Presence(Action<ServiceSetup>? configure = null) => Configure(PresenceSetup ??= new(), configure);

    public ChatCluster Build() => ChatCluster.Create(this);

    private ChatClusterBuilder Configure(ServiceSetup setup, Action<ServiceSetup>? configure)
    {
        configure?.Invoke(setup);
        return this;
    }
}

/// <summary>One service's settings (configuration keys, as in appsettings), replaced services, and how other services reach it.</summary>
public sealed class ServiceSetup
{
    private readonly List<Action<IServiceCollection>> _services = [];

    internal Dictionary<string, string?> Settings { get; } = [];

    internal Func<HttpMessageHandler, HttpMessageHandler>? WrapCalls { get; private set; }

    internal Action<IServiceCollection>? ConfigureServices =>
        _services.Count == 0 ? null : services => _services.ForEach(configure => configure(services));

    public ServiceSetup Set(string key, string? value)
    {
        Settings[key] = value;
        return this;
    }

    public ServiceSetup Set(string key, long value) => Set(key, value.ToString(CultureInfo.InvariantCulture));

    public ServiceSetup Set(string key, TimeSpan value) => Set(key, value.ToString("c", CultureInfo.InvariantCulture));

    /// <summary>The service's clock (a <c>FakeTimeProvider</c> the test moves).</summary>
    public ServiceSetup Clock(TimeProvider time) =>
        Services(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(time)));

    /// <summary>Replaces services after the service registered its own (a counting store, say).</summary>
    public ServiceSetup Services(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    /// <summary>Other services' calls to this one pass through <paramref name="wrap"/> (a gate that counts or holds them).</summary>
    public ServiceSetup WrapCallsWith(Func<HttpMessageHandler, HttpMessageHandler> wrap)
    {
        WrapCalls = wrap;
        return this;
    }
}
