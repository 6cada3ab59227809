using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Testing;

/// <summary>One hub connection and every event it received, in arrival order.</summary>
public sealed class HubInbox : IAsyncDisposable
{
    private static readonly string[] Events =
        ["MessageReceived", "MessageUpdated", "ConversationChanged", "ConversationRemoved", "ReadMarkerChanged", "TypingChanged", "PresenceChanged"];

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly Channel<(string Name, JsonElement Payload)> _received = Channel.CreateUnbounded<(string, JsonElement)>();

    public HubInbox(HubConnection connection)
    {
        Connection = connection;
        foreach (var name in Events)
        {
            connection.On<JsonElement>(name, payload => _received.Writer.TryWrite((name, payload)));
        }
        connection.On("Resync", () => _received.Writer.TryWrite(("Resync", default)));
    }

    public HubConnection Connection { get; }

    /// <summary>Events up to and including the first <paramref name="name"/> that matches, in arrival order.</summary>
    public async Task<List<(string Name, JsonElement Payload)>> ReadUntilAsync(string name, Func<JsonElement, bool>? match = null)
    {
        var seen = new List<(string, JsonElement)>();
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var next = await _received.Reader.ReadAsync(timeout.Token);
            seen.Add(next);
            if (next.Name == name && (match is null || match(next.Payload)))
            {
                return seen;
            }
        }
    }

    public async Task<JsonElement> NextAsync(string name, Func<JsonElement, bool>? match = null) =>
        (await ReadUntilAsync(name, match))[^1].Payload;

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
