using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.System.Tests;

/// <summary>
/// One device as the web client behaves: a hub connection through the gateway that reconnects forever, holds messages
/// by seq (pushes are hints; a second copy must be the same message), and asks the store what it missed only when it
/// reconnects, sees a gap in the seqs, or is told to resync — never on a timer, so a lost push nobody reports stays missing.
/// </summary>
internal sealed class ChatDevice : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly string _name;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, SortedDictionary<long, string>> _timelines = [];
    private readonly List<string> _violations = [];
    private readonly SemaphoreSlim _syncing = new(1, 1);
    private int _syncRequested;
    private volatile bool _dropped;

    private ChatDevice(ChatApp app, string token, string name)
    {
        _name = name;
        _connection = app.CreateHubConnection(token, new EveryHalfSecond());
        _connection.On<JsonElement>("MessageReceived", Receive);
        _connection.On("Resync", RequestSync);
        _connection.Reconnecting += _ =>
        {
            _dropped = true;
            return Task.CompletedTask;
        };
        _connection.Reconnected += _ =>
        {
            RequestSync();
            return Task.CompletedTask;
        };
    }

    /// <summary>True once the connection was lost at least once (the part that held it went away).</summary>
    public bool Dropped => _dropped;

    public static async Task<ChatDevice> ConnectAsync(ChatApp app, string token, string name)
    {
        var device = new ChatDevice(app, token, name);
        await device._connection.StartAsync();
        await device.SyncOnceAsync();
        return device;
    }

    /// <summary>Sends over the hub until the store acknowledges, with one id for every attempt; each attempt answers or fails, never hangs.</summary>
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

    /// <summary>Waits until the device holds exactly <paramref name="expected"/> (seq and text) of each conversation named there, in seq order.</summary>
    public async Task ConvergesAsync(IReadOnlyDictionary<long, (long Seq, string Text)[]> expected, TimeSpan patience, string when)
    {
        using var timeout = new CancellationTokenSource(patience);
        string difference;
        while (true)
        {
            difference = Difference(expected);
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
        Assert.Fail($"{when}, {_name} ({_connection.State}) does not hold what the store holds: {difference}");
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _syncing.Dispose();
    }

    private string Difference(IReadOnlyDictionary<long, (long Seq, string Text)[]> expected)
    {
        lock (_gate)
        {
            if (_violations.Count > 0)
            {
                return string.Join("; ", _violations);
            }
            foreach (var (conversation, messages) in expected)
            {
                var held = _timelines.TryGetValue(conversation, out var timeline) ? timeline.Select(m => (m.Key, m.Value)).ToList() : [];
                if (!held.SequenceEqual(messages))
                {
                    var missing = messages.Except(held).Select(m => m.Item1);
                    var extra = held.Except(messages).Select(m => m.Item1);
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
            var page = result.GetProperty("messages").EnumerateArray()
                .Select(m => (Conversation: m.GetProperty("conversationId").GetInt64(), Seq: m.GetProperty("seq").GetInt64(), Text: m.GetProperty("text").GetString() ?? ""))
                .ToList();
            if (page.DistinctBy(m => (m.Conversation, m.Seq)).Count() != page.Count)
            {
                lock (_gate)
                {
                    _violations.Add("one Sync reply repeated a message");
                }
            }
            foreach (var (conversation, seq, text) in page)
            {
                Hold(conversation, seq, text);
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
