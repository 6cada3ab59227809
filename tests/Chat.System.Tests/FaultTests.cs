using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.System.Tests;

/// <summary>
/// Two users in a direct conversation and three in a group talk through the gateway while every part of the system
/// crashes (its process killed) and is started again, in turn. Devices behave as the web client does: they hold messages by seq, and ask the store what
/// they missed only when they reconnect, see a gap in the seqs, or are told to resync — never on a timer, so a lost
/// push that nobody reports stays missing and fails the test.
/// The two-tabs presence rule runs on the same system (two replicas, short presence timings): either test leaves it running.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class FaultTests(ShortPresenceTimeoutChatApp app) : IClassFixture<ShortPresenceTimeoutChatApp>
{
    /// <summary>Longer than any send may take: a send that has neither succeeded nor failed by then hangs.</summary>
    private static readonly TimeSpan SendPatience = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan ConvergePatience = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task EveryMessageReachesEveryDeviceExactlyOnceInOrderWhileEachPartCrashesAndRestartsInTurn()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var alice = await app.SignUpAsync("alice_" + suffix);
        var bob = await app.SignUpAsync("bob_" + suffix);
        var carol = await app.SignUpAsync("carol_" + suffix);
        using var aliceHttp = app.CreateClient(alice.Token);
        using var opened = await aliceHttp.PostAsJsonAsync("/api/conversations/direct", new { userId = bob.Id });
        var direct = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        using var created = await aliceHttp.PostAsJsonAsync("/api/conversations/groups", new { title = "restarts", memberIds = new[] { bob.Id, carol.Id } });
        var group = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        // Alice has two devices; with two replicas behind the proxy, the devices are spread over both.
        await using var aliceLaptop = await ChatDevice.ConnectAsync(app, alice.Token, "alice-laptop");
        await using var alicePhone = await ChatDevice.ConnectAsync(app, alice.Token, "alice-phone");
        await using var bobDevice = await ChatDevice.ConnectAsync(app, bob.Token, "bob");
        await using var carolDevice = await ChatDevice.ConnectAsync(app, carol.Token, "carol");
        var senders = new[] { (Device: aliceLaptop, Name: "alice"), (Device: bobDevice, Name: "bob"), (Device: carolDevice, Name: "carol") };
        var sent = new List<(long Conversation, string Sender, string Text)>();

        var messagingReplicas = await app.GetMessagingReplicaProcessesAsync(expected: 2);
        var parts = new (string Name, string ResourceId)[]
        {
            ("the Redis role", "garnet"), ("presence", "presence"), ("identity", "identity"), ("media", "media"),
            ("a Messaging replica", messagingReplicas.Keys.First()), ("the gateway", "gateway"),
        };
        foreach (var (part, resourceId) in parts)
        {
            await SendRoundAsync($"before {part}");
            var restart = app.CrashAndRestartAsync(resourceId);
            await SendRoundAsync($"during {part}");
            await restart;
            // Before anyone writes again: a push lost during the outage is not revealed by a later message.
            await AllConvergeAsync(part);
            await SendRoundAsync($"after {part}");
            await AllConvergeAsync(part);
            await AllShowOnlineAsync(aliceHttp, [bob.Id, carol.Id], part);
        }

        async Task AllConvergeAsync(string part)
        {
            var history = await HistoryAsync(aliceHttp, direct, group);
            AssertStoredOnceInSendOrder(history, sent, part);
            var expected = history.ToDictionary(h => h.Key, h => h.Value.Select(m => (m.GetProperty("seq").GetInt64(), m.GetProperty("text").GetString() ?? "")).ToArray());
            foreach (var device in new[] { aliceLaptop, alicePhone, bobDevice, carolDevice })
            {
                await device.ConvergesAsync(device == carolDevice ? expected.Where(c => c.Key == group).ToDictionary() : expected, ConvergePatience, $"After restarting {part}");
            }
        }

        async Task SendRoundAsync(string label)
        {
            // Each person sends in turn per conversation, all three at once: their devices retry with the same id.
            await Task.WhenAll(senders.Select(async s =>
            {
                foreach (var conversation in s.Name == "carol" ? new[] { group } : [direct, group])
                {
                    var text = $"{s.Name} {label} in {conversation}";
                    await s.Device.SendAsync(conversation, text, SendPatience);
                    lock (sent)
                    {
                        sent.Add((conversation, s.Name, text));
                    }
                }
            }));
        }
    }

    [Fact]
    public async Task TwoTabsOfOneUserKeepHerOnlineUntilTheLastCloses()
    {
        var erin = await app.SignUpAsync("erin_" + Guid.NewGuid().ToString("N")[..6]);
        var frank = await app.SignUpAsync("frank_" + Guid.NewGuid().ToString("N")[..6]);
        using var frankClient = app.CreateClient(frank.Token);
        (await frankClient.PostAsJsonAsync("/api/conversations/direct", new { userId = erin.Id })).EnsureSuccessStatusCode();
        var firstTab = app.CreateHubConnection(erin.Token);
        await using var secondTab = app.CreateHubConnection(erin.Token);
        await firstTab.StartAsync();
        await secondTab.StartAsync();
        Assert.True(await PresenceCrashTests.StatusBecomesAsync(frankClient, erin.Id, "online", TimeSpan.FromSeconds(10)));

        await firstTab.DisposeAsync();
        var afterOneTab = await PresenceCrashTests.StatusAsync(frankClient, erin.Id);
        await secondTab.StopAsync();

        Assert.Equal("online", afterOneTab);
        Assert.True(await PresenceCrashTests.StatusBecomesAsync(frankClient, erin.Id, "offline", TimeSpan.FromSeconds(10)));
    }

    private static async Task<Dictionary<long, JsonElement[]>> HistoryAsync(HttpClient client, params long[] conversations)
    {
        var history = new Dictionary<long, JsonElement[]>();
        foreach (var conversation in conversations)
        {
            var messages = new List<JsonElement>();
            var more = true;
            while (more)
            {
                var page = await client.GetFromJsonAsync<JsonElement>(
                    $"/api/conversations/{conversation}/messages?after={messages.Count}&limit=200");
                messages.AddRange(page.GetProperty("messages").EnumerateArray());
                more = page.GetProperty("hasMore").GetBoolean();
            }
            history[conversation] = [.. messages];
        }
        return history;
    }

    /// <summary>The store holds each acknowledged send once, and each person's messages in the order they sent them.</summary>
    private static void AssertStoredOnceInSendOrder(
        Dictionary<long, JsonElement[]> history, List<(long Conversation, string Sender, string Text)> sent, string part)
    {
        foreach (var (conversation, messages) in history)
        {
            var texts = messages.Where(m => m.GetProperty("kind").GetString() == "text").Select(m => m.GetProperty("text").GetString()!).ToList();
            Assert.True(texts.Count == texts.Distinct().Count(), $"After restarting {part}, a message is stored twice in {conversation}.");
            foreach (var sender in sent.Where(s => s.Conversation == conversation).Select(s => s.Sender).Distinct())
            {
                var acknowledged = sent.Where(s => s.Conversation == conversation && s.Sender == sender).Select(s => s.Text).ToList();
                Assert.Equal(acknowledged, texts.Where(t => t.StartsWith(sender + " ", StringComparison.Ordinal)).ToList());
            }
        }
    }

    private async Task AllShowOnlineAsync(HttpClient client, long[] userIds, string part)
    {
        using var timeout = new CancellationTokenSource(ShortPresenceTimeoutChatApp.HeartbeatTimeout * 3);
        var statuses = "";
        while (!timeout.IsCancellationRequested)
        {
            try
            {
                var presence = await client.GetFromJsonAsync<JsonElement[]>($"/api/presence?userIds={string.Join(',', userIds)}", timeout.Token);
                statuses = string.Join(", ", presence!.Select(p => $"{p.GetProperty("userId")}: {p.GetProperty("status")}"));
                if (presence!.Length == userIds.Length && presence.All(p => p.GetProperty("status").GetString() == "online"))
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
                statuses = e.Message;
            }
            await Task.Delay(250, CancellationToken.None);
        }
        Assert.Fail($"After restarting {part}, connected users did not all show online within the heartbeat timeout: {statuses}");
    }
}
