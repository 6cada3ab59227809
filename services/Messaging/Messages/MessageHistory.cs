using Chat.Messaging.Contracts;
using Chat.Messaging.Storage;
using Microsoft.Extensions.Options;

namespace Chat.Messaging.Messages;

/// <summary>History pages for members (<c>GET /api/conversations/{id}/messages</c>).</summary>
public sealed class MessageHistory(IConversationStore conversations, IMessageStore messages, IOptions<MessagingOptions> options)
{
    /// <summary>
    /// A page in ascending seq: after <paramref name="after"/> (oldest first), else before <paramref name="before"/> (the
    /// newest of those), else the newest; <paramref name="limit"/> defaults to <see cref="MessagingOptions.DefaultPageSize"/>.
    /// </summary>
    public async Task<MessagePageView> GetPageAsync(
        long conversationId, long userId, long? before, long? after, int? limit, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (limit is < 1 || limit > settings.MaxPageSize)
        {
            throw MessagingError.Invalid("limit", $"The limit is 1 to {settings.MaxPageSize}.");
        }
        if (before is not null && after is not null)
        {
            throw MessagingError.Invalid("before", "Ask for messages before a seq or after one, not both.");
        }
        if (before < 0 || after < 0)
        {
            throw MessagingError.Invalid(before is not null ? "before" : "after", "A seq is not negative.");
        }
        if (await conversations.FindForMemberAsync(conversationId, userId, cancellationToken) is null)
        {
            throw MessagingError.ConversationNotFound(conversationId);
        }
        return (await messages.GetPageAsync(conversationId, before, after, limit ?? settings.DefaultPageSize, cancellationToken)).ToView();
    }

}
