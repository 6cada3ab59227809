using Chat.Messaging.Contracts;
using Chat.Messaging.Conversations;
using Chat.Messaging.Messages;
using Chat.Messaging.Presence;
using Chat.Messaging.Sync;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Messaging.Hubs;

/// <summary>
/// The real-time face of Messaging: each method hands over to an application service. Their refusals
/// (<see cref="MessagingError"/>) reach the caller as a <see cref="HubException"/> whose message starts with the stable
/// error code ("conversation-not-found: ..."), by <see cref="HubErrors"/>.
/// </summary>
/// <remarks>
/// Only authenticated connections reach it: the endpoint requires authorization (<see cref="ChatHubEndpoint"/>) and a
/// connection ends with its token. No <c>[Authorize]</c> on the class, which SignalR would re-evaluate on every call.
/// </remarks>
public sealed class ChatHub(
    MessageSender sender,
    ConversationCommands commands,
    TypingRelay typing,
    ConversationSync sync,
    PresenceReporter presence) : Hub<IChatClient>
{
    private long UserId => Context.User!.GetUserId();

    public override Task OnConnectedAsync()
    {
        presence.Connected(UserId, Context.ConnectionId);
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        presence.Disconnected(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    public async Task<SendMessageResult> SendMessage(long conversationId, string clientMessageId, string? text, long[]? mediaIds) =>
        (await sender.SendAsync(UserId, conversationId, clientMessageId, text, mediaIds, Context.ConnectionAborted, Context.ConnectionId)).Ack;

    public Task EditMessage(long conversationId, long seq, string? text) =>
        sender.EditAsync(UserId, conversationId, seq, text, Context.ConnectionAborted);

    public Task DeleteMessage(long conversationId, long seq) =>
        sender.DeleteAsync(UserId, conversationId, seq, Context.ConnectionAborted);

    public Task MarkRead(long conversationId, long seq) =>
        commands.MarkReadAsync(conversationId, UserId, seq, Context.ConnectionAborted);

    /// <summary>The client reports whether its user is active ("online") or idle ("away").</summary>
    public void SetPresence(string status) => presence.SetAway(Context.ConnectionId, status switch
    {
        "online" => false,
        "away" => true,
        _ => throw MessagingError.Invalid("status", "A presence status is \"online\" or \"away\"."),
    });

    public Task Typing(long conversationId) => typing.RelayAsync(UserId, conversationId, Context.ConnectionAborted);

    /// <summary>What changed since the client's cursors, a page at a time (<see cref="ConversationSync"/>).</summary>
    public Task<SyncResult> Sync(SyncCursor[]? cursors) => sync.SyncAsync(UserId, cursors, Context.ConnectionAborted);
}

public static class ChatHubEndpoint
{
    /// <summary>
    /// The hub at <c>/hubs/chat</c>. A connection lives no longer than its token, so logged-out and revoked sessions
    /// stop receiving; clients reconnect with a fresh one.
    /// </summary>
    public static HubEndpointConventionBuilder MapChatHub(this IEndpointRouteBuilder routes) =>
        routes.MapHub<ChatHub>("/hubs/chat", hub => hub.CloseOnAuthenticationExpiration = true).RequireAuthorization();
}
