using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Testing;

public static class HubClients
{
    /// <summary>A SignalR client on a real WebSocket to the test server, with the token in the query string as browsers send it.</summary>
    public static HubConnection CreateHubConnection<T>(this WebApplicationFactory<T> factory, string accessToken) where T : class
    {
        var url = new Uri(factory.Server.BaseAddress, $"/hubs/chat?access_token={Uri.EscapeDataString(accessToken)}");
        return new HubConnectionBuilder()
            .WithUrl(url, options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.WebSocketFactory = (context, cancellationToken) =>
                    new ValueTask<System.Net.WebSockets.WebSocket>(factory.Server.CreateWebSocketClient().ConnectAsync(context.Uri, cancellationToken));
            })
            .Build();
    }

    /// <summary>
    /// Connects as a real client does: start, then Sync. SignalR completes the handshake before the server has
    /// subscribed the connection to its user's backplane channel; a hub call returns only after that, so pushes sent
    /// from then on reach this connection (and anything earlier comes with the Sync).
    /// </summary>
    public static async Task StartAndSyncAsync(this HubConnection connection)
    {
        await connection.StartAsync();
        await connection.InvokeAsync<System.Text.Json.JsonElement>("Sync", Array.Empty<object>());
    }
}
