namespace Chat.Messaging.Storage;

/// <summary>A member as an export carries it: the read marker and when they joined (which orders "longest-standing").</summary>
public sealed record ArchivedMember(long UserId, long LastReadSeq, long JoinedAt);

/// <summary>A conversation with its members and both counters; times are Unix milliseconds, as the stores keep them.</summary>
/// <param name="DirectKey">"smaller:larger" member id of a direct conversation, null for a group.</param>
public sealed record ArchivedConversation(
    long Id,
    string Kind,
    string? Title,
    long? OwnerId,
    string? DirectKey,
    long LastSeq,
    long LastVersion,
    long CreatedAt,
    long UpdatedAt,
    IReadOnlyList<ArchivedMember> Members);

/// <summary>A message exactly as stored: its seq, version, edit or delete time (a tombstone keeps its seq) and attachments.</summary>
public sealed record ArchivedMessage(
    long ConversationId,
    long Seq,
    long SenderId,
    string ClientMessageId,
    string Kind,
    string Text,
    IReadOnlyList<long> Media,
    SystemEvent? System,
    long CreatedAt,
    long? EditedAt,
    long? DeletedAt,
    long Version);

/// <summary>Messaging's enforcement copy of one block (see <see cref="IBlockStore"/>).</summary>
public sealed record ArchivedBlockCopy(long BlockerId, long BlockedId);

/// <summary>
/// Whole-deployment reading and writing of Messaging's data, beside the stores and on the same database, for moving a
/// deployment between engines. Writes keep ids, seqs, versions and timestamps; they never run while the service serves.
/// </summary>
public interface IMessagingArchive
{
    /// <summary>Whether the database holds no conversation, message, block copy or outbox change.</summary>
    Task<bool> IsEmptyAsync(CancellationToken cancellationToken);

    /// <summary>Every conversation in id order, members in joining order, read as a stream.</summary>
    IAsyncEnumerable<ArchivedConversation> ReadConversationsAsync(CancellationToken cancellationToken);

    /// <summary>Every message in (conversation, seq) order, read as a stream.</summary>
    IAsyncEnumerable<ArchivedMessage> ReadMessagesAsync(CancellationToken cancellationToken);

    IAsyncEnumerable<ArchivedBlockCopy> ReadBlocksAsync(CancellationToken cancellationToken);

    /// <summary>Attachment changes Media has not acknowledged yet, oldest first.</summary>
    IAsyncEnumerable<MediaReferenceChange> ReadMediaOutboxAsync(CancellationToken cancellationToken);

    Task WriteConversationsAsync(IReadOnlyList<ArchivedConversation> conversations, CancellationToken cancellationToken);

    /// <summary>Messages of conversations already written; an existing (conversation, seq) fails the batch.</summary>
    Task WriteMessagesAsync(IReadOnlyList<ArchivedMessage> messages, CancellationToken cancellationToken);

    Task WriteBlocksAsync(IReadOnlyList<ArchivedBlockCopy> blocks, CancellationToken cancellationToken);

    Task WriteMediaOutboxAsync(IReadOnlyList<MediaReferenceChange> changes, CancellationToken cancellationToken);

    /// <summary>
    /// After the last write: each conversation's next seq and version continue after the highest imported, and new
    /// conversations get ids above every imported one.
    /// </summary>
    Task CompleteImportAsync(CancellationToken cancellationToken);
}
