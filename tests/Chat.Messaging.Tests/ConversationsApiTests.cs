using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Chat.Testing.ProblemAssertions;

namespace Chat.Messaging.Tests;

public sealed class ConversationsApiTests(MessagingFixture fixture) : IClassFixture<MessagingFixture>
{
    [Fact]
    public async Task OpeningADirectConversationFromEitherSideGivesTheSameOne()
    {
        var (a, b, conversationId) = await fixture.CreatePairAsync();
        using var again = fixture.Messaging.ClientFor(a);
        using var fromB = fixture.Messaging.ClientFor(b);

        var second = await (await again.PostAsJsonAsync("/api/conversations/direct", new { userId = b.Id })).Content.ReadFromJsonAsync<JsonElement>();
        var reverse = await (await fromB.PostAsJsonAsync("/api/conversations/direct", new { userId = a.Id })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(conversationId, second.GetProperty("id").GetInt64());
        Assert.Equal(conversationId, reverse.GetProperty("id").GetInt64());
        Assert.Equal("direct", reverse.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task OpeningManyDirectConversationsAtOnceForOnePairCreatesOnlyOne()
    {
        var a = await fixture.Identity.CreateUserAsync();
        var b = await fixture.Identity.CreateUserAsync();
        using var client = fixture.Messaging.ClientFor(a);

        var ids = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await client.PostAsJsonAsync("/api/conversations/direct", new { userId = b.Id });
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        }));

        Assert.Single(ids.Distinct());
    }

    [Fact]
    public async Task ADirectConversationWithAnUnknownUserIsNotFound()
    {
        var a = await fixture.Identity.CreateUserAsync();
        using var client = fixture.Messaging.ClientFor(a);

        using var response = await client.PostAsJsonAsync("/api/conversations/direct", new { userId = 987654321L });

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "user-not-found");
    }

    [Fact]
    public async Task ADirectConversationWithYourselfIsRejected()
    {
        var a = await fixture.Identity.CreateUserAsync();
        using var client = fixture.Messaging.ClientFor(a);

        using var response = await client.PostAsJsonAsync("/api/conversations/direct", new { userId = a.Id });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task TheConversationListShowsTheLastMessageAndUnreadCount()
    {
        var (a, b, conversationId) = await fixture.CreatePairAsync();
        using var sender = fixture.Messaging.ClientFor(a);
        for (var i = 1; i <= 3; i++)
        {
            (await sender.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { clientMessageId = $"m{i}", text = $"message {i}" })).EnsureSuccessStatusCode();
        }
        using var reader = fixture.Messaging.ClientFor(b);

        var list = await reader.GetFromJsonAsync<JsonElement[]>("/api/conversations");

        var conversation = Assert.Single(list!);
        Assert.Equal(3, conversation.GetProperty("lastSeq").GetInt64());
        Assert.Equal(3, conversation.GetProperty("unreadCount").GetInt64());
        Assert.Equal("message 3", conversation.GetProperty("lastMessage").GetProperty("text").GetString());
    }

    [Fact]
    public async Task YourOwnMessagesNeverCountAsUnread()
    {
        var (a, _, conversationId) = await fixture.CreatePairAsync();
        using var sender = fixture.Messaging.ClientFor(a);
        for (var i = 1; i <= 3; i++)
        {
            (await sender.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { clientMessageId = $"own{i}", text = "mine" })).EnsureSuccessStatusCode();
        }

        var view = await sender.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}");

        Assert.Equal(3, view.GetProperty("lastReadSeq").GetInt64());
        Assert.Equal(0, view.GetProperty("unreadCount").GetInt64());
    }

    [Fact]
    public async Task AStrangerCannotSeeSomeoneElsesConversation()
    {
        var (_, _, conversationId) = await fixture.CreatePairAsync();
        var stranger = await fixture.Identity.CreateUserAsync();
        using var client = fixture.Messaging.ClientFor(stranger);

        using var conversation = await client.GetAsync($"/api/conversations/{conversationId}");
        var list = await client.GetFromJsonAsync<JsonElement[]>("/api/conversations");

        Assert.Equal(HttpStatusCode.NotFound, conversation.StatusCode);
        Assert.Empty(list!);
    }

    [Fact]
    public async Task EveryConversationEndpointNeedsAToken()
    {
        using var client = fixture.Messaging.CreateClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/conversations")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/conversations/1/messages")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/conversations/direct", new { userId = 1 })).StatusCode);
    }
}
