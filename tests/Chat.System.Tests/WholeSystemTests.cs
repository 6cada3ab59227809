using System.Net.Http.Json;
using System.Text.Json;
using Chat.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.System.Tests;

[Collection(SystemCollection.Name)]
public sealed class WholeSystemTests(ChatApp app)
{
    [Fact]
    public async Task TwoUsersChatThroughTheGatewayAndTheSecondReceivesSeqOne()
    {
        var alice = await app.SignUpAsync("alice_" + Guid.NewGuid().ToString("N")[..6]);
        var bob = await app.SignUpAsync("bob_" + Guid.NewGuid().ToString("N")[..6]);
        await using var aliceHub = app.CreateHubConnection(alice.Token);
        await using var bobHub = app.CreateHubConnection(bob.Token);
        var received = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        bobHub.On<JsonElement>("MessageReceived", message => received.TrySetResult(message));
        await aliceHub.StartAndSyncAsync();
        await bobHub.StartAndSyncAsync();
        using var client = app.CreateClient(alice.Token);
        using var opened = await client.PostAsJsonAsync("/api/conversations/direct", new { userId = bob.Id });
        var conversationId = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        var sent = await aliceHub.InvokeAsync<JsonElement>("SendMessage", conversationId, Guid.NewGuid().ToString(), "hello through every layer", Array.Empty<long>());

        var message = await received.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(1, sent.GetProperty("seq").GetInt64());
        Assert.Equal(1, message.GetProperty("seq").GetInt64());
        Assert.Equal(alice.Id, message.GetProperty("senderId").GetInt64());
        Assert.Equal("hello through every layer", message.GetProperty("text").GetString());
    }

    [Fact]
    public async Task AUserWithAnOpenHubConnectionShowsOnlineToOthers()
    {
        var carol = await app.SignUpAsync("carol_" + Guid.NewGuid().ToString("N")[..6]);
        var dave = await app.SignUpAsync("dave_" + Guid.NewGuid().ToString("N")[..6]);
        using var client = app.CreateClient(dave.Token);
        // Presence is shown to people who share a conversation.
        (await client.PostAsJsonAsync("/api/conversations/direct", new { userId = carol.Id })).EnsureSuccessStatusCode();
        await using var carolHub = app.CreateHubConnection(carol.Token);

        var before = await client.GetFromJsonAsync<JsonElement[]>($"/api/presence?userIds={carol.Id}");
        await carolHub.StartAndSyncAsync();
        var online = await PollAsync(async () =>
            (await client.GetFromJsonAsync<JsonElement[]>($"/api/presence?userIds={carol.Id}"))![0].GetProperty("status").GetString() == "online");

        Assert.Equal("offline", before![0].GetProperty("status").GetString());
        Assert.True(online, "Carol never showed online while connected.");
    }

    [Fact]
    public async Task AStrangerGetsNotFoundForSomeoneElsesConversationThroughTheGateway()
    {
        var erin = await app.SignUpAsync("erin_" + Guid.NewGuid().ToString("N")[..6]);
        var frank = await app.SignUpAsync("frank_" + Guid.NewGuid().ToString("N")[..6]);
        var mallory = await app.SignUpAsync("mallory_" + Guid.NewGuid().ToString("N")[..6]);
        using var erinClient = app.CreateClient(erin.Token);
        using var opened = await erinClient.PostAsJsonAsync("/api/conversations/direct", new { userId = frank.Id });
        var conversationId = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        using var malloryClient = app.CreateClient(mallory.Token);

        using var response = await malloryClient.GetAsync($"/api/conversations/{conversationId}/messages");

        Assert.Equal(global::System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task<bool> PollAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if (await condition())
            {
                return true;
            }
            await Task.Delay(200);
        }
        return false;
    }
}
