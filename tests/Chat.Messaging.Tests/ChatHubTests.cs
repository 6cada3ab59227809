using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using static Chat.Testing.ProblemAssertions;

namespace Chat.Messaging.Tests;

public sealed class ChatHubTests(MessagingFixture fixture) : IClassFixture<MessagingFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task AMessageSentOnTheHubReachesEveryOtherDeviceOfBothUsersAndTheSenderHasItsSeqFromTheAck()
    {
        var (a, b, conversationId) = await fixture.CreatePairAsync();
        await using var alicePhone = await fixture.ConnectAsync(a);
        await using var aliceLaptop = await fixture.ConnectAsync(a);
        await using var bobPhone = await fixture.ConnectAsync(b);
        await using var bobLaptop = await fixture.ConnectAsync(b);

        var result = await alicePhone.Connection.InvokeAsync<JsonElement>("SendMessage", conversationId, "hub-1", "over the wire", Array.Empty<long>());
        var second = await alicePhone.Connection.InvokeAsync<JsonElement>("SendMessage", conversationId, "hub-2", "and again", Array.Empty<long>());

        Assert.Equal(1, result.GetProperty("seq").GetInt64());
        foreach (var inbox in new[] { aliceLaptop, bobPhone, bobLaptop })
        {
            var message = await inbox.NextAsync("MessageReceived");
            Assert.Equal(1, message.GetProperty("seq").GetInt64());
            Assert.Equal("over the wire", message.GetProperty("text").GetString());
            Assert.Equal(conversationId, message.GetProperty("conversationId").GetInt64());
        }
        // The sending connection is not pushed its own message: the next push it sees is someone else's.
        await bobPhone.Connection.InvokeAsync<JsonElement>("SendMessage", conversationId, "hub-3", "reply", Array.Empty<long>());
        var seen = await alicePhone.ReadUntilAsync("MessageReceived");
        Assert.Equal(second.GetProperty("seq").GetInt64() + 1, seen[^1].Payload.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task SendingOverHttpPushesToTheHubToo()
    {
        var (a, b, conversationId) = await fixture.CreatePairAsync();
        await using var bob = await ConnectAsync(b);
        var inbox = Inbox(bob);
        using var client = fixture.Messaging.ClientFor(a);

        (await client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { clientMessageId = "http-1", text = "via http" })).EnsureSuccessStatusCode();

        Assert.Equal("via http", (await inbox.Task.WaitAsync(Patience)).GetProperty("text").GetString());
    }

    [Fact]
    public async Task ASendWithAnAttachmentWhileMediaIsDownIsRefusedAsServiceUnavailableAndStoresNothing()
    {
        // The fixture runs no Media: every attachment check fails to connect, as before Media has started.
        var (a, _, conversationId) = await fixture.CreatePairAsync();
        await using var connection = await ConnectAsync(a);

        var error = await Assert.ThrowsAsync<HubException>(() =>
            connection.InvokeAsync<JsonElement>("SendMessage", conversationId, "attached-1", "see the file", new long[] { 4242 }));

        Assert.Contains("HubException: service-unavailable:", error.Message, StringComparison.Ordinal);
        Assert.Contains("retry after 5 s", error.Message, StringComparison.Ordinal);
        using var client = fixture.Messaging.ClientFor(a);
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages");
        Assert.Equal(0, page.GetProperty("messages").GetArrayLength());
    }

    [Fact]
    public async Task SendingToAConversationYouAreNotInFailsWithATypedError()
    {
        var (_, _, conversationId) = await fixture.CreatePairAsync();
        var stranger = await fixture.Identity.CreateUserAsync();
        await using var connection = await ConnectAsync(stranger);

        await AssertHubErrorAsync(() =>
            connection.InvokeAsync<JsonElement>("SendMessage", conversationId, "x", "intrusion", Array.Empty<long>()), "conversation-not-found");
    }

    [Fact]
    public async Task AnOverlongMessageOnTheHubFailsWithATypedError()
    {
        var (a, _, conversationId) = await fixture.CreatePairAsync();
        await using var connection = await ConnectAsync(a);

        await AssertHubErrorAsync(() =>
            connection.InvokeAsync<JsonElement>("SendMessage", conversationId, "long", new string('z', 100_001), Array.Empty<long>()), "message-too-long");
    }

    [Fact]
    public async Task SyncReturnsWhatCameAfterEachCursorInBoundedBatches()
    {
        var (a, b, conversationId) = await fixture.CreatePairAsync();
        using var client = fixture.Messaging.ClientFor(a);
        var total = MessagingFixture.MaxSyncMessages + 5;
        for (var i = 1; i <= total; i++)
        {
            (await client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { clientMessageId = $"s{i}", text = $"m{i}" })).EnsureSuccessStatusCode();
        }
        await using var bob = await ConnectAsync(b);

        var first = await bob.InvokeAsync<JsonElement>("Sync", new[] { new { conversationId, afterSeq = 0L } });
        var rest = await bob.InvokeAsync<JsonElement>("Sync", new[] { new { conversationId, afterSeq = (long)MessagingFixture.MaxSyncMessages } });
        var nothing = await bob.InvokeAsync<JsonElement>("Sync", new[] { new { conversationId, afterSeq = (long)total } });

        Assert.Equal(Enumerable.Range(1, MessagingFixture.MaxSyncMessages).Select(i => (long)i), Seqs(first));
        Assert.True(first.GetProperty("hasMore").GetBoolean());
        Assert.Equal(Enumerable.Range(MessagingFixture.MaxSyncMessages + 1, 5).Select(i => (long)i), Seqs(rest));
        Assert.False(rest.GetProperty("hasMore").GetBoolean());
        Assert.Empty(Seqs(nothing));
        Assert.Equal(conversationId, Assert.Single(nothing.GetProperty("conversations").EnumerateArray()).GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task MalformedHubArgumentsAreRejectedAndNothingIsStored()
    {
        var (a, _, conversationId) = await fixture.CreatePairAsync();
        await using var connection = await ConnectAsync(a);

        var wrongType = await Assert.ThrowsAsync<HubException>(() =>
            connection.InvokeAsync<JsonElement>("SendMessage", "not-a-number", "m1", "text", Array.Empty<long>()));
        await AssertHubErrorAsync(() =>
            connection.InvokeAsync<JsonElement>("SendMessage", conversationId, "", "text", Array.Empty<long>()), "invalid-request");

        Assert.Contains("SendMessage", wrongType.Message);
        using var client = fixture.Messaging.ClientFor(a);
        var page = await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversationId}/messages");
        Assert.Empty(page.GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task OneSyncReplyStopsAtTheTextCapAndTheRestFollows()
    {
        var (a, b, conversationId) = await fixture.CreatePairAsync();
        using var client = fixture.Messaging.ClientFor(a);
        var large = new string('x', 60_000);
        for (var i = 1; i <= 3; i++)
        {
            (await client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { clientMessageId = $"big{i}", text = large })).EnsureSuccessStatusCode();
        }
        await using var bob = await ConnectAsync(b);

        var first = await bob.InvokeAsync<JsonElement>("Sync", new[] { new { conversationId, afterSeq = 0L } });
        var second = await bob.InvokeAsync<JsonElement>("Sync", new[] { new { conversationId, afterSeq = 1L } });

        Assert.Equal([1L], Seqs(first));
        Assert.True(first.GetProperty("hasMore").GetBoolean());
        Assert.Equal([2L], Seqs(second));
    }

    [Fact]
    public async Task AHubConnectionEndsWhenItsTokenExpires()
    {
        var (a, _, _) = await fixture.CreatePairAsync();
        var shortLived = fixture.Identity.CreateAccessToken(a.Id, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(2));
        await using var connection = fixture.Messaging.CreateHubConnection(shortLived);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        await connection.StartAsync();

        // Patience, not a timing assertion: the server closes the connection at the token's expiry.
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HubConnectionState.Disconnected, connection.State);
    }

    [Fact]
    public async Task AHubConnectionWithoutAValidTokenIsRefused()
    {
        await using var connection = fixture.Messaging.CreateHubConnection("not-a-token");

        await Assert.ThrowsAnyAsync<Exception>(() => connection.StartAsync());
    }

    private async Task<HubConnection> ConnectAsync(TestUser user)
    {
        var connection = fixture.Messaging.CreateHubConnection(user.AccessToken);
        await connection.StartAndSyncAsync();
        return connection;
    }

    private static TaskCompletionSource<JsonElement> Inbox(HubConnection connection)
    {
        var inbox = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<JsonElement>("MessageReceived", message => inbox.TrySetResult(message));
        return inbox;
    }

    private static long[] Seqs(JsonElement sync) =>
        sync.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()).ToArray();
}
