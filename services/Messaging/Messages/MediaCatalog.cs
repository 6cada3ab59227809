using System.Net;
using System.Net.Http.Json;

namespace Chat.Messaging.Messages;

/// <summary>Asks Media who uploaded an attachment and into which conversation, before a message may carry it.</summary>
public sealed class MediaCatalog(IHttpClientFactory httpClients)
{
    public const string HttpClientName = "media";

    /// <summary>Null when the sender may not attach every one of them here; else no error.</summary>
    public async Task<MessagingError?> CheckAttachableAsync(long senderId, long conversationId, IReadOnlyList<long> mediaIds, CancellationToken cancellationToken)
    {
        var client = httpClients.CreateClient(HttpClientName);
        foreach (var mediaId in mediaIds)
        {
            using var response = await client.GetAsync($"/internal/media/{mediaId}", cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return NotAttachable(mediaId);
            }
            response.EnsureSuccessStatusCode();
            var media = await response.Content.ReadFromJsonAsync<MediaOwnership>(cancellationToken);
            if (media is null || media.UploaderId != senderId || media.ConversationId != conversationId)
            {
                return NotAttachable(mediaId);
            }
        }
        return null;
    }

    private static MessagingError NotAttachable(long mediaId) => new("media-not-found", "Attachment not found",
        $"There is no media {mediaId} that you uploaded into this conversation.", "mediaIds");

    private sealed record MediaOwnership(long Id, long ConversationId, long UploaderId);
}
