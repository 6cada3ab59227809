using Chat.Messaging.Apis;
using Chat.Messaging.Messages;
using Chat.Messaging.Presence;
using Chat.Messaging.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chat.Messaging.Hubs;

/// <summary>
/// The real-time face of Messaging. Errors reach the caller as <see cref="HubException"/> whose message
/// starts with the stable error code ("conversation-not-found: ...").
/// </summary>
[Authorize]
public sealed class ChatHub(
    MessageSender sender,
    IConversationStore conversations,
    IMessageStore messages,
    IOptions<MessagingOptions> options,
    PresenceReporter presence) : Hub<IChatClient>
{
    public override Task OnConnectedAsync()
    {
        presence.Connected(Context.User!.GetUserId(), Context.ConnectionId);
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        presence.Disconnected(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    public async Task<SendMessageResult> SendMessage(long conversationId, string clientMessageId, string? text, long[]? mediaIds)
    {
        var outcome = await sender.SendAsync(
            Context.User!.GetUserId(), conversationId, clientMessageId, text, mediaIds, Context.ConnectionAborted);
        if (outcome.Error is { } error)
        {
            throw new HubException(error.ToString());
        }
        return new SendMessageResult(outcome.Message!.Seq, outcome.Message.CreatedAt);
    }

    /// <summary>
    /// What changed since the client's cursors: every conversation the user is in, and the messages after each
    /// cursor (a conversation without a cursor starts at 0), at most <see cref="MessagingOptions.MaxSyncMessages"/>
    /// per call; with <c>HasMore</c>, call again with the advanced cursors.
    /// </summary>
    public async Task<SyncResult> Sync(SyncCursor[]? cursors)
    {
        var userId = Context.User!.GetUserId();
        var cancellationToken = Context.ConnectionAborted;
        var after = new Dictionary<long, long>();
        foreach (var cursor in cursors ?? [])
        {
            if (cursor.AfterSeq < 0)
            {
                throw new HubException(MessagingError.Invalid("cursors", "A cursor's afterSeq is not negative.").ToString());
            }
            after[cursor.ConversationId] = cursor.AfterSeq;
        }

        var views = await ConversationViews.ListAsync(userId, conversations, messages, cancellationToken);
        var budget = options.Value.MaxSyncMessages;
        var collected = new List<ChatMessage>();
        var hasMore = false;
        foreach (var view in views)
        {
            var cursor = after.GetValueOrDefault(view.Id);
            if (view.LastSeq <= cursor)
            {
                continue;
            }
            if (budget == 0)
            {
                hasMore = true;
                break;
            }
            var page = await messages.GetPageAsync(view.Id, null, cursor, budget, cancellationToken);
            collected.AddRange(page.Messages);
            budget -= page.Messages.Count;
            hasMore |= page.HasMore;
        }
        return new SyncResult(views, collected, hasMore);
    }
}
