using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Messaging.Tests;

public sealed class LimitsTests(MessagingFixture fixture) : IClassFixture<MessagingFixture>
{
    [Fact]
    public async Task AClientLearnsTheMessageLengthGroupSizeAndAttachmentLimitsFromTheServer()
    {
        var user = await fixture.Identity.CreateUserAsync();
        using var client = fixture.Messaging.ClientFor(user);

        using var response = await client.GetAsync("/api/conversations/limits");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"maxMessageLength":100000,"maxGroupMembers":50,"maxAttachmentsPerMessage":10}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheLimitsNeedAToken()
    {
        using var client = fixture.Messaging.CreateClient();

        using var response = await client.GetAsync("/api/conversations/limits");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task TheLimitsRouteLeavesConversationsByIdAlone()
    {
        var (a, _, conversationId) = await fixture.CreatePairAsync();
        using var client = fixture.Messaging.ClientFor(a);

        var conversation = await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}");
        using var limits = await client.GetAsync("/api/conversations/limits");

        Assert.Equal(conversationId, conversation.GetProperty("id").GetInt64());
        Assert.True((await limits.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("maxMessageLength", out _));
    }
}

public sealed class LongMessagesFixture() : MessagingFixture(m => m.Set("Messaging:MaxMessageLength", 200_000));

public sealed class LongMessagesTests(LongMessagesFixture fixture) : IClassFixture<LongMessagesFixture>
{
    [Fact]
    public async Task TheLimitsFollowTheConfiguredMessageLength()
    {
        var user = await fixture.Identity.CreateUserAsync();
        using var client = fixture.Messaging.ClientFor(user);

        var limits = await client.GetFromJsonAsync<JsonElement>("/api/conversations/limits");

        Assert.Equal(200_000, limits.GetProperty("maxMessageLength").GetInt32());
    }

    [Fact]
    public async Task AMessageOfTheLongestLengthReachesTheHubEvenWithEveryCharacterEscapedInItsFrame()
    {
        var (a, _, conversationId) = await fixture.CreatePairAsync();
        await using var connection = fixture.Messaging.CreateHubConnection(a.AccessToken);
        await connection.StartAsync();
        // The .NET client's JSON escapes every non-ASCII character as \uXXXX: 6 bytes each, a 1.2 MB frame.
        var text = new string('é', 200_000);

        var ack = await connection.InvokeAsync<JsonElement>("SendMessage", conversationId, "longest", text, Array.Empty<long>());
        using var client = fixture.Messaging.ClientFor(a);
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages?after={ack.GetProperty("seq").GetInt64() - 1}&limit=1");

        Assert.Equal(text, page.GetProperty("messages")[0].GetProperty("text").GetString());
    }
}
