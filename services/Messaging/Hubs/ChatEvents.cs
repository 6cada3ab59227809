using Chat.Messaging.Contracts;
using Chat.Messaging.Messages;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Messaging.Hubs;

/// <summary>
/// Pushes changes to members' connections, on every replica through the backplane (<see cref="ChatBackplane"/>). A push
/// is only a hint (clients repair gaps from the store), so a failed push is logged, never turned into a failed request.
/// </summary>
public sealed class ChatEvents(IHubContext<ChatHub, IChatClient> hub, ChatBackplane backplane, ILogger<ChatEvents> logger) : IChatEvents
{
    /// <summary>A new message to every member's connections but <paramref name="senderConnectionId"/>, which has it from its ack.</summary>
    public Task MessageReceivedAsync(MessageView message, IReadOnlyList<long> memberIds, string? senderConnectionId = null) =>
        PushAsync("messages.fan-out", memberIds.Count, () => backplane.SendUsersExceptAsync(
            UserIds.ToStrings(memberIds), senderConnectionId is null ? [] : [senderConnectionId], nameof(IChatClient.MessageReceived), [message]));

    public Task MessageUpdatedAsync(MessageView message, IReadOnlyList<long> memberIds) =>
        PushAsync("messages.update-fan-out", memberIds.Count, () => hub.Clients.Users(UserIds.ToStrings(memberIds)).MessageUpdated(message));

    public Task TypingAsync(TypingNotice notice, IReadOnlyList<long> recipients) =>
        PushAsync("typing.fan-out", recipients.Count, () => hub.Clients.Users(UserIds.ToStrings(recipients)).TypingChanged(notice));

    public Task ReadMarkerChangedAsync(ReadMarker marker, IReadOnlyList<long> memberIds) =>
        PushAsync("read-markers.fan-out", memberIds.Count, () => hub.Clients.Users(UserIds.ToStrings(memberIds)).ReadMarkerChanged(marker));

    public Task ConversationChangedAsync(ConversationView view, long userId) =>
        PushAsync("conversations.fan-out", 1, () => hub.Clients.User(UserIds.ToString(userId)).ConversationChanged(view));

    public Task ConversationRemovedAsync(ConversationRemoval removal, long userId) =>
        PushAsync("conversations.fan-out", 1, () => hub.Clients.User(UserIds.ToString(userId)).ConversationRemoved(removal));

    /// <summary>Awaited, unlike the other pushes: the presence relay delivers one change after another.</summary>
    public Task PresenceChangedAsync(PresenceChange change, IReadOnlyList<string> connectionIds) =>
        hub.Clients.Clients(connectionIds).PresenceChanged(change);

    /// <summary>After a block: each of the two sees the other offline (the relay tells them nothing more while it lasts).</summary>
    public Task PresenceChangedAsync(PresenceChange change, long userId) =>
        PushAsync("presence.hide", 1, () => hub.Clients.User(UserIds.ToString(userId)).PresenceChanged(change));

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
