using Chat.Messaging.Contracts;
using Chat.Messaging.Messages;
using Chat.Messaging.Storage;

namespace Chat.Messaging.Conversations;

/// <summary>The one direct conversation between two people: opened on first use, refused while either blocks the other.</summary>
public sealed class DirectConversations(
    UserDirectory users, IConversationStore conversations, IMessageStore messages, IBlockStore blocks, IChatEvents events)
{
    /// <summary>The caller's view of their direct conversation with <paramref name="otherUserId"/>, created if new.</summary>
    public async Task<ConversationView> OpenAsync(long userId, long otherUserId, CancellationToken cancellationToken)
    {
        if (otherUserId == userId)
        {
            throw MessagingError.Invalid("userId", "A direct conversation is with someone else.");
        }
        if (!await users.ExistsAsync(otherUserId, cancellationToken))
        {
            throw MessagingError.UserNotFound(otherUserId);
        }
        if (await blocks.EitherBlockedAsync(userId, otherUserId, cancellationToken))
        {
            throw MessagingError.Blocked();
        }

        var conversation = await conversations.GetOrCreateDirectAsync(userId, otherUserId, cancellationToken);
        var last = (await messages.GetLastMessagesAsync([conversation.Id], cancellationToken)).GetValueOrDefault(conversation.Id);
        if (conversation.LastSeq == 0)
        {
            // Let the other person's open clients list it before the first message arrives.
            await events.ConversationChangedAsync(ConversationViews.For(conversation, otherUserId, last), otherUserId);
        }
        return ConversationViews.For(conversation, userId, last);
    }
}
