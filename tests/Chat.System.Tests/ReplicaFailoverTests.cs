using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

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

    [Fact]
    public async Task WhenAReplicaDiesMidConversationEveryClientEndsWithEveryMessageExactlyOnceInOrder()
    {
        var alice = await app.SignUpAsync("alice_" + Guid.NewGuid().ToString("N")[..6]);
        var bob = await app.SignUpAsync("bob_" + Guid.NewGuid().ToString("N")[..6]);
        using var aliceHttp = app.CreateClient(alice.Token);
        using var opened = await aliceHttp.PostAsJsonAsync("/api/conversations/direct", new { userId = bob.Id });
        var conversationId = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        // Four devices; the replicas take connections in turn, so both replicas hold some of them.
        var devices = new List<ChatDevice>();
        foreach (var token in new[] { alice.Token, bob.Token, alice.Token, bob.Token })
        {
            devices.Add(await ChatDevice.ConnectAsync(app, token, conversationId));
        }

        for (var i = 0; i < MessagesBeforeCrash; i++)
        {
            await SendWithRetriesAsync(aliceHttp, conversationId, $"before-{i}");
        }
        await ReplicaProcesses.KillBusiestMessagingReplicaAsync(app);
        using var bobHttp = app.CreateClient(bob.Token);
        for (var i = 0; i < MessagesAfterCrash; i++)
        {
            await SendWithRetriesAsync(i % 2 == 0 ? aliceHttp : bobHttp, conversationId, $"after-{i}");
        }

        const int total = MessagesBeforeCrash + MessagesAfterCrash;
        // The premise: the replicas took turns, so the dead one held some of the devices' connections.
        Assert.Contains(devices, device => device.Dropped);
        foreach (var device in devices)
        {
            await device.ReconnectIfDroppedAsync();
            await device.SyncAsync();
            Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), device.Seqs);
            Assert.Equal(
                Enumerable.Range(0, MessagesBeforeCrash).Select(i => $"before-{i}").Concat(Enumerable.Range(0, MessagesAfterCrash).Select(i => $"after-{i}")),
                device.Texts);
            await device.DisposeAsync();
        }
    }

    /// <summary>A client that loses its request to a dying replica sends again with the same id: the store keeps one.</summary>
    private static async Task SendWithRetriesAsync(HttpClient client, long conversationId, string text)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var response = await client.PostAsJsonAsync($"/api/conversations/{conversationId}/messages", new { clientMessageId = text, text });
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
                if (attempt == 20)
                {
                    response.EnsureSuccessStatusCode();
                }
            }
            catch (HttpRequestException) when (attempt < 20)
            {
            }
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// One device, as the web client behaves: it keeps messages by seq (pushes are hints, duplicates ignored) and on
    /// reconnect asks the store for everything after the highest seq it holds.
    /// </summary>
    private sealed class ChatDevice : IAsyncDisposable
    {
        private readonly ChatApp _app;
        private readonly string _token;
        private readonly long _conversationId;
        private readonly SortedDictionary<long, string> _messages = new();
        private readonly Lock _gate = new();
        private HubConnection _connection = null!;

        private ChatDevice(ChatApp app, string token, long conversationId)
        {
            _app = app;
            _token = token;
            _conversationId = conversationId;
        }

        public IReadOnlyList<long> Seqs { get { lock (_gate) { return _messages.Keys.ToArray(); } } }

        public IReadOnlyList<string> Texts { get { lock (_gate) { return _messages.Values.ToArray(); } } }

        public static async Task<ChatDevice> ConnectAsync(ChatApp app, string token, long conversationId)
        {
            var device = new ChatDevice(app, token, conversationId);
            await device.StartAsync();
            return device;
        }

        public bool Dropped => _connection.State != HubConnectionState.Connected;

        public async Task ReconnectIfDroppedAsync()
        {
            if (_connection.State == HubConnectionState.Connected)
            {
                return;
            }
            await _connection.DisposeAsync();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await StartAsync();
                    return;
                }
                catch (Exception) when (attempt < 20)
                {
                    await _connection.DisposeAsync();
                    await Task.Delay(250);
                }
            }
        }

        public async Task SyncAsync()
        {
            while (true)
            {
                long after;
                lock (_gate)
                {
                    after = _messages.Count == 0 ? 0 : _messages.Keys.Max();
                }
                var result = await _connection.InvokeAsync<JsonElement>("Sync", new[] { new { conversationId = _conversationId, afterSeq = after } });
                var page = result.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("seq").GetInt64()).ToArray();
                Assert.Equal(page.Distinct().Count(), page.Length);
                foreach (var message in result.GetProperty("messages").EnumerateArray())
                {
                    Hold(message);
                }
                if (!result.GetProperty("hasMore").GetBoolean())
                {
                    return;
                }
            }
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();

        private async Task StartAsync()
        {
            _connection = _app.CreateHubConnection(_token);
            _connection.On<JsonElement>("MessageReceived", Hold);
            await ChatApp.StartAndSyncAsync(_connection);
        }

        private void Hold(JsonElement message)
        {
            if (message.GetProperty("conversationId").GetInt64() != _conversationId)
            {
                return;
            }
            lock (_gate)
            {
                var seq = message.GetProperty("seq").GetInt64();
                var text = message.GetProperty("text").GetString()!;
                if (_messages.TryGetValue(seq, out var held))
                {
                    Assert.Equal(held, text);
                }
                _messages[seq] = text;
            }
        }
    }
}
