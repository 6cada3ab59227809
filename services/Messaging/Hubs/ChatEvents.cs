using Chat.Messaging.Apis;
using Chat.Messaging.Storage;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Messaging.Hubs;

/// <summary>
/// Pushes changes to members' connections, on every replica through the backplane (<see cref="ChatBackplane"/>). A push
/// is only a hint (clients repair gaps from the store), so a failed push is logged, never turned into a failed request.
/// </summary>
public sealed class ChatEvents(
    IHubContext<ChatHub, IChatClient> hub,
    ChatBackplane backplane,
    IMessageStore messages,
    MembershipCache memberships,
    ILogger<ChatEvents> logger)
{
    /// <summary>A new message to every member's connections but <paramref name="senderConnectionId"/>, which has it from its ack.</summary>
    public Task MessageReceivedAsync(ChatMessage message, IReadOnlyList<long> memberIds, string? senderConnectionId = null) =>
        PushAsync("messages.fan-out", memberIds.Count, () => backplane.SendUsersExceptAsync(
            UserIds.ToStrings(memberIds), senderConnectionId is null ? [] : [senderConnectionId], nameof(IChatClient.MessageReceived), [message]));

    public Task MessageUpdatedAsync(ChatMessage message, IReadOnlyList<long> memberIds) =>
        PushAsync("messages.update-fan-out", memberIds.Count, () => hub.Clients.Users(UserIds.ToStrings(memberIds)).MessageUpdated(message));

    public Task TypingAsync(TypingNotice notice, IReadOnlyList<long> recipients) =>
        PushAsync("typing.fan-out", recipients.Count, () => hub.Clients.Users(UserIds.ToStrings(recipients)).TypingChanged(notice));

    /// <summary>A new direct conversation, so the other person's open clients list it before its first message.</summary>
    public Task ConversationOpenedAsync(ConversationView view, long userId) =>
        PushAsync("conversations.fan-out", 1, () => hub.Clients.User(UserIds.ToString(userId)).ConversationChanged(view));

    public Task ReadMarkerChangedAsync(ReadMarker marker, IReadOnlyList<long> memberIds) =>
        PushAsync("read-markers.fan-out", memberIds.Count, () => hub.Clients.Users(UserIds.ToStrings(memberIds)).ReadMarkerChanged(marker));

    /// <summary>
    /// After a membership or title change: the system messages and each member's view of the conversation to those
    /// still in it; <c>ConversationRemoved</c> to anyone who is no longer.
    /// </summary>
    public async Task ConversationChangedAsync(ConversationChange change)
    {
        var conversation = change.Conversation!;
        // Every membership change on this replica passes here: from now on typing is relayed by the new member list.
        memberships.Forget(conversation.Id);
        var members = conversation.MemberIds;
        foreach (var message in change.SystemMessages)
        {
            await MessageReceivedAsync(message, members);
        }
        ChatMessage? last;
        try
        {
            last = change.SystemMessages.Count > 0
                ? change.SystemMessages[^1]
                : (await messages.GetLastMessagesAsync([conversation.Id], CancellationToken.None)).GetValueOrDefault(conversation.Id);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Reading the last message of conversation {ConversationId} for its change event failed", conversation.Id);
            last = null;
        }
        foreach (var userId in members)
        {
            await PushAsync("conversations.fan-out", 1,
                () => hub.Clients.User(UserIds.ToString(userId)).ConversationChanged(ConversationView.For(conversation, userId, last)));
        }
        foreach (var removed in change.Audience.Except(members))
        {
            await PushAsync("conversations.fan-out", 1,
                () => hub.Clients.User(UserIds.ToString(removed)).ConversationRemoved(new ConversationRemoval(conversation.Id)));
        }
    }

    /// <summary>After a block: each of the two sees the other offline (the relay tells them nothing more while it lasts).</summary>
    public async Task PresenceHiddenAsync(long blockerId, long blockedId)
    {
        await PushAsync("presence.hide", 1, () => hub.Clients.User(UserIds.ToString(blockerId)).PresenceChanged(new PresenceChange(blockedId, "offline", null)));
        await PushAsync("presence.hide", 1, () => hub.Clients.User(UserIds.ToString(blockedId)).PresenceChanged(new PresenceChange(blockerId, "offline", null)));
    }

    /// <summary>
    /// Starts the push and returns without waiting for it to be flushed: the backplane writes to local connections and
    /// publishes for other replicas before it returns, so pushes leave in call order, and the caller's reply (a send's
    /// ack) is not held up by the slowest recipient's socket.
    /// </summary>
    private Task PushAsync(string name, int recipients, Func<Task> push)
    {
        using var activity = ChatTelemetry.ActivitySource.StartActivity(name);
        activity?.SetTag("chat.recipients", recipients);
        try
        {
            var pushed = push();
            if (!pushed.IsCompletedSuccessfully)
            {
                _ = ObserveAsync(pushed, name, recipients);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogPushFailed(e, name, recipients);
        }
        return Task.CompletedTask;
    }

    private async Task ObserveAsync(Task pushed, string name, int recipients)
    {
        try
        {
            await pushed;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogPushFailed(e, name, recipients);
        }
    }

    private void LogPushFailed(Exception e, string name, int recipients) =>
        logger.LogWarning(e, "Push {Name} to {Recipients} recipient(s) failed; clients repair from the store", name, recipients);
}
