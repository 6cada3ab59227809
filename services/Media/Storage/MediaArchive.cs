namespace Chat.Media.Storage;

/// <summary>Media metadata as an export carries it; times are Unix milliseconds, <paramref name="AttachedAt"/> null while unsent.</summary>
public sealed record ArchivedMedia(
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
    long CreatedAt,
    long? AttachedAt);

/// <summary>One message's reference to a media item; a released one stays until the media goes.</summary>
public sealed record ArchivedMediaReference(long MediaId, long ConversationId, long Seq, bool Released);

/// <summary>
/// Whole-deployment reading and writing of Media's metadata, beside <see cref="IMediaStore"/> and on the same database, for
/// moving a deployment between engines (blobs move through <see cref="IBlobStore"/>). Writes keep ids and timestamps.
/// </summary>
public interface IMediaArchive
{
    /// <summary>Whether the database holds no media and no reference.</summary>
    Task<bool> IsEmptyAsync(CancellationToken cancellationToken);

    /// <summary>Every media item in id order, read as a stream.</summary>
    IAsyncEnumerable<ArchivedMedia> ReadMediaAsync(CancellationToken cancellationToken);

    IAsyncEnumerable<ArchivedMediaReference> ReadReferencesAsync(CancellationToken cancellationToken);

    /// <summary>Each blob key the metadata points at (originals and thumbnails) once.</summary>
    IAsyncEnumerable<string> ReadBlobKeysAsync(CancellationToken cancellationToken);

    Task WriteMediaAsync(IReadOnlyList<ArchivedMedia> media, CancellationToken cancellationToken);

    Task WriteReferencesAsync(IReadOnlyList<ArchivedMediaReference> references, CancellationToken cancellationToken);
}
