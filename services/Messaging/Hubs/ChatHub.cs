using Chat.Messaging.Apis;
using Chat.Messaging.Conversations;
using Chat.Messaging.Messages;
using Chat.Messaging.Presence;
using Chat.Messaging.Storage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chat.Messaging.Hubs;

/// <summary>
/// The real-time face of Messaging. Errors reach the caller as <see cref="HubException"/> whose message
/// starts with the stable error code ("conversation-not-found: ...").
/// </summary>
/// <remarks>
/// Only authenticated connections reach it: the endpoint requires authorization (<see cref="ChatHubEndpoint"/>) and a
/// connection ends with its token. No <c>[Authorize]</c> on the class, which SignalR would re-evaluate on every call.
/// </remarks>
public sealed class ChatHub(
    MessageSender sender,
    ConversationCommands commands,
    TypingRelay typing,
    IConversationStore conversations,
    IMessageStore messages,
    IOptions<MessagingOptions> options,
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

    public async Task<SendMessageResult> SendMessage(long conversationId, string clientMessageId, string? text, long[]? mediaIds)
    {
        var outcome = await sender.SendAsync(UserId, conversationId, clientMessageId, text, mediaIds, Context.ConnectionAborted, Context.ConnectionId);
        ThrowIfFailed(outcome.Error);
        return new SendMessageResult(outcome.Message!.Seq, outcome.Message.CreatedAt);
    }

    public async Task EditMessage(long conversationId, long seq, string? text) =>
        ThrowIfFailed((await sender.EditAsync(UserId, conversationId, seq, text, Context.ConnectionAborted)).Error);

    public async Task DeleteMessage(long conversationId, long seq) =>
        ThrowIfFailed((await sender.DeleteAsync(UserId, conversationId, seq, Context.ConnectionAborted)).Error);

    public async Task MarkRead(long conversationId, long seq) =>
        ThrowIfFailed((await commands.MarkReadAsync(conversationId, UserId, seq, Context.ConnectionAborted)).Error);

    /// <summary>The client reports whether its user is active ("online") or idle ("away").</summary>
    public void SetPresence(string status) => presence.SetAway(Context.ConnectionId, status switch
    {
        "online" => false,
        "away" => true,
        _ => throw new HubException(MessagingError.Invalid("status", "A presence status is \"online\" or \"away\".").ToString()),
    });

    public async Task Typing(long conversationId) =>
        ThrowIfFailed(await typing.RelayAsync(UserId, conversationId, Context.ConnectionAborted));

    /// <summary>
    /// What changed since the client's cursors: every conversation the user is in, the messages after each cursor's
    /// seq (a conversation without a cursor starts at 0) and the edits and deletes after its version, at most
    /// <see cref="MessagingOptions.MaxSyncMessages"/> messages and <see cref="MessagingOptions.MaxSyncCharacters"/> of text
    /// per call, updates included; with <c>HasMore</c>, call again with both cursors advanced from this reply: the seq to
    /// the last message returned, the version to the conversation's version if any of its new messages came (its updates
    /// were then complete), else to its last update returned.
    /// </summary>
    public async Task<SyncResult> Sync(SyncCursor[]? cursors)
    {
        var cancellationToken = Context.ConnectionAborted;
        var held = new Dictionary<long, SyncCursor>();
        foreach (var cursor in cursors ?? [])
        {
            if (cursor.AfterSeq < 0 || cursor.AfterVersion < 0)
            {
                throw new HubException(MessagingError.Invalid("cursors", "A cursor's afterSeq and afterVersion are not negative.").ToString());
            }
            held[cursor.ConversationId] = cursor;
        }

        var views = await ConversationViews.ListAsync(UserId, conversations, messages, cancellationToken);
        // New messages and updates share one budget of rows and characters, applied by the stores as they read.
        var budget = new ReadBudget(options.Value.MaxSyncMessages, options.Value.MaxSyncCharacters);
        var collected = new List<ChatMessage>();
        var updates = new List<ChatMessage>();
        foreach (var view in views)
        {
            var cursor = held.GetValueOrDefault(view.Id) ?? new SyncCursor(view.Id, 0);
            if (view.Version <= cursor.AfterVersion && view.LastSeq <= cursor.AfterSeq)
            {
                continue;
            }
            // A conversation's updates come before its new messages, so new messages in a reply mean its updates were complete.
            if (cursor.AfterSeq > 0 && view.Version > cursor.AfterVersion)
            {
                updates.AddRange(await messages.GetUpdatesAsync(view.Id, cursor.AfterSeq, cursor.AfterVersion, budget, cancellationToken));
            }
            if (!budget.Exhausted && view.LastSeq > cursor.AfterSeq)
            {
                collected.AddRange(await messages.GetMessagesAfterAsync(view.Id, cursor.AfterSeq, budget, cancellationToken));
            }
            if (budget.Exhausted)
            {
                break;
            }
        }
        return new SyncResult(views, collected, updates, budget.Exhausted);
    }

    private static void ThrowIfFailed(MessagingError? error)
    {
        if (error is not null)
        {
            throw new HubException(error.ToString());
        }
    }
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
