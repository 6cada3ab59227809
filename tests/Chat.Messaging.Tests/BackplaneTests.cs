using System.Text.Json;
using Chat.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using MessagingEntry = Chat.Messaging.MessagingOptions;

namespace Chat.Messaging.Tests;

/// <summary>Two Messaging replicas on one SQLite file and one Garnet: pushes cross replicas through the backplane.</summary>
public class TwoReplicasFixture : MessagingFixture
{
    public TwoReplicasFixture()
        : this(secondRedisOptions: "")
    {
    }

    /// <param name="secondRedisOptions">Appended to the second replica's Redis connection string.</param>
    protected TwoReplicasFixture(string secondRedisOptions)
    {
        Second = AddMessagingReplica(m => m.Set("ConnectionStrings:redis", Garnet.ConnectionString + secondRedisOptions));
        // Both hosts started (each subscribed and announced) before any test connects.
        _ = Messaging.Server;
        _ = Second.Server;
    }

    public ChatServiceFactory<MessagingEntry> Second { get; }

    public Task<HubInbox> ConnectToSecondAsync(TestUser user) => ConnectAsync(Second, user);
}

public sealed class BackplaneTests(TwoReplicasFixture fixture) : IClassFixture<TwoReplicasFixture>
{
    [Fact]
    public async Task AGroupMessageReachesEveryDeviceOnEitherReplicaExactlyOnce()
    {
        var owner = await fixture.Identity.CreateUserAsync();
        var onFirst = await fixture.Identity.CreateUserAsync();
        var onBoth = await fixture.Identity.CreateUserAsync();
        var conversationId = await fixture.CreateGroupAsync(owner, "across replicas", onFirst, onBoth);
        await using var ownerDevice = await fixture.ConnectToSecondAsync(owner);
        await using var firstDevice = await fixture.ConnectAsync(onFirst);
        await using var bothPhone = await fixture.ConnectAsync(onBoth);
        await using var bothLaptop = await fixture.ConnectToSecondAsync(onBoth);

        var first = await ownerDevice.Connection.InvokeAsync<JsonElement>("SendMessage", conversationId, "x-1", "one", Array.Empty<long>());
        var second = await ownerDevice.Connection.InvokeAsync<JsonElement>("SendMessage", conversationId, "x-2", "two", Array.Empty<long>());

        // Pushes from one replica arrive in publish order: a duplicate of the first would come before the second.
        var secondSeq = second.GetProperty("seq").GetInt64();
        // The sending connection has both from its acks; every other device gets each push once.
        foreach (var device in new[] { firstDevice, bothPhone, bothLaptop })
        {
            var events = await device.ReadUntilAsync("MessageReceived", m => IsMessage(m, conversationId, secondSeq));
            var seqs = events.Where(e => e.Name == "MessageReceived" && e.Payload.GetProperty("conversationId").GetInt64() == conversationId)
                .Select(e => e.Payload.GetProperty("seq").GetInt64())
                .Where(seq => seq >= first.GetProperty("seq").GetInt64())
                .ToArray();
            Assert.Equal([first.GetProperty("seq").GetInt64(), secondSeq], seqs);
        }
    }

    [Fact]
    public async Task ADirectMessageCrossesToTheOtherReplica()
    {
        var (a, b, conversationId) = await fixture.CreatePairAsync();
        await using var bob = await fixture.ConnectToSecondAsync(b);

        var seq = await fixture.SendAsync(a, conversationId, "from replica one");

        var message = await bob.NextAsync("MessageReceived", m => IsMessage(m, conversationId, seq));
        Assert.Equal("from replica one", message.GetProperty("text").GetString());
    }

    [Fact]
    public async Task TypingOnOneReplicaReachesTheOtherPersonOnTheOther()
    {
        var (a, b, conversationId) = await fixture.CreatePairAsync();
        await using var alice = await fixture.ConnectAsync(a);
        await using var bob = await fixture.ConnectToSecondAsync(b);

        await bob.Connection.InvokeAsync("Typing", conversationId);

        var typing = await alice.NextAsync("TypingChanged");
        Assert.Equal(b.Id, typing.GetProperty("userId").GetInt64());
        Assert.Equal(conversationId, typing.GetProperty("conversationId").GetInt64());
    }

    private static bool IsMessage(JsonElement message, long conversationId, long seq) =>
        message.GetProperty("conversationId").GetInt64() == conversationId && message.GetProperty("seq").GetInt64() == seq;
}
