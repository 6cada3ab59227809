namespace Chat.Media.Storage;

/// <param name="Attached">A message references it; until then only its uploader may see it.</param>
public sealed record MediaItem(
    long Id,
    long ConversationId,
    long UploaderId,
    string BlobKey,
    string ContentType,
    long Size,
    string FileName,
    int? Width,
    int? Height,
    string? ThumbnailKey,
    DateTimeOffset CreatedAt,
    bool Attached = false)
{
    /// <summary>Whether the user may see it at all, membership aside: a sent item, or their own upload.</summary>
    public bool VisibleTo(long userId) => Attached || UploaderId == userId;
}

/// <summary>What an upload adds: the blob it points at and, for images, the dimensions and thumbnail.</summary>
public sealed record NewMedia(
    long ConversationId,
    long UploaderId,
    string BlobKey,
    string ContentType,
    long Size,
    string FileName,
    int? Width,
    int? Height,
    string? ThumbnailKey);

/// <summary>A message (conversation, seq) took the media on (<paramref name="Attached"/>) or let it go.</summary>
public sealed record MediaReferenceChange(long MediaId, long ConversationId, long Seq, bool Attached);

/// <summary>Media rows removed, and the blob keys no remaining row references (for the caller to delete).</summary>
public sealed record MediaRemoval(int Removed, IReadOnlyList<string> UnreferencedBlobKeys)
{
    public static readonly MediaRemoval None = new(0, []);
}

public enum UploadDeletionStatus
{
    Deleted,
    NotFound,
    Attached,
}

public sealed record UploadDeletion(UploadDeletionStatus Status, MediaRemoval Removal);

/// <summary>Which media exists, who posted it where, and which messages reference it.</summary>
public interface IMediaStore
{
    /// <summary>Adds the media under a new random id (below 2^53), so ids say nothing about other uploads.</summary>
    Task<MediaItem> AddAsync(NewMedia media, CancellationToken cancellationToken);

    Task<MediaItem?> FindAsync(long id, CancellationToken cancellationToken);

    /// <summary>
    /// Applies message reference changes, idempotently and in any order: a reference is keyed by (media, conversation,
    /// seq), and a released one stays released. A media whose last reference is released is removed.
    /// </summary>
    Task<MediaRemoval> ApplyReferencesAsync(IReadOnlyCollection<MediaReferenceChange> changes, CancellationToken cancellationToken);

    /// <summary>The uploader removes an upload no message references.</summary>
    Task<UploadDeletion> DeleteUnattachedAsync(long id, long uploaderId, CancellationToken cancellationToken);

    /// <summary>Removes up to <paramref name="limit"/> uploads created before <paramref name="createdBefore"/> that no message ever took.</summary>
    Task<MediaRemoval> RemoveUnattachedAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken);
}
