using Chat.Messaging.Contracts;
using Chat.Messaging.Messages;
using Chat.Messaging.Storage;
using Microsoft.Extensions.Options;

namespace Chat.Messaging.Conversations;

/// <summary>What a member reads of conversations: their list (the list endpoint and Sync share it), one of them, and the limits.</summary>
public sealed class ConversationQueries(IConversationStore conversations, IMessageStore messages, IOptions<MessagingOptions> options)
{
    public async Task<IReadOnlyList<ConversationView>> ListAsync(long userId, CancellationToken cancellationToken)
    {
        var list = await conversations.ListForMemberAsync(userId, cancellationToken);
        var last = await messages.GetLastMessagesAsync(list.Select(c => c.Id).ToList(), cancellationToken);
        return list.Select(c => ConversationViews.For(c, userId, last.GetValueOrDefault(c.Id))).ToList();
    }

    public async Task<ConversationView> GetAsync(long conversationId, long userId, CancellationToken cancellationToken)
    {
        var conversation = await conversations.FindForMemberAsync(conversationId, userId, cancellationToken)
            ?? throw MessagingError.ConversationNotFound(conversationId);
        var last = await messages.GetLastMessagesAsync([conversationId], cancellationToken);
        return ConversationViews.For(conversation, userId, last.GetValueOrDefault(conversationId));
    }

    /// <summary>The limits a client checks before it sends.</summary>
    public MessagingLimits Limits()
    {
        var settings = options.Value;
        return new MessagingLimits(settings.MaxMessageLength, settings.MaxGroupMembers, settings.MaxAttachments);
    }
}
