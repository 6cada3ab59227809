namespace Chat.Media.Storage;

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
    DateTimeOffset CreatedAt);

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

/// <summary>Which media exists, who posted it where.</summary>
public interface IMediaStore
{
    Task<MediaItem> AddAsync(NewMedia media, CancellationToken cancellationToken);

    Task<MediaItem?> FindAsync(long id, CancellationToken cancellationToken);

    /// <summary>Deletes the media rows; answers how many went and the blob keys no remaining row references.</summary>
    Task<(int Released, IReadOnlyList<string> UnreferencedBlobKeys)> ReleaseAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken);
}
