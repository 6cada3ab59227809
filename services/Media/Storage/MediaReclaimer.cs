namespace Chat.Media.Storage;

/// <summary>
/// Every way media goes away (its last message reference released, its uploader deleting it unsent, the sweeper):
/// rows first, then the blobs no remaining row points at, under the <see cref="BlobReferenceLock"/>.
/// </summary>
public sealed class MediaReclaimer(IMediaStore media, IBlobStore blobs, BlobReferenceLock references)
{
    public async Task<MediaRemoval> ApplyReferencesAsync(IReadOnlyCollection<MediaReferenceChange> changes, CancellationToken cancellationToken)
    {
        using (await references.AcquireAsync(cancellationToken))
        {
            return await DeleteBlobsAsync(await media.ApplyReferencesAsync(changes, cancellationToken), cancellationToken);
        }
    }

    public async Task<UploadDeletionStatus> DeleteUploadAsync(long id, long uploaderId, CancellationToken cancellationToken)
    {
        using (await references.AcquireAsync(cancellationToken))
        {
            var deletion = await media.DeleteUnattachedAsync(id, uploaderId, cancellationToken);
            await DeleteBlobsAsync(deletion.Removal, cancellationToken);
            return deletion.Status;
        }
    }

    public async Task<MediaRemoval> RemoveUnattachedAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken)
    {
        using (await references.AcquireAsync(cancellationToken))
        {
            return await DeleteBlobsAsync(await media.RemoveUnattachedAsync(createdBefore, limit, cancellationToken), cancellationToken);
        }
    }

    private async Task<MediaRemoval> DeleteBlobsAsync(MediaRemoval removal, CancellationToken cancellationToken)
    {
        foreach (var key in removal.UnreferencedBlobKeys)
        {
            await blobs.DeleteAsync(key, cancellationToken);
        }
        return removal;
    }
}
