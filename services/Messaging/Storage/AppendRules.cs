namespace Chat.Messaging.Storage;

/// <summary>
/// What an append checks, in which order, and what it stores: one set of rules for every store. The store supplies
/// the lookups (run in the append's own transaction) and allocates the seq and version (see
/// <see cref="SqliteAppender"/> and <see cref="MongoMessagingDatabase.AppendAsync"/>).
/// </summary>
public static class AppendRules
{
    /// <summary>
    /// Null when the append may go ahead. A sender outside the conversation appends nothing; a retry of a stored client
    /// message id gets the original back (even after a block, so a retry never turns a sent message into a refusal);
    /// a direct conversation between a blocked pair takes nothing.
    /// </summary>
    public static async Task<AppendResult?> RefuseAsync(
        NewMessage message, IReadOnlyList<long> memberIds, Func<Task<ChatMessage?>> findOriginal, Func<Task<bool>> isBlockedDirect)
    {
        if (!memberIds.Contains(message.SenderId))
        {
            return new AppendResult(AppendStatus.NotMember, null, []);
        }
        if (await findOriginal() is { } original)
        {
            return new AppendResult(AppendStatus.Duplicate, original, memberIds);
        }
        if (await isBlockedDirect())
        {
            return new AppendResult(AppendStatus.Blocked, null, []);
        }
        return null;
    }

    /// <summary>The message as stored under the seq and version the store allocated; times kept to the millisecond.</summary>
    public static ChatMessage Stored(
        long conversationId, long seq, long version, long senderId, string clientMessageId, string kind, string text,
        IReadOnlyList<long> media, SystemEvent? system, DateTimeOffset now) =>
        new(conversationId, seq, senderId, clientMessageId, kind, text, media, system, MessageChangeRules.StoredTime(now), null, null, version);

    /// <summary>The outbox rows announcing a new message's attachments to Media, committed with the message.</summary>
    public static IReadOnlyList<MediaReferenceChange> Attachments(ChatMessage stored) =>
        MediaReferenceChange.For(stored.ConversationId, stored.Seq, stored.Media, attached: true);
}
