namespace Chat.Messaging.Storage;

/// <summary>Messages keyed by (conversation, seq): the source of truth every client converges on.</summary>
public interface IMessageStore
{
    /// <summary>
    /// Appends with the conversation's next seq, atomically and without gaps, if the sender is a member;
    /// idempotent on (sender, client message id).
    /// </summary>
    Task<AppendResult> AppendAsync(NewMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// A page in ascending seq: after <paramref name="afterSeq"/> (oldest first), else before <paramref name="beforeSeq"/>
    /// (the newest of those), else the newest.
    /// </summary>
    Task<MessagePage> GetPageAsync(long conversationId, long? beforeSeq, long? afterSeq, int limit, CancellationToken cancellationToken);

    /// <summary>The newest message of each conversation given.</summary>
    Task<IReadOnlyDictionary<long, ChatMessage>> GetLastMessagesAsync(IReadOnlyCollection<long> conversationIds, CancellationToken cancellationToken);
}
