extern alias MessagingService;

using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using MessagingProgram = MessagingService::Program;

namespace Chat.Messaging.Tests;

/// <summary>Messaging with its real neighbours: Identity (tokens, JWKS, user lookup) and Garnet (the SignalR backplane).</summary>
public sealed class MessagingFixture : IDisposable
{
    public MessagingFixture()
    {
        Identity = new IdentityFactory(Router);
        Router.Add("identity", () => Identity.Server.CreateHandler());
        Messaging = new ChatServiceFactory<MessagingProgram>(Router, new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = Garnet.ConnectionString,
            ["Messaging:MaxSyncMessages"] = MaxSyncMessages.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        Router.Add("messaging", () => Messaging.Server.CreateHandler());
    }

    public const int MaxSyncMessages = 10;

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

    public void Dispose()
    {
        Messaging.Dispose();
        Identity.Dispose();
        Garnet.Dispose();
    }
}
