extern alias MessagingService;

using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using Microsoft.Extensions.DependencyInjection;
using MessagingProgram = MessagingService::Program;

namespace Chat.Messaging.Tests;

/// <summary>Messaging with its real neighbours: Identity (tokens, JWKS, user lookup) and Garnet (the SignalR backplane).</summary>
public class MessagingFixture : IDisposable
{
    public MessagingFixture()
        : this(new Dictionary<string, string?>())
    {
    }

    protected MessagingFixture(IDictionary<string, string?> settings, Action<IServiceCollection>? testServices = null)
    {
        Identity = new IdentityFactory(Router);
        Router.Add("identity", () => Identity.Server.CreateHandler());
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = Garnet.ConnectionString,
            ["Messaging:MaxSyncMessages"] = MaxSyncMessages.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Messaging:MaxSyncCharacters"] = MaxSyncCharacters.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }
        Messaging = new ChatServiceFactory<MessagingProgram>(Router, all) { TestServices = testServices };
        Router.Add("messaging", () => Messaging.Server.CreateHandler());
    }

    public const int MaxSyncMessages = 10;

    public const int MaxSyncCharacters = 100_000;

    public ServiceRouter Router { get; } = new();

    public GarnetFixture Garnet { get; } = new();

    public IdentityFactory Identity { get; }

    public ChatServiceFactory<MessagingProgram> Messaging { get; }

    public HttpClient ClientFor(TestUser user)
    {
        var client = Messaging.CreateClient();
        client.DefaultRequestHeaders.Authorization = user.Authorization;
        return client;
    }

    /// <summary>Two new users and the direct conversation between them.</summary>
    public async Task<(TestUser A, TestUser B, long ConversationId)> CreatePairAsync()
    {
        var a = await Identity.CreateUserAsync();
        var b = await Identity.CreateUserAsync();
        using var client = ClientFor(a);
        using var response = await client.PostAsJsonAsync("/api/conversations/direct", new { userId = b.Id });
        response.EnsureSuccessStatusCode();
        var conversation = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (a, b, conversation.GetProperty("id").GetInt64());
    }

    public async Task<long> CreateGroupAsync(TestUser owner, string title, params TestUser[] members)
    {
        using var client = ClientFor(owner);
        using var response = await client.PostAsJsonAsync("/api/conversations/groups", new { title, memberIds = members.Select(m => m.Id) });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    public async Task<long> SendAsync(TestUser sender, long conversationId, string text)
    {
        using var client = ClientFor(sender);
        using var response = await client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { clientMessageId = Guid.NewGuid().ToString(), text });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("seq").GetInt64();
    }

    public async Task<HubInbox> ConnectAsync(TestUser user)
    {
        var connection = Messaging.CreateHubConnection(user.AccessToken);
        var inbox = new HubInbox(connection);
        await connection.StartAndSyncAsync();
        return inbox;
    }

    public void Dispose()
    {
        Messaging.Dispose();
        Identity.Dispose();
        Garnet.Dispose();
    }
}
