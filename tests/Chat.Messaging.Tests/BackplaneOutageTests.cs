using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Messaging.Tests;

/// <summary>
/// Two replicas whose Redis goes away and comes back. The second replica gives up on a publish after one second, so
/// a push it sends while Redis is down is certainly lost rather than queued until Redis returns.
/// </summary>
public sealed class InterruptedBackplaneFixture() : TwoReplicasFixture(secondRedisOptions: ",asyncTimeout=1000,syncTimeout=1000");

public sealed class BackplaneOutageTests(InterruptedBackplaneFixture fixture) : IClassFixture<InterruptedBackplaneFixture>
{
    [Fact]
    public async Task ADeviceWhosePushWasLostWhileRedisWasDownIsToldToSyncWithoutAnyLaterMessage()
    {
        var (a, b, conversationId) = await fixture.CreatePairAsync();
        await using var bob = await fixture.ConnectAsync(b);

        fixture.Garnet.Stop();
        long seq;
        try
        {
            using var alice = fixture.Second.CreateClient();
            alice.DefaultRequestHeaders.Authorization = a.Authorization;
            using var sent = await alice.PostAsJsonAsync(
                $"/api/conversations/{conversationId}/messages", new { clientMessageId = "while-redis-is-down", text = "are you there?" });
            // The store is the truth: the send succeeds without Redis; only its push to the other replica is lost.
            Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
            seq = (await sent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("seq").GetInt64();
            // Longer than the publish timeout, so the push fails for good instead of waiting in the client's backlog.
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        finally
        {
            fixture.Garnet.Start();
        }

        // Nothing else is sent: only the replicas' announcements can reveal the gap.
        var events = await bob.ReadUntilAsync("Resync");
        Assert.DoesNotContain(events, e => e.Name == "MessageReceived");
        var sync = await bob.Connection.InvokeAsync<JsonElement>("Sync", Array.Empty<object>());
        var message = Assert.Single(sync.GetProperty("messages").EnumerateArray(), m => m.GetProperty("conversationId").GetInt64() == conversationId);
        Assert.Equal(seq, message.GetProperty("seq").GetInt64());
        Assert.Equal("are you there?", message.GetProperty("text").GetString());
    }
}
