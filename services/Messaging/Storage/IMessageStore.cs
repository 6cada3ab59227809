namespace Chat.Messaging.Storage;

/// <summary>Messages keyed by (conversation, seq): the source of truth every client converges on.</summary>
public interface IMessageStore
{
    /// <summary>
    /// Appends with the conversation's next seq, atomically and without gaps, if the sender is a member;
    /// idempotent on (conversation, sender, client message id).
    /// </summary>
    Task<AppendResult> AppendAsync(NewMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// A page in ascending seq: after <paramref name="afterSeq"/> (oldest first), else before <paramref name="beforeSeq"/>
    /// (the newest of those), else the newest.
    /// </summary>
    Task<MessagePage> GetPageAsync(long conversationId, long? beforeSeq, long? afterSeq, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Messages after <paramref name="afterSeq"/> in ascending seq, as many as <paramref name="budget"/> admits; rows are
    /// read one at a time and reading stops at the first that does not fit (then the budget is exhausted).
    /// </summary>
    Task<IReadOnlyList<ChatMessage>> GetMessagesAfterAsync(long conversationId, long afterSeq, ReadBudget budget, CancellationToken cancellationToken);

    /// <summary>
    /// Messages up to <paramref name="throughSeq"/> edited or deleted after <paramref name="afterVersion"/>, in ascending
    /// version, as many as <paramref name="budget"/> admits (read as <see cref="GetMessagesAfterAsync"/> reads).
    /// </summary>
    Task<IReadOnlyList<ChatMessage>> GetUpdatesAsync(long conversationId, long throughSeq, long afterVersion, ReadBudget budget, CancellationToken cancellationToken);

    /// <summary>The newest message of each conversation given.</summary>
    Task<IReadOnlyDictionary<long, ChatMessage>> GetLastMessagesAsync(IReadOnlyCollection<long> conversationIds, CancellationToken cancellationToken);

    /// <summary>The sender replaces the text of their own text message.</summary>
    Task<MessageChange> EditAsync(long conversationId, long userId, long seq, string text, CancellationToken cancellationToken);

    /// <summary>The sender deletes their own message; it stays as a tombstone holding its seq.</summary>
    Task<MessageChange> DeleteAsync(long conversationId, long userId, long seq, CancellationToken cancellationToken);

    /// <summary>Deletes up to <paramref name="batchSize"/> messages created before <paramref name="cutoff"/>.</summary>
    Task<PrunedMessages> PruneAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken);
}
