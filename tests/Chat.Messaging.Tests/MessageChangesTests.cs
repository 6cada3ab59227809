using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using static Chat.Testing.ProblemAssertions;

namespace Chat.Messaging.Tests;

/// <summary>Edits, deletes, read markers and typing: everything after a message is sent.</summary>
public sealed class MessageChangesTests(MessagingFixture fixture) : IClassFixture<MessagingFixture>
{
    [Fact]
    public async Task EditingYourOwnMessageChangesItForEveryoneWithAnUpdateEvent()
    {
        var (a, b, conversationId) = await fixture.CreatePairAsync();
        var seq = await fixture.SendAsync(a, conversationId, "teh typo");
        await using var bobHub = await fixture.ConnectAsync(b);
        await using var aliceHub = await fixture.ConnectAsync(a);

        await aliceHub.Connection.InvokeAsync("EditMessage", conversationId, seq, "the typo, fixed");

        var updated = await bobHub.NextAsync("MessageUpdated");
        Assert.Equal(seq, updated.GetProperty("seq").GetInt64());
        Assert.Equal("the typo, fixed", updated.GetProperty("text").GetString());
        Assert.NotEqual(JsonValueKind.Null, updated.GetProperty("editedAt").ValueKind);
        using var client = fixture.Messaging.ClientFor(b);
        var stored = (await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages")).GetProperty("messages")[0];
        Assert.Equal("the typo, fixed", stored.GetProperty("text").GetString());
    }

    [Fact]
    public async Task ADeletedMessageStaysAsATombstoneThatKeepsItsSeq()
    {
        var (a, b, conversationId) = await fixture.CreatePairAsync();
        await fixture.SendAsync(a, conversationId, "first");
        var doomed = await fixture.SendAsync(a, conversationId, "regrettable");
        await fixture.SendAsync(b, conversationId, "third");
        using var client = fixture.Messaging.ClientFor(a);

        using var response = await client.DeleteAsync($"/api/conversations/{conversationId}/messages/{doomed}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var messages = (await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages")).GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal([1L, 2L, 3L], messages.Select(m => m.GetProperty("seq").GetInt64()));
        Assert.Equal(string.Empty, messages[1].GetProperty("text").GetString());
        Assert.NotEqual(JsonValueKind.Null, messages[1].GetProperty("deletedAt").ValueKind);
        Assert.DoesNotContain("regrettable", await client.GetStringAsync($"/api/conversations/{conversationId}/messages"));
    }

    [Fact]
    public async Task NobodyEditsOrDeletesSomeoneElsesMessage()
    {
        var (a, b, conversationId) = await fixture.CreatePairAsync();
        var seq = await fixture.SendAsync(a, conversationId, "mine");
        using var asBob = fixture.Messaging.ClientFor(b);
        await using var bobHub = await fixture.ConnectAsync(b);

        using var edit = await asBob.PatchAsJsonAsync($"/api/conversations/{conversationId}/messages/{seq}", new { text = "yours now" });
        using var delete = await asBob.DeleteAsync($"/api/conversations/{conversationId}/messages/{seq}");
        await AssertHubErrorAsync(() => bobHub.Connection.InvokeAsync("DeleteMessage", conversationId, seq), "not-allowed");

        Assert.Equal(HttpStatusCode.Forbidden, edit.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        var stored = (await asBob.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages")).GetProperty("messages")[0];
        Assert.Equal("mine", stored.GetProperty("text").GetString());
    }

    [Fact]
    public async Task SyncReturnsEditsAndDeletesMadeAfterTheVersionTheClientHolds()
    {
        var (a, b, conversationId) = await fixture.CreatePairAsync();
        var kept = await fixture.SendAsync(a, conversationId, "keep me");
        var edited = await fixture.SendAsync(a, conversationId, "edit me");
        var deleted = await fixture.SendAsync(a, conversationId, "delete me");
        await using var bobHub = await fixture.ConnectAsync(b);
        var before = await bobHub.Connection.InvokeAsync<JsonElement>("Sync", Array.Empty<object>());
        var version = before.GetProperty("conversations")[0].GetProperty("version").GetInt64();
        using var asAlice = fixture.Messaging.ClientFor(a);
        (await asAlice.PatchAsJsonAsync($"/api/conversations/{conversationId}/messages/{edited}", new { text = "edited" })).EnsureSuccessStatusCode();
        (await asAlice.DeleteAsync($"/api/conversations/{conversationId}/messages/{deleted}")).EnsureSuccessStatusCode();

        var after = await bobHub.Connection.InvokeAsync<JsonElement>("Sync",
            new[] { new { conversationId, afterSeq = deleted, afterVersion = version } });

        Assert.Empty(after.GetProperty("messages").EnumerateArray());
        var updates = after.GetProperty("updates").EnumerateArray().ToArray();
        Assert.Equal([edited, deleted], updates.Select(u => u.GetProperty("seq").GetInt64()));
        Assert.DoesNotContain(kept, updates.Select(u => u.GetProperty("seq").GetInt64()));
        Assert.Equal("edited", updates[0].GetProperty("text").GetString());
        Assert.NotEqual(JsonValueKind.Null, updates[1].GetProperty("deletedAt").ValueKind);
    }

    [Fact]
    public async Task AReadMarkerOnlyMovesForwardAndTellsTheOtherMembers()
    {
        var (a, b, conversationId) = await fixture.CreatePairAsync();
        for (var i = 0; i < 5; i++)
        {
            await fixture.SendAsync(a, conversationId, $"m{i}");
        }
        await using var aliceHub = await fixture.ConnectAsync(a);
        await using var bobHub = await fixture.ConnectAsync(b);

        await bobHub.Connection.InvokeAsync("MarkRead", conversationId, 3L);
        var marker = await aliceHub.NextAsync("ReadMarkerChanged");
        await bobHub.Connection.InvokeAsync("MarkRead", conversationId, 2L);
        await bobHub.Connection.InvokeAsync("MarkRead", conversationId, 99L);

        Assert.Equal(b.Id, marker.GetProperty("userId").GetInt64());
        Assert.Equal(3, marker.GetProperty("lastReadSeq").GetInt64());
        Assert.Equal(5, (await aliceHub.NextAsync("ReadMarkerChanged")).GetProperty("lastReadSeq").GetInt64());
        using var asBob = fixture.Messaging.ClientFor(b);
        var view = await asBob.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}");
        Assert.Equal(5, view.GetProperty("lastReadSeq").GetInt64());
        Assert.Equal(0, view.GetProperty("unreadCount").GetInt64());
    }

    [Fact]
    public async Task TypingIsRelayedToTheOthersAtMostOncePerThrottleInterval()
    {
        var (a, b, conversationId) = await fixture.CreatePairAsync();
        await using var aliceHub = await fixture.ConnectAsync(a);
        await using var bobHub = await fixture.ConnectAsync(b);

        await aliceHub.Connection.InvokeAsync("Typing", conversationId);
        await aliceHub.Connection.InvokeAsync("Typing", conversationId);
        await aliceHub.Connection.InvokeAsync("Typing", conversationId);
        await fixture.SendAsync(a, conversationId, "done typing");

        // Pushes to one user arrive in order, so everything before the message is everything typing produced.
        var events = await bobHub.ReadUntilAsync("MessageReceived");
        var typing = Assert.Single(events, e => e.Name == "TypingChanged");
        Assert.Equal(a.Id, typing.Payload.GetProperty("userId").GetInt64());
        Assert.DoesNotContain(await aliceHub.ReadUntilAsync("MessageReceived"), e => e.Name == "TypingChanged");
    }

    [Fact]
    public async Task TypingInAForeignConversationIsATypedError()
    {
        var (_, _, conversationId) = await fixture.CreatePairAsync();
        var stranger = await fixture.Identity.CreateUserAsync();
        await using var hub = await fixture.ConnectAsync(stranger);

        await AssertHubErrorAsync(() => hub.Connection.InvokeAsync("Typing", conversationId), "conversation-not-found");
    }
}
