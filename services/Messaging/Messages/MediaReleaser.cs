using System.Net.Http.Json;

namespace Chat.Messaging.Messages;

/// <summary>Tells Media that pruned messages no longer reference some attachments, so it can drop their blobs.</summary>
public sealed class MediaReleaser(IHttpClientFactory httpClients, ILogger<MediaReleaser> logger)
{
    public const string HttpClientName = MediaCatalog.HttpClientName;

    public async Task ReleaseAsync(IReadOnlyList<long> mediaIds, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName)
                .PostAsJsonAsync("/internal/media/release", new MediaRelease(mediaIds), cancellationToken);
            response.EnsureSuccessStatusCode();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Orphaned blobs waste space but leak nothing: their metadata still needs a member to be read.
            logger.LogWarning(e, "Releasing {Count} media item(s) to Media failed", mediaIds.Count);
        }
    }

    private sealed record MediaRelease(IReadOnlyList<long> MediaIds);
}
