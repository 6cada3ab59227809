namespace Chat.Messaging.Storage;

/// <summary>Message (conversation, seq) took the media on (<paramref name="Attached"/>) or let it go (deleted, pruned).</summary>
public sealed record MediaReferenceChange(long MediaId, long ConversationId, long Seq, bool Attached)
{
    public static IReadOnlyList<MediaReferenceChange> For(long conversationId, long seq, IReadOnlyList<long> mediaIds, bool attached) =>
        mediaIds.Select(mediaId => new MediaReferenceChange(mediaId, conversationId, seq, attached)).ToArray();
}

/// <summary>
/// Media reference changes waiting for Media to acknowledge them. The message stores write them in the same transaction
/// as the append, delete or prune that makes them; a dispatcher reads, delivers and removes them.
/// </summary>
public interface IMediaOutbox
{
    /// <summary>The oldest pending changes, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<MediaReferenceChange>> PeekAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Forgets changes Media acknowledged; removing one that is not there is not an error.</summary>
    Task RemoveAsync(IReadOnlyCollection<MediaReferenceChange> delivered, CancellationToken cancellationToken);
}
