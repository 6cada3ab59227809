namespace Chat.Media.Storage;

public sealed record MediaItem(
    long Id,
    long ConversationId,
    long UploaderId,
    string BlobKey,
    string ContentType,
    long Size,
    string FileName,
    DateTimeOffset CreatedAt);

/// <summary>Which media exists, who posted it where.</summary>
public interface IMediaStore
{
    Task<MediaItem> AddAsync(long conversationId, long uploaderId, string blobKey, string contentType, long size, string fileName, CancellationToken cancellationToken);

    Task<MediaItem?> FindAsync(long id, CancellationToken cancellationToken);
}
