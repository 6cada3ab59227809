using Chat.Messaging.Contracts;
using Chat.Messaging.Messages;
using Chat.Messaging.Storage;

namespace Chat.Messaging.Conversations;

/// <summary>
/// After a membership or title change: the system messages and each member's view of the conversation to those still
/// in it; <c>ConversationRemoved</c> to anyone who is no longer.
/// </summary>
public sealed class ConversationChangeFanOut(
    IChatEvents events, IMessageStore messages, MembershipCache memberships, ILogger<ConversationChangeFanOut> logger)
{
    public async Task PublishAsync(ConversationChange change)
    {
        var conversation = change.Conversation!;
        // Every membership change on this replica passes here: from now on typing is relayed by the new member list.
        memberships.Forget(conversation.Id);
        var members = conversation.MemberIds;
        foreach (var message in change.SystemMessages)
        {
            await events.MessageReceivedAsync(message.ToView(), members);
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
            await events.ConversationChangedAsync(ConversationViews.For(conversation, userId, last), userId);
        }
        foreach (var removed in change.Audience.Except(members))
        {
            await events.ConversationRemovedAsync(new ConversationRemoval(conversation.Id), removed);
        }
    }
}
