using System.Net.WebSockets;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.LoadGen;

/// <summary>One SignalR connection of a user; hands every <c>MessageReceived</c> to the current step's ledger.</summary>
public sealed class ChatClient(BenchUser user, HubConnection connection, WebSocketHolder? socket = null) : IAsyncDisposable
{
    public BenchUser User { get; } = user;
    public HubConnection Connection { get; } = connection;

    /// <summary>
    /// Drops the connection as a network failure would: the WebSocket is aborted without a close handshake, so the
    /// server learns of it from the broken socket. Only for clients connected with <c>abortable: true</c>.
    /// </summary>
    public void AbortTransport() => (socket ?? throw new InvalidOperationException("Not an abortable client.")).Current?.Abort();

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}

/// <summary>Opens hub connections the way the browser does: WebSockets, no negotiation, token in the query.</summary>
public sealed class ChatClients(Uri target, bool messagePack)
{
    /// <summary>The ledger receivers report to; swapped between steps.</summary>
    public DeliveryLedger? Ledger { get; set; }

    public event Action<long, ReceivedMessage>? Received;

    public async Task<ChatClient> ConnectAsync(BenchUser user, bool receive, CancellationToken cancellationToken, bool abortable = false)
    {
        var socket = abortable ? new WebSocketHolder() : null;
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(target, "/hubs/chat"), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.AccessTokenProvider = () => Task.FromResult<string?>(user.AccessToken);
                if (socket is not null)
                {
                    // The client's own socket, kept so that it can be aborted; the token goes as the default factory sends it.
                    options.WebSocketFactory = async (context, token) =>
                    {
                        var webSocket = new ClientWebSocket();
                        webSocket.Options.SetRequestHeader("Authorization", $"Bearer {user.AccessToken}");
                        await webSocket.ConnectAsync(context.Uri, token);
                        socket.Current = webSocket;
                        return webSocket;
                    };
                }
            });
        if (messagePack)
        {
            builder.AddMessagePackProtocol();
        }
        var connection = builder.Build();
        // Under saturation the server's keep-alives queue behind messages; do not mistake that for a dead server.
        connection.ServerTimeout = TimeSpan.FromSeconds(120);
        if (receive)
        {
            connection.On<ReceivedMessage>("MessageReceived", message =>
            {
                Ledger?.OnReceived(user.Id, message);
                Received?.Invoke(user.Id, message);
            });
        }
        await connection.StartAsync(cancellationToken);
        // The handshake completes before the server has subscribed this connection to its user's backplane channel;
        // a hub call returns only after that, so no delivery measured from here on can miss the connection.
        await connection.InvokeAsync("SetPresence", "online", cancellationToken);
        return new ChatClient(user, connection, socket);
    }

    /// <summary>One connection per user, <paramref name="concurrency"/> handshakes at a time.</summary>
    public async Task<ChatClient[]> ConnectAllAsync(IReadOnlyList<BenchUser> users, int concurrency, bool receive, CancellationToken cancellationToken, bool abortable = false)
    {
        var clients = new ChatClient[users.Count];
        await Parallel.ForAsync(0, users.Count, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (i, token) => clients[i] = await ConnectAsync(users[i], receive, token, abortable));
        return clients;
    }
}

/// <summary>The WebSocket a hub connection currently runs on; replaced on every reconnect.</summary>
public sealed class WebSocketHolder
{
    public volatile WebSocket? Current;
}
