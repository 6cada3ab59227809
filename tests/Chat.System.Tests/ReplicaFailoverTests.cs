using System.Globalization;
using System.Net.Http.Json;
using Chat.Testing;

namespace Chat.System.Tests;

/// <summary>Two Messaging replicas behind the gateway, one of which the test kills.</summary>
public sealed class TwoReplicaChatApp : ChatApp
{
    protected override IEnumerable<string> ExtraArguments => ["--Messaging:Replicas=2"];
}

[Collection(SystemCollection.Name)]
public sealed class ReplicaFailoverTests(TwoReplicaChatApp app) : IClassFixture<TwoReplicaChatApp>
{
    private const int MessagesBeforeCrash = 10;
    private const int MessagesAfterCrash = 10;

    private static readonly TimeSpan ConvergePatience = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task WhenAReplicaDiesMidConversationEveryClientEndsWithEveryMessageExactlyOnceInOrder()
    {
        var alice = await app.SignUpAsync("alice_" + Guid.NewGuid().ToString("N")[..6]);
        var bob = await app.SignUpAsync("bob_" + Guid.NewGuid().ToString("N")[..6]);
        using var aliceHttp = app.CreateClient(alice.Token);
        using var opened = await aliceHttp.PostAsJsonAsync("/api/conversations/direct", new { userId = bob.Id });
        var conversationId = (await opened.Content.ReadFromJsonAsync<ConversationResponse>())!.Id;
        var conversation = conversationId.ToString(CultureInfo.InvariantCulture);

        // Four devices; the replicas take connections in turn, so both replicas hold some of them.
        var devices = new List<ChatDevice>();
        foreach (var (token, name) in new[] { (alice.Token, "alice-1"), (bob.Token, "bob-1"), (alice.Token, "alice-2"), (bob.Token, "bob-2") })
        {
            devices.Add(await ChatDevice.ConnectAsync(app, token, name));
        }

        for (var i = 0; i < MessagesBeforeCrash; i++)
        {
            await RetriedCalls.SendAsync(aliceHttp, conversation, $"before-{i}");
        }
        await ReplicaProcesses.KillBusiestMessagingReplicaAsync(app);
        using var bobHttp = app.CreateClient(bob.Token);
        for (var i = 0; i < MessagesAfterCrash; i++)
        {
            await RetriedCalls.SendAsync(i % 2 == 0 ? aliceHttp : bobHttp, conversation, $"after-{i}");
        }

        // The premise: the replicas took turns, so the dead one held some of the devices' connections.
        Assert.Contains(devices, device => device.Dropped);
        var texts = Enumerable.Range(0, MessagesBeforeCrash).Select(i => $"before-{i}").Concat(Enumerable.Range(0, MessagesAfterCrash).Select(i => $"after-{i}"));
        var expected = new Dictionary<long, (long Seq, string Text)[]> { [conversationId] = [.. texts.Select((text, i) => (i + 1L, text))] };
        foreach (var device in devices)
        {
            await device.ConvergesAsync(expected, ConvergePatience, "After a replica died");
            await device.DisposeAsync();
        }
    }
}
