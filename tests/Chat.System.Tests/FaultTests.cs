using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.System.Tests;

/// <summary>
/// Two users in a direct conversation and three in a group talk through the gateway while every part of the system
/// is restarted in turn. Devices behave as the web client does: they hold messages by seq, and ask the store what
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
    public async Task EveryMessageReachesEveryDeviceExactlyOnceInOrderWhileEachPartRestartsInTurn()
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
        await using var aliceLaptop = await FaultDevice.ConnectAsync(app, alice.Token, "alice-laptop");
        await using var alicePhone = await FaultDevice.ConnectAsync(app, alice.Token, "alice-phone");
        await using var bobDevice = await FaultDevice.ConnectAsync(app, bob.Token, "bob");
        await using var carolDevice = await FaultDevice.ConnectAsync(app, carol.Token, "carol");
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
            var restart = app.RestartAsync(resourceId);
            await SendRoundAsync($"during {part}");
            await restart;
            await SendRoundAsync($"after {part}");

            var expected = await HistoryAsync(aliceHttp, direct, group);
            AssertStoredOnceInSendOrder(expected, sent, part);
            foreach (var device in new[] { aliceLaptop, alicePhone, bobDevice, carolDevice })
            {
                await device.ConvergesAsync(expected, device == carolDevice ? [group] : [direct, group], ConvergePatience, part);
            }
            await AllShowOnlineAsync(aliceHttp, [bob.Id, carol.Id], part);
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

    /// <summary>One device: a hub connection through the gateway that reconnects forever and catches up as the web client does.</summary>
    private sealed class FaultDevice : IAsyncDisposable
    {
        private readonly HubConnection _connection;
        private readonly string _name;
        private readonly Lock _gate = new();
        private readonly Dictionary<long, SortedDictionary<long, string>> _timelines = [];
        private readonly List<string> _violations = [];
        private readonly SemaphoreSlim _syncing = new(1, 1);
        private int _syncRequested;

        private FaultDevice(ChatApp app, string token, string name)
        {
            _name = name;
            _connection = new HubConnectionBuilder()
                .WithUrl(new Uri(app.Gateway, "/hubs/chat"), options =>
                {
                    options.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                    options.SkipNegotiation = true;
                    options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                })
                .WithAutomaticReconnect(new EveryHalfSecond())
                .Build();
            _connection.On<JsonElement>("MessageReceived", Receive);
            _connection.On("Resync", RequestSync);
            _connection.Reconnected += _ =>
            {
                RequestSync();
                return Task.CompletedTask;
            };
        }

        public static async Task<FaultDevice> ConnectAsync(ChatApp app, string token, string name)
        {
            var device = new FaultDevice(app, token, name);
            await device._connection.StartAsync();
            await device.SyncOnceAsync();
            return device;
        }

        /// <summary>Sends until the store acknowledges, with one id for every attempt; each attempt answers or fails, never hangs.</summary>
        public async Task SendAsync(long conversationId, string text, TimeSpan patience)
        {
            var clientMessageId = Guid.NewGuid().ToString();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            while (true)
            {
                deadline.Token.ThrowIfCancellationRequested();
                if (_connection.State != HubConnectionState.Connected)
                {
                    await Task.Delay(200, deadline.Token);
                    continue;
                }
                using var attempt = new CancellationTokenSource(patience);
                try
                {
                    var ack = await _connection.InvokeAsync<JsonElement>("SendMessage", conversationId, clientMessageId, text, Array.Empty<long>(), attempt.Token);
                    Hold(conversationId, ack.GetProperty("seq").GetInt64(), text);
                    return;
                }
                catch (OperationCanceledException) when (attempt.IsCancellationRequested)
                {
                    Assert.Fail($"{_name}'s send of \"{text}\" neither succeeded nor failed within {patience.TotalSeconds} s.");
                }
                catch (Exception e) when (e is HubException or InvalidOperationException or IOException or global::System.Net.WebSockets.WebSocketException)
                {
                    // The connection dropped under the call, or the server refused it with a clear error: try again.
                    await Task.Delay(200, deadline.Token);
                }
            }
        }

        /// <summary>Waits until the device holds exactly the store's history of each conversation, in seq order.</summary>
        public async Task ConvergesAsync(Dictionary<long, JsonElement[]> history, long[] conversations, TimeSpan patience, string part)
        {
            using var timeout = new CancellationTokenSource(patience);
            string difference;
            while (true)
            {
                difference = Difference(history, conversations);
                if (difference.Length == 0)
                {
                    return;
                }
                if (timeout.IsCancellationRequested)
                {
                    break;
                }
                await Task.Delay(200, CancellationToken.None);
            }
            Assert.Fail($"After restarting {part}, {_name} ({_connection.State}) does not hold what the store holds: {difference}");
        }

        public async ValueTask DisposeAsync()
        {
            await _connection.DisposeAsync();
            _syncing.Dispose();
        }

        private string Difference(Dictionary<long, JsonElement[]> history, long[] conversations)
        {
            lock (_gate)
            {
                foreach (var conversation in conversations)
                {
                    if (_violations.Count > 0)
                    {
                        return string.Join("; ", _violations);
                    }
                    var expected = history[conversation].Select(m => (m.GetProperty("seq").GetInt64(), m.GetProperty("text").GetString() ?? "")).ToList();
                    var held = _timelines.TryGetValue(conversation, out var timeline) ? timeline.Select(m => (m.Key, m.Value)).ToList() : [];
                    if (!held.SequenceEqual(expected))
                    {
                        var missing = expected.Except(held).Select(m => m.Item1);
                        var extra = held.Except(expected).Select(m => m.Item1);
                        return $"conversation {conversation}: missing seqs [{string.Join(",", missing)}], unexpected [{string.Join(",", extra)}]";
                    }
                }
                return "";
            }
        }

        private void Receive(JsonElement message)
        {
            var conversation = message.GetProperty("conversationId").GetInt64();
            var seq = message.GetProperty("seq").GetInt64();
            if (Hold(conversation, seq, message.GetProperty("text").GetString() ?? ""))
            {
                // A gap before this seq: a push was lost, and this one reveals it.
                RequestSync();
            }
        }

        /// <summary>Keeps a message by seq (a second copy must be the same message); true when seqs before it are missing.</summary>
        private bool Hold(long conversation, long seq, string text)
        {
            lock (_gate)
            {
                if (!_timelines.TryGetValue(conversation, out var timeline))
                {
                    _timelines[conversation] = timeline = [];
                }
                if (timeline.TryGetValue(seq, out var held) && held != text)
                {
                    _violations.Add($"seq {seq} of {conversation} arrived as \"{held}\" and as \"{text}\"");
                }
                timeline[seq] = text;
                return Contiguous(timeline) < seq;
            }
        }

        private static long Contiguous(SortedDictionary<long, string> timeline)
        {
            var top = 0L;
            foreach (var seq in timeline.Keys)
            {
                if (seq != top + 1)
                {
                    break;
                }
                top = seq;
            }
            return top;
        }

        private void RequestSync()
        {
            Interlocked.Exchange(ref _syncRequested, 1);
            _ = SyncAsync();
        }

        /// <summary>
        /// One Sync at a time; a request during one runs another after it. A Sync that fails while connected is tried
        /// again; one that fails with the connection waits for the reconnect, which asks again.
        /// </summary>
        private async Task SyncAsync()
        {
            while (Volatile.Read(ref _syncRequested) == 1 && await _syncing.WaitAsync(0))
            {
                try
                {
                    while (Interlocked.Exchange(ref _syncRequested, 0) == 1)
                    {
                        await SyncOnceAsync();
                    }
                }
                catch (Exception e) when (e is HubException or InvalidOperationException or IOException or OperationCanceledException)
                {
                    if (_connection.State == HubConnectionState.Connected)
                    {
                        Interlocked.Exchange(ref _syncRequested, 1);
                        await Task.Delay(500);
                    }
                }
                finally
                {
                    _syncing.Release();
                }
            }
        }

        private async Task SyncOnceAsync()
        {
            while (true)
            {
                object[] cursors;
                lock (_gate)
                {
                    cursors = [.. _timelines.Select(t => new { conversationId = t.Key, afterSeq = Contiguous(t.Value) })];
                }
                var result = await _connection.InvokeAsync<JsonElement>("Sync", cursors);
                foreach (var message in result.GetProperty("messages").EnumerateArray())
                {
                    Hold(message.GetProperty("conversationId").GetInt64(), message.GetProperty("seq").GetInt64(), message.GetProperty("text").GetString() ?? "");
                }
                if (!result.GetProperty("hasMore").GetBoolean())
                {
                    return;
                }
            }
        }

        private sealed class EveryHalfSecond : IRetryPolicy
        {
            public TimeSpan? NextRetryDelay(RetryContext retryContext) => TimeSpan.FromMilliseconds(500);
        }
    }
}
