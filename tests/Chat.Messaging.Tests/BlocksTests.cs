using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using static Chat.Testing.ProblemAssertions;

namespace Chat.Messaging.Tests;

/// <summary>Blocks set through Identity and enforced by Messaging: direct conversations, sends (HTTP and hub), group adds.</summary>
public sealed class BlocksTests(MessagingFixture fixture) : IClassFixture<MessagingFixture>
{
    [Fact]
    public async Task ABlockedUserCannotOpenADirectConversationWithTheBlocker()
    {
        var alice = await fixture.Identity.CreateUserAsync();
        var mallory = await fixture.Identity.CreateUserAsync();
        await fixture.BlockAsync(alice, mallory);

        using var client = fixture.Messaging.ClientFor(mallory);
        using var response = await client.PostAsJsonAsync("/api/conversations/direct", new { userId = alice.Id });

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "not-allowed");
        Assert.Empty((await client.GetFromJsonAsync<JsonElement[]>("/api/conversations"))!);
    }

    [Fact]
    public async Task ABlockedUserCannotSendInAnExistingDirectConversationOverHttpNorCanTheBlocker()
    {
        var (alice, mallory, conversationId) = await fixture.CreatePairAsync();
        await fixture.SendAsync(mallory, conversationId, "before the block");
        await fixture.BlockAsync(alice, mallory);

        using var fromBlocked = await SendAsync(mallory, conversationId, "after the block");
        using var fromBlocker = await SendAsync(alice, conversationId, "to someone I blocked");

        await AssertProblemAsync(fromBlocked, HttpStatusCode.Forbidden, "not-allowed");
        await AssertProblemAsync(fromBlocker, HttpStatusCode.Forbidden, "not-allowed");
        using var client = fixture.Messaging.ClientFor(alice);
        var history = await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages");
        Assert.Equal(["before the block"], history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task ABlockedUserCannotSendInAnExistingDirectConversationOverTheHub()
    {
        var (alice, mallory, conversationId) = await fixture.CreatePairAsync();
        await fixture.BlockAsync(alice, mallory);
        await using var malloryHub = await fixture.ConnectAsync(mallory);

        await AssertHubErrorAsync(() =>
            malloryHub.Connection.InvokeAsync<JsonElement>("SendMessage", conversationId, Guid.NewGuid().ToString(), "hello?", Array.Empty<long>()), "not-allowed");
    }

    [Fact]
    public async Task AfterAnUnblockTheTwoCanWriteAgain()
    {
        var (alice, mallory, conversationId) = await fixture.CreatePairAsync();
        await fixture.BlockAsync(alice, mallory);

        using var unblocked = await fixture.Identity.ClientFor(alice).DeleteAsync($"/api/identity/users/me/blocks/{mallory.Id}");

        Assert.Equal(HttpStatusCode.NoContent, unblocked.StatusCode);
        Assert.Equal(1, await fixture.SendAsync(mallory, conversationId, "sorry"));
    }

    [Fact]
    public async Task BlockingAndUnblockingAreIdempotentAndTheListShowsEachBlockedUserOnce()
    {
        var alice = await fixture.Identity.CreateUserAsync();
        var mallory = await fixture.Identity.CreateUserAsync();
        using var identity = fixture.Identity.ClientFor(alice);

        using var first = await identity.PutAsync($"/api/identity/users/me/blocks/{mallory.Id}", null);
        using var again = await identity.PutAsync($"/api/identity/users/me/blocks/{mallory.Id}", null);
        var listed = await identity.GetFromJsonAsync<JsonElement[]>("/api/identity/users/me/blocks");
        using var lifted = await identity.DeleteAsync($"/api/identity/users/me/blocks/{mallory.Id}");
        using var liftedAgain = await identity.DeleteAsync($"/api/identity/users/me/blocks/{mallory.Id}");
        var afterwards = await identity.GetFromJsonAsync<JsonElement[]>("/api/identity/users/me/blocks");

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal([mallory.Id], listed!.Select(u => u.GetProperty("id").GetInt64()));
        Assert.Equal(HttpStatusCode.NoContent, lifted.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, liftedAgain.StatusCode);
        Assert.Empty(afterwards!);
    }

    [Fact]
    public async Task ABlockedUserCannotCreateAGroupWithTheBlockerAndNothingIsCreated()
    {
        var alice = await fixture.Identity.CreateUserAsync();
        var mallory = await fixture.Identity.CreateUserAsync();
        var carol = await fixture.Identity.CreateUserAsync();
        await fixture.BlockAsync(alice, mallory);

        using var client = fixture.Messaging.ClientFor(mallory);
        using var response = await client.PostAsJsonAsync("/api/conversations/groups", new { title = "Ambush", memberIds = new[] { carol.Id, alice.Id } });

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "not-allowed");
        Assert.Empty((await client.GetFromJsonAsync<JsonElement[]>("/api/conversations"))!);
        using var carolClient = fixture.Messaging.ClientFor(carol);
        Assert.Empty((await carolClient.GetFromJsonAsync<JsonElement[]>("/api/conversations"))!);
    }

    [Fact]
    public async Task ABlockedUserCannotAddTheBlockerToTheirGroup()
    {
        var alice = await fixture.Identity.CreateUserAsync();
        var mallory = await fixture.Identity.CreateUserAsync();
        var carol = await fixture.Identity.CreateUserAsync();
        var groupId = await fixture.CreateGroupAsync(mallory, "Mallory's", carol);
        await fixture.BlockAsync(alice, mallory);

        using var client = fixture.Messaging.ClientFor(mallory);
        using var response = await client.PostAsJsonAsync($"/api/conversations/{groupId}/members", new { userId = alice.Id });

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "not-allowed");
        var group = await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{groupId}");
        Assert.Equal(2, group.GetProperty("members").GetArrayLength());
    }

    private async Task<HttpResponseMessage> SendAsync(TestUser sender, long conversationId, string text)
    {
        using var client = fixture.Messaging.ClientFor(sender);
        return await client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { clientMessageId = Guid.NewGuid().ToString(), text });
    }

}
